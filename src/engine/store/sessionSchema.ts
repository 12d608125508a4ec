import { z } from 'zod';
import { batchLogSchema } from './batchLogSchema';
import { conditionsSchema, sha256Schema } from './conditionsSchema';
import { eventBase, isoTime, participantSchema } from './eventBase';

export { batchEventSchema, batchLogSchema, batchSpeakEventSchema, thinkEventSchema, type BatchEvent, type BatchLog } from './batchLogSchema';
export { participantSchema, type Participant } from './eventBase';

export { conditionsSchema, conditionPricesSchema, priceTierSchema, type SessionConditions } from './conditionsSchema';

/**
 * The session log format: the one source for validation, TypeScript types and the published JSON Schema
 * (`schemas/event-log.schema.json` is generated from this file by `scripts/genSchema.ts`; a test keeps the two
 * in step). `docs/session-format.md` documents every field.
 *
 * Compatibility rules: readers must ignore fields they do not know (objects here are not strict), and a
 * log without `mode` (or `mode: "batch"`) is the older two-actor batch log.
 */

/** 1: the first interactive format. 2: supersede/redo (regenerate, edit, rewind), carry-over links. */
export const SCHEMA_VERSION = 2;

/** Character ids: the file name of `characters/<id>.md`, valid on every OS. */
export const characterIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'ids are lowercase letters, digits and "-", starting with a letter or digit');

/** The human's participant id. No character may use it. */
export const HUMAN_ID = 'human';


const usageFields = {
  input_tokens: z.number().int().nonnegative(),
  cache_creation_input_tokens: z.number().int().nonnegative(),
  cache_read_input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
};

export const cacheCreationSplitSchema = z.object({
  ephemeral_5m_input_tokens: z.number().int().nonnegative(),
  ephemeral_1h_input_tokens: z.number().int().nonnegative(),
});

/** message_delta's `stop_details` (e.g. a refusal's policy category and explanation); later fields pass through. */
export const stopDetailsSchema = z.object({
  type: z.string(),
  category: z.string().nullable().optional(),
  explanation: z.string().nullable().optional(),
});

export const briefRefSchema = z.object({ id: z.string(), title: z.string() });

export const introEventSchema = z.object({
  ...eventBase,
  type: z.literal('intro'),
  brief: briefRefSchema.nullable(),
  cast: z.array(characterIdSchema).min(1),
  carried_over: z
    .object({ from: z.string(), summary: z.string() })
    .optional()
    .describe('this session continues another: the summary the model wrote of it, which opens this context'),
  profiles: z
    .object({})
    .catchall(sha256Schema)
    .optional()
    .describe('the sha256 of each opening member\'s character file, as join events carry it for later members'),
});
export const humanSpeakEventSchema = z.object({
  ...eventBase,
  type: z.literal('human-speak'),
  text: z.string(),
  target: characterIdSchema.nullable(),
  redo_of: z.number().int().positive().optional().describe('this turn asks turn N again: a regenerated sample or an edited line'),
  redo: z.enum(['regenerate', 'edit']).optional(),
  model: z.string().optional().describe("this turn was asked of another model than the session's (a refused turn tried on the fallback model)"),
});
export const deliberationEventSchema = z.object({
  ...eventBase,
  type: z.literal('deliberation'),
  speaker: characterIdSchema,
  text: z.string(),
});
export const speakEventSchema = z.object({
  ...eventBase,
  type: z.literal('speak'),
  speaker: characterIdSchema,
  text: z.string(),
  order: z.number().int().positive().describe('1-based delivery order within the turn (passes count)'),
  truncated: z.boolean().describe('true when the response was cut (stopped, dropped, max_tokens)'),
});
/**
 * A character's greeting opened the session (a 1:1 session started from a card's `first_mes` or one of its
 * alternates): said before the first turn, with no model call, and carried in the context as that character's
 * first reply.
 */
export const greetingEventSchema = z.object({
  ...eventBase,
  type: z.literal('greeting'),
  speaker: characterIdSchema,
  text: z.string().describe('the greeting as said: the card\'s text with {{char}} and {{user}} resolved'),
  greeting: z.number().int().nonnegative().describe('which greeting: 0 = the first message (first_mes), N = alternate greeting N'),
});
export const passEventSchema = z.object({
  ...eventBase,
  type: z.literal('pass'),
  speaker: characterIdSchema,
  order: z.number().int().positive().optional(),
});
export const joinEventSchema = z.object({
  ...eventBase,
  type: z.literal('join'),
  speaker: characterIdSchema,
  profile_sha256: sha256Schema
    .nullable()
    .describe('null only for a rewind rejoin whose revision no record holds (a session logged before intro had profiles, its file gone)'),
  reason: z.enum(['rewind', 'refusal']).optional().describe('the roster went back to an earlier turn (a rewind, or a refused turn set aside)'),
});
export const leaveEventSchema = z.object({
  ...eventBase,
  type: z.literal('leave'),
  speaker: characterIdSchema,
  reason: z.enum(['rewind', 'refusal']).optional().describe('the roster went back to an earlier turn (a rewind, or a refused turn set aside)'),
});
/** A present member's profile was re-read from its edited file (lands at a turn boundary like a join). */
export const reviseEventSchema = z.object({
  ...eventBase,
  type: z.literal('revise'),
  speaker: characterIdSchema,
  profile_sha256: sha256Schema,
});
/** A keyed lorebook entry of a member's card was recalled into this turn's user message (once per session). */
export const loreEventSchema = z.object({
  ...eventBase,
  type: z.literal('lore'),
  speaker: characterIdSchema.describe('the member whose lorebook holds the entry'),
  entry: z.string().describe("the entry's id in the lorebook (its index when it has none)"),
  name: z.string().describe("the entry's name, comment or first key"),
  key: z.string().describe('the key that the floor line or the previous responses named'),
});
export const costEventSchema = z.object({
  ...eventBase,
  type: z.literal('cost'),
  model: z.string(),
  ...usageFields,
  cache_creation: cacheCreationSplitSchema.optional(),
  context_tokens: z.number().int().nonnegative().optional().describe('input + cache writes + cache reads of this call'),
  service_tier: z.enum(['standard', 'priority', 'batch']).optional().describe('how the API served the call, when it said; batch is priced at 50%'),
  usd: z.number().nonnegative().nullable().describe('null when the model has no known price'),
  kind: z
    .literal('keep-warm')
    .optional()
    .describe('absent: a turn\'s call; keep-warm: a ping that refreshed the cached prefix while the panel was idle (not a turn)'),
  attempt: z.number().int().positive().optional().describe("the call's request this bills, from 1 (retries and pause_turn continuations count)"),
  usage_estimated: z.boolean().optional().describe('true when the API sent no final usage (stopped, dropped, failed): output_tokens is estimated from the text that arrived'),
  stop_reason: z.string().nullable().optional().describe('as the API reported it (end_turn, max_tokens, refusal, ...); null when the stream ended without one'),
  stop_details: stopDetailsSchema.optional(),
});
export const floorEventSchema = z.object({ ...eventBase, type: z.literal('floor') });
export const anomalyEventSchema = z.object({
  ...eventBase,
  type: z.literal('anomaly'),
  kind: z.string(),
  detail: z.string(),
});
export const errorEventSchema = z.object({
  ...eventBase,
  type: z.literal('error'),
  kind: z.string().describe('e.g. stopped, authentication, rate_limit, overloaded, connection, interrupted, budget'),
  message: z.string(),
});
/** A retryable API error (429/529/5xx) that the engine is waiting out before trying again. */
export const retryEventSchema = z.object({
  ...eventBase,
  type: z.literal('retry'),
  status: z.number().int(),
  attempt: z.number().int().positive(),
  wait_ms: z.number().int().nonnegative(),
});
/**
 * The model declined the turn (stop_reason `refusal`). What had arrived is kept here, and the turn is set aside
 * by the `supersede` (reason `refusal`) that follows, so the next request no longer holds it.
 */
export const refusalEventSchema = z.object({
  ...eventBase,
  type: z.literal('refusal'),
  model: z.string(),
  category: z.string().nullable().describe("stop_details.category (e.g. cyber, bio, general_harms); null when the API named none"),
  explanation: z.string().nullable(),
  partial_text: z.string().describe('the raw reply text that arrived before the refusal'),
});
const conditionPair = <T extends z.ZodType>(t: T) => z.object({ from: t, to: t });
/** A condition changed mid-session (a different model on resume, the TTL toggled, new prices): each changed field, from and to. */
export const conditionChangeEventSchema = z.object({
  ...eventBase,
  type: z.literal('condition-change'),
  changes: z
    .object({
      model: conditionPair(z.string()).optional(),
      max_tokens: conditionPair(z.number().int().positive()).optional(),
      deliberation_depth: conditionPair(z.enum(['off', 'brief', 'full'])).optional(),
      cache_ttl: conditionPair(z.enum(['5m', '1h'])).optional(),
      sampling: conditionPair(z.object({}).catchall(z.number())).optional(),
      system_sha256: conditionPair(sha256Schema).optional(),
      prices: conditionPair(conditionsSchema.shape.prices).optional(),
      engine_version: conditionPair(z.string()).optional(),
      sdk_version: conditionPair(z.string()).optional(),
    })
    .refine((c) => Object.keys(c).length > 0, 'a condition change names at least one field'),
});

/** A closed session was continued in the same folder. */
export const resumeEventSchema = z.object({ ...eventBase, type: z.literal('resume') });
/**
 * Turns whose events no longer carry the conversation forward (the log stays append-only: nothing is
 * deleted). `restored` turns come back into the line (a researcher flipped back to an earlier sample).
 */
export const supersedeEventSchema = z.object({
  ...eventBase,
  type: z.literal('supersede'),
  reason: z.enum(['regenerate', 'edit', 'rewind', 'select', 'refusal']),
  turns: z.array(z.number().int().positive()),
  restored: z.array(z.number().int().positive()).optional(),
});

export const interactiveEventSchema = z.discriminatedUnion('type', [
  introEventSchema,
  humanSpeakEventSchema,
  deliberationEventSchema,
  speakEventSchema,
  passEventSchema,
  greetingEventSchema,
  joinEventSchema,
  leaveEventSchema,
  reviseEventSchema,
  loreEventSchema,
  costEventSchema,
  floorEventSchema,
  anomalyEventSchema,
  errorEventSchema,
  retryEventSchema,
  refusalEventSchema,
  resumeEventSchema,
  supersedeEventSchema,
  conditionChangeEventSchema,
]);

export type SessionEvent = z.infer<typeof interactiveEventSchema>;
export type SessionEventType = SessionEvent['type'];
export type CostEvent = z.infer<typeof costEventSchema>;
/** An event before the store stamps it: seq and at are assigned on append. */
export type NewEvent = SessionEvent extends infer E ? (E extends SessionEvent ? Omit<E, 'seq' | 'at'> : never) : never;


export const totalsSchema = z.object({
  ...usageFields,
  usd: z.number().nonnegative().nullable(),
  keep_warm: z
    .object({ calls: z.number().int().positive(), usd: z.number().nonnegative().nullable() })
    .optional()
    .describe('the keep-warm pings among the cost events (already included in the figures above); absent when there were none'),
});
export type Totals = z.infer<typeof totalsSchema>;

export const interactiveLogSchema = z.object({
  schema_version: z.number().int().positive(),
  mode: z.literal('interactive'),
  session_id: z.string().min(1),
  title: z.string().optional(),
  started_at: isoTime,
  ended_at: isoTime.nullable(),
  model: z.string(),
  brief: briefRefSchema.nullable(),
  conditions: conditionsSchema.optional().describe('the run\'s conditions (SPEC 9); absent only in logs written before they were recorded'),
  participants: z.array(participantSchema).min(2),
  events: z.array(interactiveEventSchema),
  totals: totalsSchema,
  continues_from: z.string().optional().describe('session id this one was carried over from'),
  continued_in: z.string().optional().describe('session id this one was carried over to'),
  recovered_at: isoTime.optional().describe('set when the log was finalised from the journal after a crash, not by a normal close'),
});
export type InteractiveLog = z.infer<typeof interactiveLogSchema>;


/** Every log a session folder may hold; `mode` tells the two forms apart. */
export const eventLogSchema = z.discriminatedUnion('mode', [interactiveLogSchema, batchLogSchema]);
export type EventLog = z.infer<typeof eventLogSchema>;

/** One schema violation: `path` is a JSON path into the log (`events[3].speaker`), `$` for the root. */
export interface LogIssue {
  path: string;
  message: string;
}

/** Validates a parsed JSON value as either log form; never throws. */
export function parseEventLog(json: unknown): { ok: true; log: EventLog } | { ok: false; issues: LogIssue[] } {
  const r = eventLogSchema.safeParse(json);
  if (r.success) return { ok: true, log: r.data };
  return { ok: false, issues: r.error.issues.map((i) => ({ path: formatJsonPath(i.path), message: i.message })) };
}

/** `['events', 3, 'speaker']` -> `events[3].speaker`; keys that are not identifiers are quoted. */
export function formatJsonPath(segments: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'string' && /^[A-Za-z_$][\w$]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(String(s))}]`;
  }
  return out || '$';
}
