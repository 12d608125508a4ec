/**
 * A card as a character file, and back. The file is the researcher's: front matter (name, glyph, color,
 * tagline, avatar), then one `## ` section per readable field, then `## Card data` with everything else as a
 * fenced JSON block (the lossless remainder). Sections are written so that parsing gives the exact text back:
 * `## Title`, a blank line, the text, a blank line. A field whose text itself contains one of these heading
 * lines stays in the JSON block instead, so no text can break the layout. The loader reads card-shaped files
 * through this module; the cards room writes them with it (cards/cardMapping.ts).
 */

/** The readable text fields, in file order; the loader sends the first four to the model. */
export const TEXT_SECTIONS = [
  { field: 'description', title: 'Description' },
  { field: 'personality', title: 'Personality' },
  { field: 'scenario', title: 'Scenario' },
  { field: 'mes_example', title: 'Example dialogue' },
  { field: 'first_mes', title: 'First message' },
] as const;
export type TextField = (typeof TEXT_SECTIONS)[number]['field'];

const ALTERNATE = 'Alternate greeting';
const GROUP = 'Group greeting';
const CARD_DATA = 'Card data';
const MODEL_FIELDS: ReadonlySet<string> = new Set(['Description', 'Personality', 'Scenario', 'Example dialogue']);

const HEADING = /^## (Description|Personality|Scenario|Example dialogue|First message|Alternate greeting \d+|Group greeting \d+|Card data)[ \t]*$/gm;

const CARD_DATA_NOTE =
  'The rest of the imported character card, kept so that `export-card` writes it back unchanged: creator notes, tags, ' +
  'system prompt, the lorebook (`character_book`), `extensions`, assets and any field this file has no section for. ' +
  'It is JSON: edit with care. The model never sees this block as-is; during a session the lorebook\'s constant ' +
  'entries join the materials and its keyed entries are recalled when the conversation names them.';

/** True when `text` holds a line that would read as one of this file's section headings. */
export function clashesWithHeadings(text: string): boolean {
  HEADING.lastIndex = 0;
  return HEADING.test(text);
}

/** What the file's front matter says; written with JSON quoting, which is valid YAML. */
export interface CardFrontMatter {
  name: string;
  glyph: string;
  color: string;
  tagline?: string;
  /** Relative to the characters folder, with `/` separators (e.g. `avatars/seraphina.png`). */
  avatar?: string;
}

/** The card's content split as the file holds it: mapped fields in sections, the remainder as JSON. */
export interface CardFileContent {
  front: CardFrontMatter;
  text: Partial<Record<TextField, string>>;
  alternates?: string[];
  groups?: string[];
  /** The V3 card (envelope and data) minus every field the sections and front matter hold. */
  rest: Record<string, unknown>;
}

function section(title: string, text: string): string {
  return `## ${title}\n\n${text}\n`;
}

export function renderCardFile(c: CardFileContent): string {
  const fm = ['---', `name: ${JSON.stringify(c.front.name)}`, `glyph: ${JSON.stringify(c.front.glyph)}`, `color: ${JSON.stringify(c.front.color)}`];
  if (c.front.tagline) fm.push(`tagline: ${JSON.stringify(c.front.tagline)}`);
  if (c.front.avatar) fm.push(`avatar: ${JSON.stringify(c.front.avatar)}`);
  fm.push('---', '');
  const parts: string[] = [];
  for (const { field, title } of TEXT_SECTIONS) {
    const text = c.text[field];
    if (text !== undefined && text.length > 0) parts.push(section(title, text));
  }
  c.alternates?.forEach((g, i) => parts.push(section(`${ALTERNATE} ${i + 1}`, g)));
  c.groups?.forEach((g, i) => parts.push(section(`${GROUP} ${i + 1}`, g)));
  parts.push(`## ${CARD_DATA}\n\n${CARD_DATA_NOTE}\n\n\`\`\`json\n${JSON.stringify(c.rest, null, 2)}\n\`\`\`\n`);
  return fm.join('\n') + parts.join('\n');
}

/** A character file's body read as card sections; null when it has none (a hand-written character). */
export interface CardBody {
  text: Partial<Record<TextField, string>>;
  alternates: string[] | null;
  groups: string[] | null;
  rest: Record<string, unknown> | null;
  /** The sections the model reads (description, personality, scenario, example dialogue), headings included. */
  modelText: string;
}

/** Thrown for a `## Card data` block that is not a JSON object; the loader reports it with its line. */
export class CardDataError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parseCardBody(body: string): CardBody | null {
  const heads = [...body.matchAll(HEADING)];
  if (heads.length === 0) return null;
  const out: CardBody = { text: {}, alternates: null, groups: null, rest: null, modelText: '' };
  const model: string[] = [];
  heads.forEach((h, i) => {
    const title = h[1]!;
    const start = h.index + h[0].length + 1;
    const last = i === heads.length - 1;
    const end = last ? body.length : heads[i + 1]!.index;
    let raw = body.slice(Math.min(start, end), end);
    if (raw.startsWith('\n')) raw = raw.slice(1);
    if (!last) raw = raw.endsWith('\n\n') ? raw.slice(0, -2) : raw.endsWith('\n') ? raw.slice(0, -1) : raw;
    else if (raw.endsWith('\n')) raw = raw.slice(0, -1);
    if (title === CARD_DATA) {
      out.rest = parseRest(raw, start);
      return;
    }
    if (MODEL_FIELDS.has(title) && raw.trim().length > 0) model.push(`## ${title}\n\n${raw.trim()}`);
    const known = TEXT_SECTIONS.find((s) => s.title === title);
    if (known) out.text[known.field] = raw;
    else if (title.startsWith(ALTERNATE)) (out.alternates ??= []).push(raw);
    else (out.groups ??= []).push(raw);
  });
  out.modelText = model.join('\n\n');
  return out;
}

function parseRest(raw: string, offset: number): Record<string, unknown> {
  const open = /^```json[ \t]*$/m.exec(raw);
  const close = raw.lastIndexOf('\n```');
  if (!open || close < open.index) throw new CardDataError('## Card data must hold one ```json fenced block', offset);
  const json = raw.slice(open.index + open[0].length, close);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new CardDataError(`## Card data: ${(err as Error).message}`, offset + open.index);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CardDataError('## Card data must be a JSON object', offset + open.index);
  return value as Record<string, unknown>;
}
