/**
 * The export room: turns a closed session's log into the page a browser shows without a host (one-file
 * export, static site). It reads the store's format and writes HTML; it imports only `store` (and the
 * protocol's types: the page's data is the webview's `SessionView`).
 */
import type { SessionView, ViewMember } from '../../protocol';
import { HUMAN_ID, type BatchLog, type EventLog, type InteractiveLog, type Participant, type SessionEvent } from '../store/sessionSchema';

/** A session's folder name, as its siblings link to it; only names a relative link may carry. */
const LINKABLE = /^[A-Za-z0-9._ -]+$/;

function colorOf(p: Participant): string {
  if (p.color) return p.color;
  // Same id, same colour in every export, without the character file.
  let h = 0;
  for (const ch of p.id) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return `hsl(${h}, 45%, 45%)`;
}

// The protocol allows 1-2 characters; older or hand-edited logs may carry more or none.
function glyphOf(p: Participant): string {
  const chars = Array.from((p.glyph ?? '').trim());
  if (chars.length >= 1 && chars.join('').length <= 2) return chars.join('');
  const first = Array.from(p.name.trim() || p.id)[0] ?? '?';
  return first.length <= 2 ? first.toUpperCase() : '?';
}

function member(p: Participant, id: string, joinedTurn: number | null, leftTurn: number | null): ViewMember {
  return { id, name: p.name || id, glyph: glyphOf(p), color: colorOf(p), joinedTurn, leftTurn };
}

/** The page's data for a log of either form. `folder` is the session folder's name (for sibling links). */
export function sessionView(log: EventLog): SessionView {
  return log.mode === 'interactive' ? interactiveView(log) : batchView(log);
}

function interactiveView(log: InteractiveLog): SessionView {
  const firstJoin = new Map<number | string, number>();
  for (const e of log.events) if (e.type === 'join' && !firstJoin.has(e.speaker)) firstJoin.set(e.speaker, e.turn);
  const cast = log.participants
    .filter((p) => p.id !== HUMAN_ID && p.kind !== 'human')
    .map((p) => member(p, p.id, p.joined_turn ?? firstJoin.get(p.id) ?? null, p.left_turn ?? null));
  const links: SessionView['links'] = [];
  if (log.continues_from && LINKABLE.test(log.continues_from)) links.push({ rel: 'continues', session: log.continues_from, href: `../${log.continues_from}/view.html` });
  if (log.continued_in && LINKABLE.test(log.continued_in)) links.push({ rel: 'continued-in', session: log.continued_in, href: `../${log.continued_in}/view.html` });
  return {
    kind: 'session', form: 'interactive', sessionId: log.session_id, title: log.title ?? log.session_id, brief: log.brief,
    model: log.model, startedAt: log.started_at, endedAt: log.ended_at, cast, events: log.events, totalUsd: log.totals.usd, links,
    turns: log.events.filter((e) => e.type === 'human-speak').length,
  };
}

/** Batch ids are free text; the viewer's ids are character ids. Stable, distinct slugs. */
function slugIds(participants: readonly Participant[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>([HUMAN_ID]);
  for (const p of participants) {
    const base = p.id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '').slice(0, 56) || 'actor';
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    out.set(p.id, id);
  }
  return out;
}

/**
 * The older two-actor log, as the same events the panel shows: each actor's speech a response in its turn,
 * each private thought that turn's deliberation. There is no human, no floor line and no cost.
 */
function batchView(log: BatchLog): SessionView {
  const ids = slugIds(log.participants);
  const events: SessionEvent[] = [];
  const orders = new Map<number, number>();
  const firstTurn = new Map<string, number>();
  for (const e of log.events) {
    const speaker = ids.get(e.speaker) ?? slugIds([{ id: e.speaker, name: e.speaker }]).get(e.speaker)!;
    const turn = Math.max(1, e.turn);
    if (!firstTurn.has(speaker)) firstTurn.set(speaker, turn);
    if (e.type === 'think') {
      events.push({ seq: e.seq, at: e.at, turn, type: 'deliberation', speaker, text: e.text });
    } else {
      const order = (orders.get(turn) ?? 0) + 1;
      orders.set(turn, order);
      events.push({ seq: e.seq, at: e.at, turn, type: 'speak', speaker, text: e.text, order, truncated: e.truncated ?? false });
    }
  }
  const cast = log.participants.map((p) => member(p, ids.get(p.id)!, firstTurn.get(ids.get(p.id)!) ?? null, null));
  return {
    kind: 'session', form: 'batch', sessionId: log.session_id, title: log.title ?? log.session_id, brief: null,
    model: log.model, startedAt: log.started_at, endedAt: log.ended_at, cast, events, totalUsd: null, links: [],
    turns: new Set(events.map((e) => e.turn)).size,
  };
}
