import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventLogSchema, type InteractiveLog } from '../../src/engine/store/sessionSchema';
import { cost, regeneratedEvents, stamp, type EventSpec } from './panelFixtures';

type SessionEvent = InteractiveLog['events'][number];

/** Model text that would run script if it ever became HTML: it must show as text and run nothing. */
export const HOSTILE = {
  img: '<img src=x onerror="window.__pwned=1">',
  script: '<script>window.__pwned=2</script>',
  link: '[click me](javascript:window.__pwned=3)',
  closer: '</script><script>window.__pwned=4</script>',
};

/** Every kind of event the viewer shows, each with text a test can look for. */
export function everyKindEvents(): SessionEvent[] {
  const base = regeneratedEvents(); // intro, 4 turns incl. a regenerated sample (supersede)
  const next = base.length + 1;
  const specs: EventSpec[] = [
    { type: 'join', turn: 5, speaker: 'tomas', profile_sha256: 'a'.repeat(64) },
    { type: 'revise', turn: 5, speaker: 'ilse', profile_sha256: 'b'.repeat(64) },
    { type: 'human-speak', turn: 5, text: `Hostile line ${HOSTILE.img} ${HOSTILE.script}`, target: 'tomas' },
    { type: 'deliberation', turn: 5, speaker: 'tomas', text: `Confer of Tomás ${HOSTILE.closer}` },
    { type: 'speak', turn: 5, speaker: 'tomas', order: 1, truncated: true, text: `Tomás answers ${HOSTILE.img} and ${HOSTILE.link} then is cut` },
    { type: 'pass', turn: 5, speaker: 'mara', order: 2 },
    { type: 'anomaly', turn: 5, kind: 'unknown-speaker', detail: `Reply named "zed" ${HOSTILE.script}` },
    { type: 'anomaly', turn: 5, kind: 'context-warning', detail: '182k of 200k tokens' },
    cost(5, 0.0213, { cache_creation: { ephemeral_5m_input_tokens: 310, ephemeral_1h_input_tokens: 0 } }),
    { type: 'floor', turn: 5 },
    { type: 'leave', turn: 6, speaker: 'oskar' },
    { type: 'human-speak', turn: 6, text: 'One more question after Oskar left.', target: null },
    { type: 'error', turn: 6, kind: 'overloaded', message: 'The API was overloaded (529)' },
    { type: 'floor', turn: 6 },
    { type: 'resume', turn: 6 },
  ];
  return [...base, ...stamp(specs, next)];
}

/** A closed interactive log around `events` (participants, totals) that passes the schema. */
export function interactiveLog(events: SessionEvent[], over: Partial<InteractiveLog> = {}): InteractiveLog {
  const usd = events.reduce((s, e) => s + (e.type === 'cost' && e.usd !== null ? e.usd : 0), 0);
  const log: InteractiveLog = {
    schema_version: 2, mode: 'interactive', session_id: '2026-11-22T0407Z-harbour-deal', title: 'The harbour deal <b>bold</b>',
    started_at: '2026-11-22T04:07:00.000Z', ended_at: '2026-11-22T04:30:00.000Z', model: 'claude-sonnet-4-5',
    brief: { id: 'harbour-deal', title: 'The harbour deal' },
    participants: [
      { id: 'human', name: 'Human', kind: 'human', joined_turn: 0, left_turn: null },
      { id: 'mara', name: 'Mara Voss', kind: 'character', glyph: 'M', color: '#c0563f', joined_turn: 0, left_turn: null },
      { id: 'oskar', name: 'Oskar Lind', kind: 'character', glyph: 'O', color: '#3c6e9e', joined_turn: 0, left_turn: 6 },
      { id: 'ilse', name: 'Ilse Brandt', kind: 'character', glyph: 'I', color: '#4f8a5b', joined_turn: 0, left_turn: null },
      { id: 'tomas', name: 'Tomás Reyes', kind: 'character', glyph: 'T', color: '#8a5fb0', joined_turn: 5, left_turn: null },
    ],
    events,
    totals: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0, usd },
    ...over,
  };
  eventLogSchema.parse(log);
  return log;
}

/** Writes `log` as `<dir>/<session_id>/event-log.json`; returns the session folder. */
export async function writeSession(dir: string, log: { session_id: string }): Promise<string> {
  const folder = join(dir, log.session_id);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'event-log.json'), `${JSON.stringify(log, null, 2)}\n`);
  return folder;
}
