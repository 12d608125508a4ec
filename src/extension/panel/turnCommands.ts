import * as vscode from 'vscode';
import type { Library } from '../../engine/cast/characters';
import type { SessionEvent } from '../../engine/store/sessionSchema';
import { finalLine } from '../../engine/store/sessionLine';
import type { RewindPreview } from '../../engine/prompt/turnLedger';
import { livePanel, UserFacingError } from './panelCommands';
import type { PanelManager } from './panels';

/**
 * Commands that ask a turn again: another sample of the last turn, the last line edited and resent, or a
 * rewind to an earlier turn. Nothing is deleted by any of them: the engine marks what they replace as
 * superseded. Each resolves once the panel has the floor again, so a script can read the result.
 */

type HumanLine = Extract<SessionEvent, { type: 'human-speak' }>;

/** The human line of each turn still in the session's line, oldest first. */
function liveLines(events: readonly SessionEvent[]): HumanLine[] {
  const live = new Set(finalLine(events).live);
  const byTurn = new Map<number, HumanLine>();
  for (const e of events) if (e.type === 'human-speak' && live.has(e.turn)) byTurn.set(e.turn, e);
  return [...byTurn.values()].sort((a, b) => a.turn - b.turn);
}

const lastLiveTurn = (events: readonly SessionEvent[]): number | undefined => finalLine(events).live.at(-1);

const quote = (line: HumanLine): string => `${line.target ? `@${line.target} ` : ''}“${line.text.length > 100 ? `${line.text.slice(0, 99)}…` : line.text}”`;

/** `dialogue.regenerate`: another sample of the last turn; returns the new sample's turn. */
export async function regenerateLastTurn(panels: PanelManager): Promise<number | undefined> {
  const { session } = livePanel(panels);
  await session.regenerate();
  return lastLiveTurn(session.events);
}

/** `dialogue.editLastLine`: resends the last human line with new text (`arg`: the text, or `{ text }`); returns the new turn. */
export async function editLastLine(panels: PanelManager, arg?: unknown): Promise<number | undefined> {
  const { session } = livePanel(panels);
  let text = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && typeof (arg as { text?: unknown }).text === 'string' ? (arg as { text: string }).text : undefined;
  if (text === undefined) {
    const last = liveLines(session.events).at(-1);
    if (!last) throw new UserFacingError('Dialogue: there is no line to edit yet.');
    text = await vscode.window.showInputBox({
      title: `Edit and resend your line of turn ${last.turn}`,
      value: last.text,
      prompt: 'The panel answers the edited line; the original stays in the log, marked superseded.',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().length === 0 ? 'Say something first' : undefined),
    });
    if (text === undefined) return undefined;
  }
  await session.edit(text);
  return lastLiveTurn(session.events);
}

/** `{ turn }` or a bare number; `confirm: true` also skips the confirmation (for scripts). */
function rewindArgument(arg: unknown): { turn?: number; confirmed: boolean } {
  if (typeof arg === 'number') return { turn: arg, confirmed: false };
  if (typeof arg !== 'object' || arg === null) return { confirmed: false };
  const { turn, confirm } = arg as { turn?: unknown; confirm?: unknown };
  if (turn !== undefined && (typeof turn !== 'number' || !Number.isInteger(turn) || turn < 0)) {
    throw new UserFacingError(`Dialogue: rewind needs { "turn": N } with N a turn number ≥ 0 (got ${JSON.stringify(turn)}).`);
  }
  return { ...(typeof turn === 'number' ? { turn } : {}), confirmed: confirm === true };
}

async function pickRewindTurn(lines: HumanLine[]): Promise<number | undefined> {
  // Rewinding to the last turn would change nothing, so it is not offered.
  const earlier = lines.slice(0, -1).reverse();
  const items: Array<vscode.QuickPickItem & { turn: number }> = earlier.map((line) => ({
    turn: line.turn,
    label: `Turn ${line.turn}`,
    description: quote(line),
    detail: `Keep up to here; the ${lines.length - 1 - lines.indexOf(line)} later turn(s) are set aside`,
  }));
  items.push({ turn: 0, label: 'The start', description: 'before your first line', detail: `Set aside all ${lines.length} turn(s)` });
  const picked = await vscode.window.showQuickPick(items, { title: 'Rewind the panel to…', placeHolder: 'Later turns stay in the log, marked superseded', matchOnDescription: true });
  return picked?.turn;
}

/** The confirmation's detail: what the rewind sets aside and which cast changes it undoes. */
export function describeRewind(preview: RewindPreview, nameOf: (id: string) => string): string {
  const turns = preview.turns;
  const span = turns.length === 1 ? `turn ${turns[0]}` : `turns ${turns[0]}–${turns.at(-1)}`;
  const lines = [`Sets aside ${span}: ${preview.humanLines} of your line(s) and ${preview.responses} response(s).`];
  if (preview.castChanges.length > 0) {
    const changes = preview.castChanges.map((c) => `${nameOf(c.id)} ${c.change === 'join' ? 'comes back' : 'leaves'}`);
    lines.push(`The cast returns to what it was: ${changes.join(', ')}.`);
  }
  lines.push('Nothing is deleted: the log keeps them, marked superseded.');
  return lines.join('\n');
}

/** `dialogue.rewind`: back to the end of a turn (0 = the start); returns what was set aside, undefined if cancelled. */
export async function rewindPanel(panels: PanelManager, library: Library | null, arg?: unknown): Promise<RewindPreview | undefined> {
  const { session } = livePanel(panels);
  const wanted = rewindArgument(arg);
  let turn = wanted.turn;
  if (turn === undefined) {
    const lines = liveLines(session.events);
    if (lines.length === 0) throw new UserFacingError('Dialogue: there is nothing to rewind yet.');
    turn = await pickRewindTurn(lines);
    if (turn === undefined) return undefined;
  }
  const preview = session.rewindPreview(turn);
  if (preview.turns.length === 0) {
    void vscode.window.showInformationMessage(`Dialogue: nothing comes after turn ${turn}; there is nothing to rewind.`);
    return preview;
  }
  if (!wanted.confirmed) {
    const nameOf = (id: string): string => session.castView().present.find((c) => c.id === id)?.name ?? library?.characters.get(id)?.name ?? id;
    const choice = await vscode.window.showWarningMessage(
      turn === 0 ? 'Rewind the panel to the start?' : `Rewind the panel to the end of turn ${turn}?`,
      { modal: true, detail: describeRewind(preview, nameOf) },
      'Rewind',
    );
    if (choice !== 'Rewind') return undefined;
  }
  return session.rewind(turn);
}
