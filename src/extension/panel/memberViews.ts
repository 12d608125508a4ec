import type { Character, Library } from '../../engine/cast/characters';
import type { Participant } from '../../engine/store/sessionSchema';
import { HUMAN_ID } from '../../engine/store/sessionSchema';
import type { MemberView } from '../../protocol';

/** What a panel's roster shows: present and pending members (`cast`), and who else could join (`library`). */
export interface RosterView {
  cast: MemberView[];
  library: MemberView[];
}

/** The engine's cast, as `PanelSession.castView()` returns it. */
export interface CastState {
  present: readonly Character[];
  pending: ReadonlyArray<{ id: string; change: 'join' | 'retire' | 'revise' }>;
}

/** Turns an avatar file into a URI the webview may load, or undefined when it is outside the resource roots. */
export type AvatarUri = (file: string) => string | undefined;

export function memberView(c: Pick<Character, 'id' | 'name' | 'glyph' | 'color' | 'tagline' | 'avatar'>, avatarUri?: AvatarUri): MemberView {
  const view: MemberView = { id: c.id, name: c.name, glyph: glyphOf(c.glyph, c.name, c.id), color: c.color };
  if (c.tagline) view.tagline = c.tagline;
  const avatar = c.avatar && avatarUri ? avatarUri(c.avatar) : undefined;
  if (avatar) view.avatar = avatar;
  return view;
}

// The protocol allows 1-2 characters; a hand-edited or older file might carry more or none.
function glyphOf(glyph: string | undefined, name: string, id: string): string {
  const chars = Array.from((glyph ?? '').trim());
  if (chars.length >= 1 && chars.length <= 2 && chars.join('').length <= 2) return chars.join('');
  const first = Array.from(name.trim() || id)[0] ?? '?';
  return first.length <= 2 ? first.toUpperCase() : '?';
}

/**
 * Builds the roster. A present member is `edited` when the library now holds a different version of their
 * file than the one that joined (sha256 differs); pending joiners come from the library.
 */
export function rosterView(cast: CastState, library: Library | null, avatarUri?: AvatarUri): RosterView {
  const pending = new Map(cast.pending.map((p) => [p.id, p.change]));
  const inCast = new Set<string>();
  const views: MemberView[] = [];
  for (const c of cast.present) {
    inCast.add(c.id);
    const view = memberView(c, avatarUri);
    const current = library?.characters.get(c.id);
    if (current && current.sha256 !== c.sha256) view.edited = true;
    const change = pending.get(c.id);
    if (change === 'retire' || change === 'revise') view.pending = change;
    views.push(view);
  }
  for (const p of cast.pending) {
    if (p.change !== 'join' || inCast.has(p.id)) continue;
    const joiner = library?.characters.get(p.id);
    if (!joiner) continue;
    inCast.add(p.id);
    views.push({ ...memberView(joiner, avatarUri), pending: 'join' });
  }
  const others = library ? [...library.characters.values()].filter((c) => !inCast.has(c.id)) : [];
  others.sort((a, b) => a.name.localeCompare(b.name));
  return { cast: views, library: others.map((c) => memberView(c, avatarUri)) };
}

/** The roster of a replayed log: characters still present at its end, from what the log recorded. */
export function replayRoster(participants: readonly Participant[]): RosterView {
  const cast = participants
    .filter((p) => p.id !== HUMAN_ID && p.kind !== 'human' && (p.left_turn === undefined || p.left_turn === null))
    .map((p) => memberView({ id: p.id, name: p.name, glyph: p.glyph ?? '', color: p.color ?? defaultColor(p.id) }));
  return { cast, library: [] };
}

// Same id, same colour across sessions, without needing the character file.
function defaultColor(id: string): string {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return `hsl(${h}, 45%, 45%)`;
}
