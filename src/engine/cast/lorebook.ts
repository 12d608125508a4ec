import { z } from 'zod';

/**
 * A member's lorebook as the megaprompt uses it. Constant entries are part of the member's materials (they
 * are in the prompt from the moment the member is); keyed entries are recalled, once per session, as a stage
 * direction in the user message of the turn whose text names a key. Nothing is ever inserted earlier in the
 * context, so the cached prefix stays valid (SillyTavern inserts lore at a depth inside the history instead).
 */

const extensions = z.record(z.string(), z.unknown());

/** One lorebook entry (V2 and V3 share it; V3 adds fields we keep as unknown keys). */
export const lorebookEntrySchema = z.looseObject({
  keys: z.array(z.string()),
  content: z.string(),
  extensions,
  enabled: z.boolean(),
  insertion_order: z.number(),
  case_sensitive: z.boolean().optional(),
  use_regex: z.boolean().optional(),
  constant: z.boolean().optional(),
  name: z.string().optional(),
  priority: z.number().optional(),
  id: z.union([z.number(), z.string()]).optional(),
  comment: z.string().optional(),
  selective: z.boolean().optional(),
  secondary_keys: z.array(z.string()).optional(),
  position: z.union([z.string(), z.number()]).optional(),
});
export type LorebookEntry = z.infer<typeof lorebookEntrySchema>;

/** `character_book` (V2/V3) and the `data` of a standalone `lorebook_v3`. */
export const characterBookSchema = z.looseObject({
  name: z.string().optional(),
  description: z.string().optional(),
  scan_depth: z.number().optional(),
  token_budget: z.number().optional(),
  recursive_scanning: z.boolean().optional(),
  extensions,
  entries: z.array(lorebookEntrySchema),
});
export type CharacterBook = z.infer<typeof characterBookSchema>;

/** One keyed entry, ready to match. `key` is stable within the book: it marks the entry in the context. */
export interface LoreEntry {
  key: string;
  name: string;
  keys: string[];
  secondaryKeys: string[];
  selective: boolean;
  /** SillyTavern's `extensions.selectiveLogic`: 0 AND ANY (the spec's meaning), 1 NOT ALL, 2 NOT ANY, 3 AND ALL. */
  selectiveLogic: 0 | 1 | 2 | 3;
  caseSensitive: boolean;
  useRegex: boolean;
  /** As written in the card: macros unresolved. */
  content: string;
  order: number;
}

/** The constant entries' texts and the keyed entries, both in insertion order; disabled entries are left out. */
export function splitLorebook(book: CharacterBook): { constant: string[]; keyed: LoreEntry[] } {
  const live = book.entries
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.enabled && e.content.trim().length > 0)
    .sort((a, b) => a.e.insertion_order - b.e.insertion_order || a.i - b.i);
  return {
    constant: live.filter(({ e }) => e.constant === true).map(({ e }) => e.content),
    keyed: live.filter(({ e }) => e.constant !== true && e.keys.some((k) => k.trim().length > 0)).map(({ e, i }) => toLoreEntry(e, i)),
  };
}

function toLoreEntry(e: LorebookEntry, index: number): LoreEntry {
  const logic = Number((e.extensions as { selectiveLogic?: unknown }).selectiveLogic ?? 0);
  return {
    key: e.id !== undefined ? String(e.id) : String(index),
    name: e.name || e.comment || e.keys[0]!,
    keys: e.keys.filter((k) => k.trim().length > 0),
    secondaryKeys: (e.secondary_keys ?? []).filter((k) => k.trim().length > 0),
    selective: e.selective === true,
    selectiveLogic: logic === 1 || logic === 2 || logic === 3 ? logic : 0,
    caseSensitive: e.case_sensitive === true,
    useRegex: e.use_regex === true,
    content: e.content,
    order: e.insertion_order,
  };
}

const WORD = '[\\p{L}\\p{N}_]';

function keyPattern(key: string, entry: LoreEntry): RegExp | null {
  // A key written `/pattern/flags` is a regular expression, as in the editors that write lorebooks (which set
  // `use_regex` on every entry, so the flag alone does not make "lighthouse" a pattern); any other key is a
  // literal matched as whole words, with the entry's case rule.
  const m = /^\/(.+)\/([a-z]*)$/s.exec(key.trim());
  if (m && entry.useRegex) {
    try {
      return new RegExp(m[1]!, [...new Set(m[2]!.replace(/[gy]/g, '') + 'u')].join(''));
    } catch {
      return null; // a broken pattern matches nothing; the entry stays in the file for the researcher to fix
    }
  }
  const escaped = key.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<!${WORD})${escaped}(?!${WORD})`, entry.caseSensitive ? 'u' : 'iu');
}

function firstMatch(keys: readonly string[], entry: LoreEntry, text: string): string | null {
  for (const k of keys) if (keyPattern(k, entry)?.test(text)) return k;
  return null;
}

/** The primary key that triggers `entry` in `text` (whole words, the entry's case rule), or null. */
export function loreTrigger(entry: LoreEntry, text: string): string | null {
  const hit = firstMatch(entry.keys, entry, text);
  if (hit === null || !entry.selective || entry.secondaryKeys.length === 0) return hit;
  const matched = entry.secondaryKeys.filter((k) => firstMatch([k], entry, text) !== null).length;
  const all = matched === entry.secondaryKeys.length;
  const ok = entry.selectiveLogic === 0 ? matched > 0 : entry.selectiveLogic === 1 ? !all : entry.selectiveLogic === 2 ? matched === 0 : all;
  return ok ? hit : null;
}
