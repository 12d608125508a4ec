import { z } from 'zod';
import type { Brief, Character, Library } from '../../engine/cast/characters';

/**
 * `dialogue.startPanel` arguments, for keybindings and scripts: `{ "cast": ["id", ...], "brief": "name" }`.
 * Checked against the library before anything is created, so a typo never leaves a half-made session.
 */
export const startArgsSchema = z.object({
  cast: z.array(z.string().min(1)).min(1, 'the cast needs at least one character id'),
  brief: z.string().min(1).nullish(),
  title: z.string().min(1).optional(),
});
export type StartArgs = z.infer<typeof startArgsSchema>;

/** A request that can start: every id resolved, no duplicates. */
export interface StartRequest {
  cast: Character[];
  brief: Brief | null;
  title?: string;
  /** a 1:1 session that opens with the one member's greeting (0 = first message, N = alternate N). */
  greeting?: number | undefined;
}

export function resolveStartRequest(args: unknown, library: Library): { ok: true; request: StartRequest } | { ok: false; message: string } {
  const parsed = startArgsSchema.safeParse(args);
  if (!parsed.success) return { ok: false, message: `dialogue.startPanel arguments: ${z.prettifyError(parsed.error)}` };
  const { cast: ids, brief: briefId, title } = parsed.data;
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) return { ok: false, message: `"${duplicate}" is in the cast twice` };
  const unknown = ids.filter((id) => !library.characters.has(id));
  if (unknown.length > 0) {
    const known = [...library.characters.keys()].sort().join(', ') || 'none (is the characters folder empty?)';
    return { ok: false, message: `unknown character${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; known: ${known}` };
  }
  let brief: Brief | null = null;
  if (briefId) {
    const found = library.briefs.get(briefId);
    if (!found) {
      const known = [...library.briefs.keys()].sort().join(', ') || 'none';
      return { ok: false, message: `unknown brief "${briefId}"; known: ${known}` };
    }
    brief = found;
  }
  const request: StartRequest = { cast: ids.map((id) => library.characters.get(id)!), brief };
  if (title) request.title = title;
  return { ok: true, request };
}
