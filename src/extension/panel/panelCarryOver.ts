import type { Brief, Library } from '../../engine/cast/characters';
import type { HostMessage } from '../../protocol';

/**
 * What a panel needs to carry a session over, and what it tells the researcher. The fresh session takes the
 * cast's and the brief's *current* files from the library, so both must still be there.
 */

type Banner = Extract<HostMessage, { type: 'banner' }>;

/** An error the banner mapping recognises by its code, like the engine's own (see panelBanners.ts). */
export function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** The library and brief for `session.carryOver`; throws a coded error naming what is missing. */
export function carryOverInputs(briefOfSession: { id: string } | null, library: Library | null): { library: Library; brief: Brief | null } {
  if (!library) throw codedError('bad-input', 'the character library is not loaded yet: try again in a moment');
  if (briefOfSession === null) return { library, brief: null };
  const brief = library.briefs.get(briefOfSession.id);
  if (!brief) {
    const id = briefOfSession.id;
    throw codedError('bad-input', `the brief "${id}" is no longer in the character library (briefs/${id}.md): restore it to carry over`);
  }
  return { library, brief };
}

export const CARRYING_OVER_BANNER: Banner = {
  type: 'banner',
  level: 'info',
  message: 'Carrying the session over: the panel is writing a summary of it…',
  actions: [],
};

/** Shown in the panel once it continues in the fresh session. */
export function carriedOverBanner(closedDir: string, nextDir: string): Banner {
  return { type: 'banner', level: 'info', message: `Carried over: ${closedDir} is closed and linked; this panel now continues in ${nextDir}.`, actions: [] };
}
