/*
 * Room: experiments. Owns the experiment file (YAML -> a validated spec), the matrix of conditions ×
 * replicates, the experiment folder (experiment.json, summary.csv), the runner that plays the runs through the
 * ordinary PanelSession, the request gate and the Message Batches seam, and the stats over finished sessions.
 * May import: the session engine (session/, cast/, cost/, model/, store/ — today's flat src/engine files), the
 * stores' atomic writes, `yaml`, `zod`. Never `vscode`, never the CLI.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, type Document, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { DEFAULT_MODEL } from '../cost/modelTable';
import { characterIdSchema } from '../store/sessionSchema';
import { isSessionFolderName } from '../store/sessionFiles';

/** A problem with the experiment file, already worded as `file:line: key: what is wrong`. */
export class ExperimentFileError extends Error {}

const nonEmpty = (what: string) => z.string().trim().min(1, `${what} must not be empty`);
const castSchema = z.array(characterIdSchema).min(1, 'a cast needs at least one character id');
const depthSchema = z.enum(['off', 'brief', 'full']);
const ttlSchema = z.enum(['5m', '1h']);
const list = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'needs at least one entry');

/**
 * The experiment file as written (SPEC 11). Each singular key has a plural twin that multiplies the matrix;
 * a file gives one or the other, never both. Exported so the JSON Schema for editors is generated from it.
 */
export const experimentFileSchema = z
  .strictObject({
    name: nonEmpty('name').refine(isSessionFolderName, 'name becomes a folder name: letters, digits, ".", "_" and "-" only').describe('the experiment folder name'),
    workspace: nonEmpty('workspace').optional().describe('folder holding characters/ (default: the file\'s folder)'),
    model: nonEmpty('model').optional(),
    models: list(nonEmpty('a model')).optional(),
    brief: nonEmpty('brief').optional().describe('a brief name: characters/briefs/NAME.md'),
    briefs: list(nonEmpty('a brief')).optional(),
    cast: castSchema.optional(),
    casts: list(castSchema).optional(),
    depth: depthSchema.optional(),
    depths: list(depthSchema).optional(),
    ttl: ttlSchema.optional(),
    ttls: list(ttlSchema).optional(),
    max_tokens: z.number().int().positive().max(1_000_000).optional(),
    script: nonEmpty('script').optional().describe('a JSON Lines script (as for `play`), relative to this file'),
    scripts: list(nonEmpty('a script')).optional(),
    replicates: z.number().int().min(1).max(10_000).optional().describe('runs per condition (default 1)'),
  })
  .describe('A Dialogue Panel experiment: a matrix of conditions × replicates (SPEC §11).');
export type ExperimentFile = z.infer<typeof experimentFileSchema>;

const PAIRS = [
  ['model', 'models'],
  ['brief', 'briefs'],
  ['cast', 'casts'],
  ['depth', 'depths'],
  ['ttl', 'ttls'],
  ['script', 'scripts'],
] as const;

/** The file, resolved: every axis a non-empty list, paths absolute. `file` is where it was read from. */
export interface ExperimentSpec {
  file: string;
  name: string;
  workspace: string;
  models: string[];
  briefs: Array<string | null>;
  casts: string[][];
  depths: Array<'off' | 'brief' | 'full'>;
  ttls: Array<'5m' | '1h'>;
  maxTokens: number;
  /** absolute paths */
  scripts: string[];
  replicates: number;
}

export const DEFAULT_MAX_TOKENS = 4096;

/** Reads and validates an experiment file. Every error names the key and its line. */
export async function readExperimentFile(file: string): Promise<ExperimentSpec> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new ExperimentFileError(`cannot read experiment file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseExperimentText(text, file);
}

export function parseExperimentText(text: string, file: string): ExperimentSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (offset: number): number => lineCounter.linePos(offset).line;
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ExperimentFileError(`${file}:${lineOf(e.pos[0])}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  if (!isMap(doc.contents)) throw new ExperimentFileError(`${file}:1: an experiment file is a YAML mapping (name:, cast:, script: ...)`);
  const data: unknown = doc.toJS();
  const r = experimentFileSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ExperimentFileError(describeIssue(doc, issue, file, lineOf));
  }
  const f = r.data;
  for (const [one, many] of PAIRS) {
    if (f[one] !== undefined && f[many] !== undefined) {
      throw new ExperimentFileError(`${file}:${lineOf(keyOffset(doc, [many]))}: ${many}: give either ${one} or ${many}, not both`);
    }
  }
  if (f.cast === undefined && f.casts === undefined) throw new ExperimentFileError(`${file}:1: cast: is required (cast: [id, id] or casts: [[id], [id, id]])`);
  if (f.script === undefined && f.scripts === undefined) throw new ExperimentFileError(`${file}:1: script: is required (script: probe.jsonl or scripts: [...])`);
  const dir = path.dirname(path.resolve(file));
  const axis = <T>(one: T | undefined, many: T[] | undefined, fallback: T[]): T[] => (many ?? (one !== undefined ? [one] : fallback));
  const dupes = <T>(key: string, values: T[]): void => {
    const seen = new Set(values.map((v) => JSON.stringify(v)));
    if (seen.size !== values.length) throw new ExperimentFileError(`${file}:${lineOf(keyOffset(doc, [key]))}: ${key}: lists the same value twice (add replicates instead)`);
  };
  const spec: ExperimentSpec = {
    file: path.resolve(file),
    name: f.name,
    workspace: path.resolve(dir, f.workspace ?? '.'),
    models: axis(f.model, f.models, [DEFAULT_MODEL]),
    briefs: axis<string | null>(f.brief, f.briefs, [null]),
    casts: axis(f.cast, f.casts, []),
    depths: axis(f.depth, f.depths, ['full']),
    ttls: axis(f.ttl, f.ttls, ['5m']),
    maxTokens: f.max_tokens ?? DEFAULT_MAX_TOKENS,
    scripts: axis(f.script, f.scripts, []).map((s) => path.resolve(dir, s)),
    replicates: f.replicates ?? 1,
  };
  for (const [, many] of PAIRS) if (f[many] !== undefined) dupes(many, f[many] as unknown[]);
  f.casts?.forEach((c, i) => {
    if (new Set(c).size !== c.length) throw new ExperimentFileError(`${file}:${lineOf(keyOffset(doc, ['casts', i]))}: casts[${i}]: lists a character twice`);
  });
  if (f.cast && new Set(f.cast).size !== f.cast.length) throw new ExperimentFileError(`${file}:${lineOf(keyOffset(doc, ['cast']))}: cast: lists a character twice`);
  return spec;
}

function describeIssue(doc: Document, issue: z.core.$ZodIssue, file: string, lineOf: (offset: number) => number): string {
  const key = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
  if (issue.code === 'unrecognized_keys') {
    const unknown = issue.keys[0]!;
    const known = Object.keys(experimentFileSchema.shape).join(', ');
    return `${file}:${lineOf(keyOffset(doc, [...issue.path, unknown]))}: ${unknown}: not an experiment key (known: ${known})`;
  }
  return `${file}:${lineOf(keyOffset(doc, issue.path))}: ${key || '(file)'}: ${issue.message}`;
}

/** Where the node at `at` starts (its value, or for a missing key the enclosing map), for line numbers. */
export function keyOffset(doc: Document, at: ReadonlyArray<PropertyKey>): number {
  let node: unknown = doc.contents;
  let offset = 0;
  for (const seg of at) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === seg);
      if (!pair) break;
      offset = (pair.key as YamlNode | null)?.range?.[0] ?? offset;
      node = pair.value;
      if ((node as YamlNode | null)?.range && typeof seg === 'number') offset = (node as YamlNode).range![0];
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as YamlNode | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset;
}

/** Whether YAML text looks like an experiment file (a mapping with name, a cast and a script), for editor actions. */
export function looksLikeExperiment(text: string): boolean {
  try {
    const doc = parseDocument(text, { prettyErrors: false });
    if (!isMap(doc.contents)) return false;
    const keys = new Set(doc.contents.items.map((p) => String((p.key as { value?: unknown } | null)?.value)));
    return keys.has('name') && (keys.has('cast') || keys.has('casts')) && (keys.has('script') || keys.has('scripts'));
  } catch {
    return false;
  }
}
