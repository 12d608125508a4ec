import { z } from 'zod';
import { eventBase, isoTime, participantSchema } from './eventBase';

/** Batch logs: a private thought of one of the two actors (never shown to the other). */
export const thinkEventSchema = z.object({
  ...eventBase,
  type: z.literal('think'),
  speaker: z.string().min(1),
  text: z.string(),
});
/** Batch logs: what one actor said; `order` and `truncated` belong to interactive logs and are optional here. */
export const batchSpeakEventSchema = z.object({
  ...eventBase,
  type: z.literal('speak'),
  speaker: z.string().min(1),
  text: z.string(),
  order: z.number().int().positive().optional(),
  truncated: z.boolean().optional(),
});
export const batchEventSchema = z.discriminatedUnion('type', [thinkEventSchema, batchSpeakEventSchema]);
export type BatchEvent = z.infer<typeof batchEventSchema>;

/** The older two-actor log written by the batch schemes: no `mode` (or `"batch"`), no totals. */
export const batchLogSchema = z.object({
  schema_version: z.number().int().positive().optional(),
  mode: z.literal('batch').optional(),
  session_id: z.string().min(1),
  title: z.string().optional(),
  started_at: isoTime,
  ended_at: isoTime.nullable(),
  model: z.string(),
  participants: z.array(participantSchema).length(2),
  events: z.array(batchEventSchema),
});
export type BatchLog = z.infer<typeof batchLogSchema>;
