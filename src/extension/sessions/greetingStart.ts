// Room `extension/sessions`: "Start 1:1 with a Character's Greeting" — a session with one imported character that
// opens with its card's first message (or an alternate), as the community's tools open a chat.
import * as vscode from 'vscode';
import { z } from 'zod';
import { resolveMacros } from '../../engine/cast/cardMacros';
import type { Character } from '../../engine/cast/characters';
import { characterIdSchema } from '../../engine/store/sessionSchema';
import type { DialogueServices } from '../services';
import { NO_FOLDER_MESSAGE } from '../services';
import type { SessionLauncher } from './sessionLauncher';
import { characterItem } from './startPicker';

/** The command id (a contract for keybindings and scripts, like every `dialogue.*` command). */
export const START_WITH_GREETING_COMMAND = 'dialogue.startWithGreeting';

/** Arguments for scripts: `"id"` or `{ "character": "id", "greeting": N }` (0 = the first message, N = alternate N). */
const argsSchema = z.union([
  characterIdSchema.transform((character) => ({ character, greeting: undefined as number | undefined })),
  z.object({ character: characterIdSchema, greeting: z.number().int().nonnegative().optional() }),
]);

/** A greeting's label in the picker: which one it is, and its opening words with the macros resolved. */
export function greetingItems(c: Character): Array<vscode.QuickPickItem & { index: number }> {
  return (c.greetings ?? []).map((g, index) => ({
    index,
    label: index === 0 ? 'First message' : `Alternate greeting ${index}`,
    detail: resolveMacros(g, c.name).replace(/\s+/g, ' ').trim().slice(0, 160),
  }));
}

/**
 * `dialogue.startWithGreeting`: a 1:1 session with one character that opens with its greeting. Without
 * arguments, pick the character (those with a greeting); without a greeting number, pick the greeting when there
 * are several. Returns the session folder; undefined when cancelled.
 */
export async function startWithGreeting(s: DialogueServices, launcher: SessionLauncher, open: (session: NonNullable<Awaited<ReturnType<SessionLauncher['start']>>>) => void, args?: unknown): Promise<string | undefined> {
  if (!s.charactersDir()) throw new Error(NO_FOLDER_MESSAGE);
  const library = await s.library.ensureLoaded();
  const greeted = [...library.characters.values()].filter((c) => (c.greetings?.length ?? 0) > 0);
  let character: Character | undefined;
  let greeting: number | undefined;
  if (args !== undefined && args !== null) {
    const parsed = argsSchema.safeParse(args);
    if (!parsed.success) throw new Error(`Dialogue: ${START_WITH_GREETING_COMMAND} arguments: ${z.prettifyError(parsed.error)}`);
    character = library.characters.get(parsed.data.character);
    if (!character) throw new Error(`Dialogue: unknown character "${parsed.data.character}".`);
    greeting = parsed.data.greeting;
  } else {
    if (greeted.length === 0) {
      const choice = await vscode.window.showInformationMessage('Dialogue: no character has a greeting yet. Greetings come with imported character cards (their first message).', 'Import Character Cards');
      if (choice) await vscode.commands.executeCommand('dialogue.importCharacterCard');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(greeted.map(characterItem), { title: 'Start 1:1 with a greeting: character', placeHolder: 'Characters whose card has a greeting', matchOnDescription: true });
    if (!picked) return undefined;
    character = library.characters.get(picked.id)!;
  }
  // Only a script that named the greeting runs without asking (for the greeting, or for a missing key).
  const interactive = greeting === undefined;
  if (greeting === undefined) {
    const items = greetingItems(character);
    if (items.length === 0) throw new Error(`Dialogue: ${character.name} has no greeting (greetings come with imported character cards).`);
    const chosen = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { title: `Start 1:1 with ${character.name}: greeting`, matchOnDetail: true });
    if (!chosen) return undefined;
    greeting = chosen.index;
  }
  const session = await launcher.start({ cast: [character], brief: null, title: `${character.name} (1:1)`, greeting }, interactive);
  if (!session) return undefined;
  open(session);
  return session.dir;
}
