import { z } from 'zod';
import { interactiveEventSchema, characterIdSchema } from './engine/store/sessionSchema';

/**
 * Host ⇄ webview messages: the one file both sides share. Every inbound message is `safeParse`d on
 * arrival; a message that fails is logged and dropped, never acted on.
 *
 * Order of play: the webview posts `ready` once its listeners exist; the host queues everything until then,
 * then sends `init` (the whole state), then live messages.
 */

/** A character as the UI shows it (roster chip, library picker, message header). */
export const memberViewSchema = z.object({
  id: characterIdSchema,
  name: z.string(),
  glyph: z.string().min(1).max(2),
  color: z.string(),
  tagline: z.string().optional(),
  /** the avatar image as a webview resource URI (under the characters folder's `avatars/`); absent: the glyph. */
  avatar: z.string().optional(),
  /** true when the file changed since this member joined (only for present members). */
  edited: z.boolean().optional(),
  /** a cast change queued for the next turn boundary. */
  pending: z.enum(['join', 'retire', 'revise']).optional(),
});
export type MemberView = z.infer<typeof memberViewSchema>;

export const themeSchema = z.enum(['cream', 'light', 'dark', 'eink', 'vscode']);
export type Theme = z.infer<typeof themeSchema>;

/** `carryOver`: summarise the session into a fresh one (offered when the context nears or meets the window). */
/** `editRefused`, `retryRefused`, `fallbackModel`: the ways on after the model declined a turn (issue 19). */
/** `tryDemo`: open a panel on the built-in demo (offered beside `setApiKey` when there is no key). */
export const bannerActionSchema = z.enum(['setApiKey', 'tryDemo', 'retry', 'openSettings', 'continueSession', 'raiseBudget', 'carryOver', 'editRefused', 'retryRefused', 'fallbackModel']);
export type BannerAction = z.infer<typeof bannerActionSchema>;

/** Live context/cache figures for the sub-strip (recomputed by the host after each call and on a timer). */
export const meterSchema = z.object({
  contextTokens: z.number().int().nonnegative(),
  contextWindow: z.number().int().positive().nullable(),
  /** epoch ms when the cached prefix goes cold; null before the first call. */
  cacheWarmUntil: z.number().nullable(),
  ttl: z.enum(['5m', '1h']),
  /** estimated USD of the next turn's cache write if the cache has gone cold; null when unknown. */
  coldWriteUsd: z.number().nullable(),
  /** estimated USD of writing the whole context at the 1-hour ttl (so the researcher sees the price before switching). */
  write1hUsd: z.number().nullable().optional(),
  budgetUsd: z.number().nullable(),
  /** keep-warm pings so far in this session and what they cost (null when a price is unknown); absent before the first. */
  keptWarm: z.object({ count: z.number().int().positive(), usd: z.number().nullable() }).optional(),
  /** the session's cache-warmth policy; absent = off. */
  warmth: z.enum(['off', 'keep-warm', 'auto']).optional(),
  /**
   * under `auto` only: the TTL auto chose for the gap now running (what the last call cached with) while the cache
   * is warm, or the one it would pick for the next turn's write once cold (`coldWriteUsd` is priced at it). The
   * `ttl` setting is not used by auto, so the panel shows this instead.
   */
  autoTtl: z.enum(['5m', '1h']).optional(),
  /** under keep-warm or auto, while idle after a call: whether pings will keep the cache warm or it is let expire. */
  keepingWarm: z.enum(['pinging', 'expiring']).optional(),
});
export type Meter = z.infer<typeof meterSchema>;

/** A fragment of the reply being streamed; stale ones (older `turn`) are dropped by the webview. */
export const streamPartSchema = z.object({
  type: z.literal('stream'),
  turn: z.number().int().nonnegative(),
  item: z.enum(['line', 'speak']),
  phase: z.enum(['start', 'delta', 'end']),
  speaker: characterIdSchema,
  /** speak: 1-based delivery order; line: 1-based index within the turn's confer. */
  order: z.number().int().positive(),
  text: z.string(),
  truncated: z.boolean().optional(),
});
export type StreamPart = z.infer<typeof streamPartSchema>;

export const rewindPreviewSchema = z.object({
  toTurn: z.number().int().nonnegative(),
  turns: z.array(z.number().int().positive()),
  humanLines: z.number().int().nonnegative(),
  responses: z.number().int().nonnegative(),
  castChanges: z.array(z.object({ id: characterIdSchema, change: z.enum(['join', 'leave']) })),
});
export type RewindPreviewView = z.infer<typeof rewindPreviewSchema>;

export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    title: z.string(),
    /** a session of the built-in demo: the header shows the Demo badge. */
    demo: z.boolean().optional(),
    brief: z.object({ id: z.string(), title: z.string() }).nullable(),
    cast: z.array(memberViewSchema),
    library: z.array(memberViewSchema),
    theme: themeSchema,
    /** a replayed closed session: no input, no roster changes. */
    readOnly: z.boolean(),
    canContinue: z.boolean(),
    events: z.array(interactiveEventSchema),
    answering: z.boolean(),
    meter: meterSchema.nullable(),
  }),
  z.object({ type: z.literal('event'), event: interactiveEventSchema }),
  streamPartSchema,
  z.object({ type: z.literal('cast'), cast: z.array(memberViewSchema), library: z.array(memberViewSchema) }),
  z.object({ type: z.literal('answering'), answering: z.boolean() }),
  z.object({
    type: z.literal('banner'),
    level: z.enum(['error', 'warning', 'info']),
    message: z.string(),
    actions: z.array(bannerActionSchema),
  }),
  z.object({ type: z.literal('clearBanner') }),
  z.object({ type: z.literal('theme'), theme: themeSchema }),
  z.object({ type: z.literal('meter'), meter: meterSchema }),
  z.object({ type: z.literal('readOnly'), readOnly: z.boolean(), canContinue: z.boolean() }),
  /** the answer to `previewRewind`: what a rewind to `toTurn` would supersede, for the confirmation. */
  z.object({ type: z.literal('rewindPreview'), preview: rewindPreviewSchema }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

export const webviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('say'), text: z.string().min(1).max(100_000), target: characterIdSchema.nullable() }),
  z.object({ type: z.literal('stop') }),
  z.object({ type: z.literal('add'), id: characterIdSchema }),
  z.object({ type: z.literal('retire'), id: characterIdSchema }),
  /** re-read an edited member's file at the next boundary. */
  z.object({ type: z.literal('applyEdit'), id: characterIdSchema }),
  z.object({ type: z.literal('action'), action: bannerActionSchema }),
  z.object({ type: z.literal('setTtl'), ttl: z.enum(['5m', '1h']) }),
  /** another sample of the last turn. */
  z.object({ type: z.literal('regenerate') }),
  /** resend the last human line with new text. */
  z.object({ type: z.literal('edit'), text: z.string().min(1).max(100_000) }),
  /** ask what a rewind to `turn` would supersede (answered by `rewindPreview`); 0 = before the first turn. */
  z.object({ type: z.literal('previewRewind'), turn: z.number().int().nonnegative() }),
  z.object({ type: z.literal('rewind'), turn: z.number().int().nonnegative() }),
  /** carry a different sample of the last turn forward. */
  z.object({ type: z.literal('selectSample'), turn: z.number().int().positive() }),
  /** ask the turn the model declined (and the session set aside) again with its line rephrased. */
  z.object({ type: z.literal('editRefused'), text: z.string().min(1).max(100_000) }),
  /** summarise this session into a fresh one (context nearly full, or by choice). */
  z.object({ type: z.literal('carryOver') }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string().max(10_000) }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

/** Parse an inbound message; `undefined` means drop it (the caller logs `error`). */
export function parseHostMessage(data: unknown): { ok: true; msg: HostMessage } | { ok: false; error: string } {
  const r = hostMessageSchema.safeParse(data);
  return r.success ? { ok: true, msg: r.data } : { ok: false, error: z.prettifyError(r.error) };
}
export function parseWebviewMessage(data: unknown): { ok: true; msg: WebviewMessage } | { ok: false; error: string } {
  const r = webviewMessageSchema.safeParse(data);
  return r.success ? { ok: true, msg: r.data } : { ok: false, error: z.prettifyError(r.error) };
}

/**
 * A page with no host (the one-file export, the static site's index) carries its data inline as one of these,
 * in an inert `<script type="application/json" id="dialogue-data">`; the webview validates it like a message.
 */
export const viewMemberSchema = memberViewSchema.extend({
  /** first turn the member was present for (0 = from the start); null when the log does not say. */
  joinedTurn: z.number().int().nonnegative().nullable(),
  /** the turn at which the member left; null while still present at the end. */
  leftTurn: z.number().int().nonnegative().nullable(),
});
export type ViewMember = z.infer<typeof viewMemberSchema>;

/** A link to a sibling session's page: relative, to its `view.html`, nothing else. */
export const viewLinkSchema = z.object({
  rel: z.enum(['continues', 'continued-in']),
  session: z.string(),
  href: z.string().regex(/^\.\.\/[A-Za-z0-9._ -]+\/view\.html$/),
});

export const sessionViewSchema = z.object({
  kind: z.literal('session'),
  /** `batch`: the older two-actor log, mapped to the same events (turn = one actor's speech). */
  form: z.enum(['interactive', 'batch']),
  sessionId: z.string(),
  title: z.string(),
  brief: z.object({ id: z.string(), title: z.string() }).nullable(),
  model: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  cast: z.array(viewMemberSchema),
  events: z.array(interactiveEventSchema),
  totalUsd: z.number().nullable(),
  /** human turns asked (interactive, superseded ones included) or turns of speech (batch). */
  turns: z.number().int().nonnegative(),
  links: z.array(viewLinkSchema),
});
export type SessionView = z.infer<typeof sessionViewSchema>;

/** One row of the static site's index. */
export const siteEntrySchema = z.object({
  sessionId: z.string(),
  href: z.string().regex(/^[A-Za-z0-9._ -]+\/view\.html$/),
  title: z.string(),
  brief: z.string().nullable(),
  startedAt: z.string(),
  model: z.string(),
  cast: z.array(memberViewSchema),
  turns: z.number().int().nonnegative(),
  usd: z.number().nullable(),
});
export type SiteEntry = z.infer<typeof siteEntrySchema>;

/** A compare page the site index links to: one experiment condition's replicates side by side. */
export const siteComparisonSchema = z.object({ href: z.string().regex(/^compare-[A-Za-z0-9._-]+\.html$/), title: z.string(), replicates: z.number().int().nonnegative() });
export type SiteComparison = z.infer<typeof siteComparisonSchema>;

export const siteIndexSchema = z.object({ kind: z.literal('index'), title: z.string(), sessions: z.array(siteEntrySchema), comparisons: z.array(siteComparisonSchema).optional() });
export type SiteIndex = z.infer<typeof siteIndexSchema>;

/** One line of a response; `differs`: some other replicate's response of that character, that turn, lacks it. */
const compareLineSchema = z.object({ text: z.string(), differs: z.boolean() });
/** One character's part in one replicate's turn; `differs`: another replicate has that character speak where this one passed (or the reverse, or nothing). */
const compareResponseSchema = z.object({ speaker: z.string(), kind: z.enum(['speak', 'pass']), differs: z.boolean(), lines: z.array(compareLineSchema) });
/** Row k holds each replicate's k-th live turn (its own turn number; null when it has fewer turns). */
const compareRowSchema = z.object({
  position: z.number().int().positive(),
  floor: z.string().nullable(),
  floorDiffers: z.boolean(),
  cells: z.array(z.object({ turn: z.number().int().nullable(), responses: z.array(compareResponseSchema) })),
});
/** The compare page: one condition of an experiment, its replicates as columns (cells in the same order). */
export const compareViewSchema = z.object({
  kind: z.literal('compare'),
  title: z.string(),
  conditionId: z.string(),
  condition: z.array(z.object({ key: z.string(), value: z.string() })),
  cast: z.array(memberViewSchema),
  replicates: z.array(z.object({ replicate: z.number().int().positive(), sessionId: z.string(), href: z.string().regex(/^[A-Za-z0-9._ -]+\/view\.html$/) })),
  rows: z.array(compareRowSchema),
});
export type CompareView = z.infer<typeof compareViewSchema>;

export const pageDataSchema = z.discriminatedUnion('kind', [sessionViewSchema, siteIndexSchema, compareViewSchema]);

/**
 * The page's data with a session's events left for later: a 1,000-turn log is validated a slice at a time
 * (`viewEventsSchema`) as it is rendered, so the first turns paint before the last are checked.
 */
export const pageHeadSchema = z.discriminatedUnion('kind', [sessionViewSchema.extend({ events: z.array(z.unknown()) }), siteIndexSchema, compareViewSchema]);
export const viewEventsSchema = z.array(interactiveEventSchema);
export type PageData = z.infer<typeof pageDataSchema>;

/** The id of the inert JSON element a host-less page carries its data in. */
export const PAGE_DATA_ID = 'dialogue-data';
