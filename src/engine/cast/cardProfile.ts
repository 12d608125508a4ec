import { resolveMacros } from './cardMacros';
import { CardDataError, parseCardBody, TEXT_SECTIONS } from './cardSections';
import { characterBookSchema, splitLorebook, type LoreEntry } from './lorebook';

/** What the character loader takes from a card file beyond its front matter. */
export interface CardProfile {
  /** The member's materials as the model reads them: the four model-facing sections and constant lore, macros resolved. */
  profile: string;
  /** `first_mes` then the alternate greetings, as written (macros unresolved); empty ones left out. */
  greetings: string[];
  lore: LoreEntry[];
}

const MODEL_SECTIONS = TEXT_SECTIONS.filter((s) => s.field !== 'first_mes');

/**
 * Reads a character file's body as a card; null for a hand-written character (no card sections). Throws
 * CardDataError (with an offset into `body`) for a `## Card data` block or lorebook that does not parse.
 */
export function readCardProfile(name: string, body: string): CardProfile | null {
  const card = parseCardBody(body);
  if (card === null) return null;
  const data = (card.rest?.data ?? {}) as Record<string, unknown>;
  const field = (f: string): string | undefined => (typeof data[f] === 'string' ? (data[f] as string) : undefined);
  // A field kept in the JSON block (its text clashed with a heading) still reaches the model.
  const fromBlock = MODEL_SECTIONS.filter((s) => card.text[s.field] === undefined && (field(s.field) ?? '').trim().length > 0).map(
    (s) => `## ${s.title}\n\n${field(s.field)!.trim()}`,
  );
  let lore: LoreEntry[] = [];
  let constant: string[] = [];
  if (data.character_book !== undefined) {
    const book = characterBookSchema.safeParse(data.character_book);
    if (!book.success) {
      const i = book.error.issues[0]!;
      throw new CardDataError(`## Card data: character_book.${i.path.join('.')}: ${i.message}`, body.indexOf('"character_book"'));
    }
    ({ constant, keyed: lore } = splitLorebook(book.data));
  }
  const parts = [card.modelText, ...fromBlock].filter((p) => p.length > 0);
  if (constant.length > 0) parts.push(`## Lore\n\n${constant.map((c) => c.trim()).join('\n\n')}`);
  const first = card.text.first_mes ?? field('first_mes') ?? '';
  const alternates = card.alternates ?? (Array.isArray(data.alternate_greetings) ? data.alternate_greetings.filter((g): g is string => typeof g === 'string') : []);
  return {
    profile: resolveMacros(parts.join('\n\n'), name),
    greetings: [first, ...alternates].filter((g) => g.trim().length > 0),
    lore,
  };
}
