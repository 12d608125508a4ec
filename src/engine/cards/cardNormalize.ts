import type { z } from 'zod';
import { CardError } from './cardError';
import { cardV3Schema, characterBookSchema, lorebookV3Schema, V1_FIELDS, type CardV3, type CharacterBook } from './cardSchemas';

/**
 * Real-world cards, as found, into one shape: a V3 card. Every quirk tolerated here is listed in
 * docs/character-cards.md ("What is normalised"); nothing is dropped that the card carried, except top-level
 * V1 mirrors identical to the `data` fields they mirror (export writes them again).
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

/** A card read from any form, normalised. `from` says which spec the file used. */
export interface NormalCard {
  card: CardV3;
  from: 'v1' | 'v2' | 'v3';
}

export type NormalInput = { kind: 'card'; normal: NormalCard } | { kind: 'lorebook'; book: CharacterBook };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `\r\n` and lone `\r` become `\n` in every string (the markdown file and git would do it anyway). */
function unixLineEnds(v: Json): Json {
  if (typeof v === 'string') return v.includes('\r') ? v.replace(/\r\n?/g, '\n') : v;
  if (Array.isArray(v)) return v.map(unixLineEnds);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unixLineEnds(x)]));
  return v;
}

const TEXT_FIELDS = [...V1_FIELDS, 'creator_notes', 'system_prompt', 'post_history_instructions', 'creator', 'character_version'] as const;
const LIST_FIELDS = ['alternate_greetings', 'tags', 'group_only_greetings'] as const;

/** A string a writer left as null, a number or absent: the spec's default is "". */
function text(v: Json | undefined): Json {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v;
}

/** A list a writer left as a single string (tags as "a, b") or null. */
function list(v: Json | undefined, splitCommas: boolean): Json {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return splitCommas ? v.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : v.length > 0 ? [v] : [];
  return v;
}

/** "0.5" -> 0.5 for fields the specs define as numbers; anything else is left for validation to report. */
function num(v: Json | undefined): Json | undefined {
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return v;
}
function bool(v: Json | undefined): Json | undefined {
  if (v === 'true') return true;
  if (v === 'false') return false;
  return v;
}

function setIfDefined(o: JsonObject, key: string, v: Json | undefined): void {
  if (v !== undefined) o[key] = v;
}

function normalizeEntry(raw: Json, index: number): Json {
  if (!isObject(raw)) return raw;
  const e: JsonObject = { ...raw };
  e.keys = list(e.keys ?? (e as { key?: Json }).key ?? [], true);
  if (e.secondary_keys !== undefined) e.secondary_keys = list(e.secondary_keys, true);
  e.content = text(e.content);
  if (!isObject(e.extensions)) e.extensions = {};
  e.enabled = bool(e.enabled) ?? true;
  e.insertion_order = num(e.insertion_order) ?? index;
  setIfDefined(e, 'priority', num(e.priority));
  // Ids are numbers in the spec, but some editors write names: only digit strings become numbers.
  if (typeof e.id === 'string' && /^\d+$/.test(e.id)) e.id = Number(e.id);
  // An explicit null means "not set" in the editors that write it.
  for (const k of ['case_sensitive', 'use_regex', 'constant', 'selective', 'name', 'comment', 'priority', 'position'] as const) if (e[k] === null) delete e[k];
  for (const k of ['case_sensitive', 'use_regex', 'constant', 'selective'] as const) setIfDefined(e, k, bool(e[k]));
  return e;
}

function normalizeBook(raw: Json): Json {
  if (!isObject(raw)) return raw;
  const b: JsonObject = { ...raw };
  // SillyTavern's world-info files key entries by uid instead of listing them.
  const entries = isObject(b.entries) ? Object.values(b.entries) : b.entries ?? [];
  b.entries = Array.isArray(entries) ? entries.map(normalizeEntry) : entries;
  if (!isObject(b.extensions)) b.extensions = {};
  for (const k of ['scan_depth', 'token_budget'] as const) setIfDefined(b, k, num(b[k]));
  setIfDefined(b, 'recursive_scanning', bool(b.recursive_scanning));
  return b;
}

function normalizeData(raw: JsonObject): JsonObject {
  const d: JsonObject = { ...raw };
  for (const k of TEXT_FIELDS) d[k] = text(d[k]);
  for (const k of LIST_FIELDS) d[k] = list(d[k], k === 'tags');
  if (!isObject(d.extensions)) d.extensions = {};
  if (d.character_book === null) delete d.character_book;
  else if (d.character_book !== undefined) d.character_book = normalizeBook(d.character_book);
  for (const k of ['creation_date', 'modification_date'] as const) setIfDefined(d, k, num(d[k]));
  return d;
}

function firstIssue(error: z.ZodError): string {
  const i = error.issues[0]!;
  return `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`;
}

/** Reads a parsed card or lorebook JSON of any supported form; throws CardError with one clear line. */
export function normalizeCardJson(input: unknown): NormalInput {
  if (!isObject(input)) throw new CardError('invalid', 'the card JSON is not an object');
  const raw = unixLineEnds(input) as JsonObject;
  const spec = typeof raw.spec === 'string' ? raw.spec : undefined;

  if (spec === 'lorebook_v3' || (spec === undefined && isObject(raw.entries))) {
    const envelope = spec === 'lorebook_v3' ? raw : { spec: 'lorebook_v3', data: raw };
    const r = lorebookV3Schema.safeParse({ ...envelope, data: normalizeBook(envelope.data ?? null) });
    if (!r.success) throw new CardError('invalid', `not a valid lorebook: ${firstIssue(r.error)}`);
    return { kind: 'lorebook', book: characterBookSchema.parse(r.data.data) };
  }

  let from: NormalCard['from'];
  let dataRaw: JsonObject;
  let envelope: JsonObject;
  if (isObject(raw.data) && (spec === 'chara_card_v2' || spec === 'chara_card_v3' || spec === undefined)) {
    from = spec === 'chara_card_v3' ? 'v3' : 'v2';
    dataRaw = raw.data;
    envelope = Object.fromEntries(Object.entries(raw).filter(([k]) => k !== 'spec' && k !== 'spec_version' && k !== 'data'));
  } else if (spec === undefined && 'name' in raw) {
    from = 'v1';
    dataRaw = Object.fromEntries(V1_FIELDS.filter((k) => k in raw).map((k) => [k, raw[k]!]));
    envelope = Object.fromEntries(Object.entries(raw).filter(([k]) => !(V1_FIELDS as readonly string[]).includes(k)));
  } else {
    throw new CardError('not-a-card', spec ? `unsupported card spec "${spec}"` : 'the JSON is not a character card (no spec, no name)');
  }
  const name = typeof dataRaw.name === 'string' ? dataRaw.name.trim() : '';
  if (name.length === 0) throw new CardError('no-name', 'the card has no name');

  const data = normalizeData(dataRaw);
  // Writers mirror the V1 fields at the top level of V2/V3 cards; identical mirrors are regenerated on export.
  for (const k of V1_FIELDS) {
    if (from !== 'v1' && k in envelope && text(envelope[k]) === data[k]) delete envelope[k];
  }
  const r = cardV3Schema.safeParse({ ...envelope, spec: 'chara_card_v3', spec_version: '3.0', data });
  if (!r.success) throw new CardError('invalid', `not a valid card: ${firstIssue(r.error)}`);
  return { kind: 'card', normal: { card: r.data, from } };
}

/** Parses JSON text into a card, with "corrupt JSON" as its own clear error. */
export function parseCardText(json: string, where: string): NormalInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new CardError('bad-json', `${where} is not valid JSON: ${(err as Error).message}`);
  }
  return normalizeCardJson(parsed);
}
