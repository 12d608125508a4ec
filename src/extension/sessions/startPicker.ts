// Room `extension/sessions`: the interactive half of "Start Panel" — the brief and cast quick picks.
import * as vscode from 'vscode';
import type { Character, Library } from '../../engine/cast/characters';
import { briefDetail } from './briefDetail';
import type { StartRequest } from './startRequest';

/** What the cast picker says when Enter is pressed with nobody ticked (it stays open). */
export const PICK_AT_LEAST_ONE = 'Pick at least one member';

/** A quick-pick row for a character: glyph and name, the id to match on, the tagline below. */
export const characterItem = (c: Pick<Character, 'id' | 'name' | 'glyph' | 'tagline'>): vscode.QuickPickItem & { id: string } => ({
  id: c.id,
  label: `${c.glyph}  ${c.name}`,
  description: c.id,
  detail: c.tagline,
});

/**
 * The cast, ticked in a multi-select quick pick. Enter with nobody ticked does not close it (as
 * `showQuickPick` would, silently): it stays open and says to pick at least one. Undefined when dismissed.
 */
export function pickCast(library: Library, title: string): Promise<Character[] | undefined> {
  const problems = library.problems.length;
  const placeholder = problems > 0 ? `Pick the cast (${problems} character file problem${problems > 1 ? 's' : ''} in the Problems panel)` : 'Pick the cast';
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { id: string }>();
  Object.assign(qp, { title, placeholder, canSelectMany: true, matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true });
  qp.items = [...library.characters.values()].map(characterItem);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (cast: Character[] | undefined): void => {
      if (settled) return;
      settled = true;
      resolve(cast);
      qp.dispose();
    };
    qp.onDidAccept(() => {
      if (qp.selectedItems.length === 0) {
        qp.value = '';
        qp.placeholder = PICK_AT_LEAST_ONE;
        qp.title = `${title} — ${PICK_AT_LEAST_ONE.toLowerCase()}`;
        return;
      }
      finish(qp.selectedItems.map((p) => library.characters.get(p.id)!));
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

/** Brief (when the library has any), then cast. Undefined when the researcher dismissed either. */
export async function pickStartRequest(library: Library): Promise<StartRequest | undefined> {
  let brief: StartRequest['brief'] = null;
  if (library.briefs.size > 0) {
    const none = { label: '$(circle-slash) No brief', brief: null };
    const items = [none, ...[...library.briefs.values()].map((b) => ({ label: b.title, description: b.id, detail: briefDetail(b), brief: b }))];
    const picked = await vscode.window.showQuickPick(items, { title: 'Start a panel (1/2): brief', placeHolder: 'The situation the panel meets you in', ignoreFocusOut: true });
    if (!picked) return undefined;
    brief = picked.brief;
  }
  const cast = await pickCast(library, `Start a panel (${library.briefs.size > 0 ? '2/2' : '1/1'}): cast`);
  return cast ? { cast, brief } : undefined;
}
