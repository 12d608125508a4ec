// Room `engine/cast`: character and brief files (parsed, validated, hashed) and the cast in play with its
// queued changes (castState). May import: engine/store (ids and event types).
import { createHash } from 'node:crypto';
import { constants as fsConstants, existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument, isMap, visit, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { readCardProfile } from './cardProfile';
import { CardDataError } from './cardSections';
import type { LoreEntry } from './lorebook';
import { HUMAN_ID } from '../store/sessionSchema';

/** A loaded, validated character. `sha256` is of the file's exact bytes, so a join records which revision spoke. */
export interface Character {
  id: string;
  name: string;
  glyph: string;
  color: string;
  tagline?: string;
  /** What the model reads of this character (for a card file: its model-facing sections, macros resolved). */
  profile: string;
  sha256: string;
  file: string;
  /** Absolute path of the avatar image (front matter `avatar:`, relative to the characters folder). */
  avatar?: string;
  /** A card's greetings (`first_mes`, then the alternates), as written; absent for hand-written characters. */
  greetings?: string[];
  /** A card's keyed lorebook entries, recalled during a session when the conversation names a key. */
  lore?: LoreEntry[];
}

/** A panel brief; `id` is the file name without `.md`. */
export interface Brief {
  id: string;
  title: string;
  text: string;
  file: string;
}

/** A reason a file is unavailable; line and column are 1-based and point at the offending text. */
export interface LoadProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Everything found under the characters folder; files with problems are absent from the maps. */
export interface Library {
  characters: Map<string, Character>;
  briefs: Map<string, Brief>;
  problems: LoadProblem[];
}

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

const characterFrontMatter = z.object({
  name: z.string().trim().min(1, 'name must not be empty'),
  glyph: z.string().trim().min(1).max(2, 'glyph is 1-2 characters').optional(),
  color: z
    .string()
    .regex(/^(#[0-9a-fA-F]{3,8}|(rgb|hsl)a?\([^)]*\)|[a-zA-Z]+)$/, 'color must be a CSS colour such as "#c0563f"')
    .optional(),
  tagline: z.string().trim().max(200).optional(),
  avatar: z
    .string()
    .regex(/^(?![\\/])(?!.*(?:^|[\\/])\.\.(?:[\\/]|$))[^:*?"<>|]+$/, 'avatar is a path inside the characters folder, such as "avatars/mara.png"')
    .optional(),
});

const briefFrontMatter = z.object({ title: z.string().trim().min(1).optional() });

/** A character or brief file split at its front matter (exported for the card exporter, which needs the raw body). */
export interface SplitFile {
  yaml: string | null;
  /** 1-based line of the first YAML line, so YAML positions map back to the file. */
  yamlFirstLine: number;
  body: string;
}

export function splitFrontMatter(text: string): SplitFile {
  const normalized = text.replace(/^\uFEFF/, '');
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(normalized);
  if (!m) return { yaml: null, yamlFirstLine: 1, body: normalized };
  return { yaml: m[1] ?? '', yamlFirstLine: 2, body: normalized.slice(m[0].length) };
}

function parseFrontMatter<T>(
  file: string,
  split: SplitFile,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; problems: LoadProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(split.yaml ?? '', { lineCounter, prettyErrors: false });
  const at = (offset: number, message: string): LoadProblem => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line + split.yamlFirstLine - 1, column: pos.col, message };
  };
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((e) => at(e.pos[0], `front matter: ${e.message.split('\n')[0]}`)) };
  }
  let data: unknown;
  try {
    // `toJS` refuses documents whose aliases expand past `maxAliasCount` (a "billion laughs" bomb): that file is
    // reported at its first alias and the rest of the library still loads.
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    return { ok: false, problems: [at(firstAliasOffset(doc) ?? 0, `front matter: ${err instanceof Error ? err.message : String(err)}`)] };
  }
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue) => {
    const key = issue.path[0];
    let node: YamlNode | null = null;
    if (isMap(doc.contents) && typeof key === 'string') {
      const pair = doc.contents.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      node = (pair?.value ?? pair?.key ?? null) as YamlNode | null;
    }
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    const message = issue.code === 'invalid_type' && node === null ? `${where}is required` : `${where}${issue.message}`;
    return at(node?.range?.[0] ?? 0, message);
  });
  return { ok: false, problems };
}

function firstAliasOffset(doc: ReturnType<typeof parseDocument>): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/** The default colour: a stable hue from the id, so a character keeps its colour across sessions. */
export function colorFromId(id: string): string {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.codePointAt(0)!) % 360;
  return `hsl(${h}, 45%, 45%)`;
}

export function idFromFile(file: string): string {
  return path.basename(file).replace(/\.md$/i, '');
}

export function parseCharacterFile(
  file: string,
  text: string,
): { ok: true; character: Character } | { ok: false; problems: LoadProblem[] } {
  const id = idFromFile(file);
  if (!ID_PATTERN.test(id) || id === HUMAN_ID) {
    const why = id === HUMAN_ID ? `"${HUMAN_ID}" is reserved for the researcher` : 'use lowercase letters, digits and "-"';
    return { ok: false, problems: [{ file, line: 1, column: 1, message: `file name "${id}" is not a valid character id: ${why}` }] };
  }
  const split = splitFrontMatter(text);
  if (split.yaml === null) {
    return { ok: false, problems: [{ file, line: 1, column: 1, message: 'missing front matter: start the file with --- and a `name:` line' }] };
  }
  const fm = parseFrontMatter(file, split, characterFrontMatter);
  if (!fm.ok) return fm;
  const { name, glyph, color, tagline, avatar } = fm.value;
  let card: ReturnType<typeof readCardProfile>;
  try {
    card = readCardProfile(name, split.body);
  } catch (err) {
    if (!(err instanceof CardDataError)) throw err;
    const line = text.length - split.body.length + Math.max(0, err.offset);
    return { ok: false, problems: [{ file, line: text.slice(0, line).split('\n').length, column: 1, message: err.message }] };
  }
  const profile = card ? card.profile : split.body.trim();
  if (profile.length === 0) {
    return { ok: false, problems: [{ file, line: text.split('\n').length, column: 1, message: 'the profile (text after the front matter) is empty' }] };
  }
  return {
    ok: true,
    character: {
      id,
      name,
      glyph: glyph ?? Array.from(name)[0]!.toUpperCase(),
      color: color ?? colorFromId(id),
      ...(tagline ? { tagline } : {}),
      profile,
      sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
      file,
      ...(avatar ? { avatar: path.resolve(path.dirname(file), avatar) } : {}),
      ...(card && card.greetings.length > 0 ? { greetings: card.greetings } : {}),
      ...(card && card.lore.length > 0 ? { lore: card.lore } : {}),
    },
  };
}

export function parseBriefFile(file: string, text: string): { ok: true; brief: Brief } | { ok: false; problems: LoadProblem[] } {
  const id = idFromFile(file);
  const split = splitFrontMatter(text);
  let title: string | undefined;
  if (split.yaml !== null) {
    const fm = parseFrontMatter(file, split, briefFrontMatter);
    if (!fm.ok) return fm;
    title = fm.value.title;
  }
  const body = split.body.trim();
  if (body.length === 0) return { ok: false, problems: [{ file, line: 1, column: 1, message: 'the brief is empty' }] };
  const heading = /^#\s+(.+)$/m.exec(body)?.[1]?.trim();
  return { ok: true, brief: { id, title: title ?? heading ?? id, text: body, file } };
}

async function listMarkdown(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() && /\.md$/i.test(e.name)).map((e) => path.join(dir, e.name)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Loads `dir/*.md` as characters and `dir/briefs/*.md` as briefs; a bad file is reported, the rest still load. */
export async function loadLibrary(charactersDir: string): Promise<Library> {
  const library: Library = { characters: new Map(), briefs: new Map(), problems: [] };
  for (const file of await listMarkdown(charactersDir)) {
    const r = await loadOne(file, parseCharacterFile);
    if (r.ok) library.characters.set(r.character.id, r.character);
    else library.problems.push(...r.problems);
  }
  for (const file of await listMarkdown(path.join(charactersDir, 'briefs'))) {
    const r = await loadOne(file, parseBriefFile);
    if (r.ok) library.briefs.set(r.brief.id, r.brief);
    else library.problems.push(...r.problems);
  }
  return library;
}

/** One file read and parsed; whatever goes wrong with it (unreadable, a parser fault) is that file's problem only. */
async function loadOne<R extends { ok: true } | { ok: false; problems: LoadProblem[] }>(
  file: string,
  parse: (file: string, text: string) => R,
): Promise<R | { ok: false; problems: LoadProblem[] }> {
  try {
    return parse(file, await fs.readFile(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, problems: [{ file, line: 1, column: 1, message: `cannot load: ${code ?? (err instanceof Error ? err.message : String(err))}` }] };
  }
}

export function characterTemplate(id: string, name: string): string {
  return [
    '---',
    `name: ${JSON.stringify(name)}`,
    `glyph: ${JSON.stringify(Array.from(name)[0]?.toUpperCase() ?? 'C')}`,
    `color: "${hslToHex(colorFromId(id))}"`,
    'tagline: One line the roster shows',
    '---',
    `${name} is ... (who they are, in two or three sentences).`,
    '',
    '**How they talk:** ...',
    '',
    '**What they want from this conversation:** ...',
    '',
    '**What they will not concede:** ...',
    '',
  ].join('\n');
}

/** `hsl(h, s%, l%)` as `colorFromId` writes it -> `#rrggbb`; anything else -> `#888888`. */
export function hslToHex(hsl: string): string {
  const m = /hsl\((\d+), (\d+)%, (\d+)%\)/.exec(hsl);
  if (!m) return '#888888';
  const h = Number(m[1]) / 360;
  const s = Number(m[2]) / 100;
  const l = Number(m[3]) / 100;
  const f = (n: number): string => {
    const k = (n + h * 12) % 12;
    const a = s * Math.min(l, 1 - l);
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255).toString(16).padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** The sample characters shipped with the extension: the repository's own `characters/` folder. */
function defaultSamplesDir(): string {
  // dist/extension.js and src/engine/cast/characters.ts sit at different depths; walk up to the package root.
  let dir = __dirname;
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, 'characters');
    if (existsSync(path.join(candidate, 'mara.md'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('the sample characters are missing from this installation');
}

/**
 * Copies the sample characters and briefs into `charactersDir`, never overwriting a file that exists.
 * Returns the files written.
 */
export async function writeSampleCharacters(charactersDir: string, samplesDir: string = defaultSamplesDir()): Promise<string[]> {
  const written: string[] = [];
  for (const sub of ['', 'briefs']) {
    const from = path.join(samplesDir, sub);
    const to = path.join(charactersDir, sub);
    await fs.mkdir(to, { recursive: true });
    for (const file of await listMarkdown(from)) {
      const target = path.join(to, path.basename(file));
      try {
        await fs.copyFile(file, target, fsConstants.COPYFILE_EXCL);
        written.push(target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  }
  return written;
}
