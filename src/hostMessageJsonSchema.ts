import { z } from 'zod';
import { hostMessageSchema, pageHeadSchema, viewEventsSchema } from './protocol';
import { SUPPORTED_KEYWORDS } from './webview/jsonSchemaCheck';

/**
 * The webview's validator for host messages, derived from `hostMessageSchema` (src/protocol.ts): zod's own
 * JSON Schema of it, run in the webview by src/webview/jsonSchemaCheck.ts, so the webview bundle carries no
 * zod. scripts/genSchema.ts writes it (part of `npm run build`); a unit test keeps the file in step and holds
 * its verdicts to zod's. Only the extension host and the tools import this module, never the webview.
 */
export const HOST_MESSAGE_SCHEMA_FILE = 'src/webview/hostMessage.schema.json';

/** Keywords that only document: dropped to keep the webview bundle small. */
const DOCUMENTATION = new Set(['description', 'title', '$schema']);

/**
 * Whether `key` adds nothing the checker does not already check: the type of a `const` or an `enum` (the
 * values carry it), and the safe-integer bounds zod puts on every int (the checker's `integer` is a safe one).
 */
function redundant(node: Record<string, unknown>, key: string): boolean {
  const values = 'const' in node ? [node.const] : Array.isArray(node.enum) ? node.enum : null;
  if (key === 'type' && values && typeof node.type === 'string' && values.every((v) => typeof v === node.type)) return true;
  if (node.type !== 'integer') return false;
  return (key === 'maximum' && node.maximum === Number.MAX_SAFE_INTEGER) || (key === 'minimum' && node.minimum === Number.MIN_SAFE_INTEGER);
}

function strip(node: unknown, where: string): unknown {
  if (Array.isArray(node)) return node.map((n, i) => strip(n, `${where}[${i}]`));
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (DOCUMENTATION.has(key) || redundant(node as Record<string, unknown>, key)) continue;
    // Property names and definition names are data, not keywords.
    if (key === 'properties' || key === 'definitions') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, strip(v, `${where}.${key}.${k}`)]));
      continue;
    }
    if (!SUPPORTED_KEYWORDS.has(key)) throw new Error(`hostMessageSchema uses JSON Schema keyword "${key}" at ${where}, which the webview's checker does not support`);
    out[key] = strip(value, `${where}.${key}`);
  }
  return out;
}

/** Subtrees shorter than this (as JSON) are cheaper inline than as a `$ref`. */
const MIN_SHARED_LENGTH = 40;

/**
 * Writes every subschema that occurs more than once (e.g. the `seq`/`at`/`turn` every event carries) once, in
 * `definitions`, and refers to it: the same checks, a smaller webview bundle. Largest first, so a shared
 * subtree's own shared parts are not extracted needlessly.
 */
function shareRepeats(schema: Record<string, unknown>): Record<string, unknown> {
  const { definitions: own, ...body } = schema;
  const definitions: Record<string, unknown> = { ...((own as Record<string, unknown> | undefined) ?? {}) };
  let root: unknown = body;
  for (let n = 0; ; n++) {
    const counts = new Map<string, number>();
    const visit = (node: unknown, isSchema: boolean): void => {
      if (Array.isArray(node)) return node.forEach((item) => visit(item, isSchema));
      if (typeof node !== 'object' || node === null) return;
      if (isSchema) {
        const text = JSON.stringify(node);
        if (text.length >= MIN_SHARED_LENGTH) counts.set(text, (counts.get(text) ?? 0) + 1);
      }
      for (const [key, value] of Object.entries(node)) {
        // `properties` and `definitions` map names to schemas; `enum`, `const` and `required` hold data.
        if (key === 'properties' || key === 'definitions') Object.values(value as object).forEach((v) => visit(v, true));
        else if (!['enum', 'const', 'required'].includes(key)) visit(value, true);
      }
    };
    visit(root, false);
    Object.values(definitions).forEach((d) => visit(d, false));
    const repeated = [...counts].filter(([, count]) => count > 1).sort((a, b) => b[0].length - a[0].length)[0]?.[0];
    if (!repeated) break;
    const name = `shared${n}`;
    definitions[name] = JSON.parse(repeated);
    const replace = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(replace);
      if (typeof node !== 'object' || node === null) return node;
      if (JSON.stringify(node) === repeated) return { $ref: `#/definitions/${name}` };
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, ['enum', 'const', 'required'].includes(k) ? v : replace(v)]));
    };
    root = replace(root);
    for (const [key, value] of Object.entries(definitions)) if (key !== name) definitions[key] = replace(value);
  }
  return shortNames({ ...(root as Record<string, unknown>), definitions });
}

/** Renames definitions to `a`, `b`, ... (zod names them `__schema0`...): every `$ref` repeats the name. */
function shortNames(schema: Record<string, unknown>): Record<string, unknown> {
  const names = Object.keys(schema.definitions as object);
  const short = new Map(names.map((name, i) => [`#/definitions/${name}`, `#/definitions/${i.toString(36)}`]));
  const rename = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rename);
    if (typeof node !== 'object' || node === null) return node;
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => {
        if (k === '$ref') return [k, short.get(String(v)) ?? v];
        if (k === 'enum' || k === 'const' || k === 'required') return [k, v];
        return [k, rename(v)];
      }),
    );
  };
  const definitions = Object.fromEntries(names.map((name, i) => [i.toString(36), rename((schema.definitions as Record<string, unknown>)[name])]));
  return { ...(rename({ ...schema, definitions: {} }) as Record<string, unknown>), definitions };
}

/**
 * `io: 'input'` leaves objects open, as zod's parse is (unknown keys are allowed); `reused: 'ref'` writes a
 * schema used in several places (member views, events) once. Anything zod cannot express in JSON Schema
 * (a refinement, a transform) throws here rather than being dropped from the webview's checks.
 */
export function hostMessageJsonSchema(schema: z.ZodType = hostMessageSchema): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, { target: 'draft-07', io: 'input', reused: 'ref', unrepresentable: 'throw' });
  return shareRepeats(strip(generated, '$') as Record<string, unknown>);
}

/** The file's exact text: compact JSON (it is bundled as is) and a final newline. */
export function hostMessageJsonSchemaText(): string {
  return `${JSON.stringify(hostMessageJsonSchema())}\n`;
}

/**
 * The exported page's data (an export or the site index), checked in the webview the same way: one schema whose
 * optional `head` is the page head and `events` one slice of its events, so a single compiled checker does both.
 */
export const PAGE_DATA_SCHEMA_FILE = 'src/webview/pageData.schema.json';
export function pageDataJsonSchemaText(): string {
  const combined = z.object({ head: pageHeadSchema.optional(), events: viewEventsSchema.optional() });
  return `${JSON.stringify(hostMessageJsonSchema(combined))}\n`;
}
