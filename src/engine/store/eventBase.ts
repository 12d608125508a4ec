import { z } from 'zod';

/** What every event of either log form carries, and the participant entry both forms list (see sessionSchema.ts). */

export const isoTime = z.string().min(1).describe('ISO 8601 time');

export const eventBase = {
  seq: z.number().int().positive().describe('1-based, strictly increasing across the whole log'),
  at: isoTime,
  turn: z.number().int().nonnegative().describe('the human turn this event belongs to; 0 = before the first turn'),
};

export const participantSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  kind: z.enum(['human', 'character']).optional(),
  glyph: z.string().optional(),
  color: z.string().optional(),
  joined_turn: z.number().int().nonnegative().optional(),
  left_turn: z.number().int().nonnegative().nullable().optional(),
});
export type Participant = z.infer<typeof participantSchema>;
