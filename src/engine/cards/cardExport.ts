import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseCharacterFile, splitFrontMatter, type Character } from '../cast/characters';
import { writeFileAtomic } from '../store/sessionFiles';
import { CardError } from './cardError';
import { isMainIcon, fileToCard } from './cardMapping';
import { parseCardBody } from '../cast/cardSections';
import { cardV2Schema, PANEL_EXTENSION, V1_FIELDS, type CardAsset, type CardV3, type PanelExtension } from './cardSchemas';
import { writeCharx } from './charxArchive';
import { glyphPng } from './glyphImage';
import { encodeTextChunk, insertBeforeEnd, isPng, readPngChunks, withoutCardText, writePngChunks } from './pngChunks';

export type CardFormat = 'png' | 'json' | 'charx';

/** A character file read back as a V3 card, with its avatar when it has one. */
export interface CharacterCard {
  character: Character;
  card: CardV3;
  avatar: Uint8Array | null;
  /** The front matter's avatar path, relative to the characters folder. */
  avatarRel?: string;
}

export async function readCharacterCard(charactersDir: string, id: string): Promise<CharacterCard> {
  const file = path.join(charactersDir, `${id}.md`);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CardError('unknown-character', `no character "${id}" (${file} does not exist)`);
    throw err;
  }
  const loaded = parseCharacterFile(file, text);
  if (!loaded.ok) {
    const p = loaded.problems[0]!;
    throw new CardError('invalid', `${p.file}:${p.line}: ${p.message}`);
  }
  const c = loaded.character;
  const body = splitFrontMatter(text).body;
  const avatarRel = c.avatar ? path.relative(charactersDir, c.avatar).split(path.sep).join('/') : undefined;
  const card = fileToCard(id, { name: c.name, glyph: c.glyph, color: c.color, ...(c.tagline ? { tagline: c.tagline } : {}) }, parseCardBody(body), body.trim());
  let avatar: Uint8Array | null = null;
  if (c.avatar) {
    try {
      avatar = await fs.readFile(c.avatar);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return { character: c, card, avatar, ...(avatarRel ? { avatarRel } : {}) };
}

/** The avatar's extension: what its bytes are, not what its name says. */
function imageExt(bytes: Uint8Array, rel: string | undefined): string {
  if (isPng(bytes)) return 'png';
  return (path.extname(rel ?? '').slice(1) || 'png').toLowerCase();
}

/** The card with more of Dialogue Panel's own bookkeeping in its extension (what import must undo). */
function withPanelNote(card: CardV3, note: PanelExtension, assets?: CardAsset[]): CardV3 {
  const panel = card.data.extensions[PANEL_EXTENSION] as PanelExtension;
  return { ...card, data: { ...card.data, ...(assets ? { assets } : {}), extensions: { ...card.data.extensions, [PANEL_EXTENSION]: { ...panel, ...note } } } };
}

/** Adds the main icon asset that carries the avatar, flagged so that import takes it out again. */
function withIcon(card: CardV3, icon: CardAsset): CardV3 {
  const had = card.data.assets;
  return withPanelNote(card, { added_icon: had ? 'prepended' : 'new-list' }, [icon, ...(had ?? [])]);
}

function dataUri(bytes: Uint8Array, ext: string): string {
  return `data:image/${ext === 'jpg' ? 'jpeg' : ext};base64,${Buffer.from(bytes).toString('base64')}`;
}

/** The V2 backfill for readers that know only `chara`: the same data, V2 envelope, V1 fields mirrored on top. */
export function v2Backfill(card: CardV3): Record<string, unknown> {
  const { spec: _spec, spec_version: _version, data, ...extras } = card;
  const mirror = Object.fromEntries(V1_FIELDS.map((k) => [k, data[k]]));
  // Checked against the V2 schema: a backfill that V2 readers would reject is a bug here, not their problem.
  return cardV2Schema.parse({ ...extras, ...mirror, spec: 'chara_card_v2', spec_version: '2.0', data });
}

function base64Json(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

export interface ExportResult {
  file: string;
  warnings: string[];
}

/**
 * Writes character `id` as a V3 card. PNG: the avatar (or a generated glyph tile) with `chara` (V2 backfill)
 * and `ccv3` text chunks; JSON: the card, its avatar as a data: URI main icon; CHARX: card.json plus every
 * `embeded://` asset (the avatar as the main icon). The write is atomic.
 */
export async function exportCard(charactersDir: string, id: string, format: CardFormat, out: string): Promise<ExportResult> {
  const { card: base, avatar, avatarRel, character } = await readCharacterCard(charactersDir, id);
  const warnings: string[] = [];
  let card = base;
  const icon = card.data.assets?.find(isMainIcon);
  let bytes: Uint8Array;
  if (format === 'png') {
    if (avatar && !isPng(avatar)) warnings.push(`the avatar ${avatarRel} is not a PNG: the card's image is a generated glyph tile`);
    const own = avatar && isPng(avatar) ? Buffer.from(avatar) : null;
    if (!own) card = withPanelNote(card, { generated_image: true });
    const image = own ?? glyphPng(character.glyph, character.color);
    const chunks = withoutCardText(readPngChunks(image));
    bytes = writePngChunks(insertBeforeEnd(chunks, [encodeTextChunk('chara', base64Json(v2Backfill(card))), encodeTextChunk('ccv3', base64Json(card))]));
  } else if (format === 'json') {
    const ext = avatar ? imageExt(avatar, avatarRel) : 'png';
    if (avatar && !icon) card = withIcon(card, { type: 'icon', uri: dataUri(avatar, ext), name: 'main', ext });
    else if (avatar && icon && !icon.uri.startsWith('data:')) {
      // A JSON card has no files: the avatar travels in the icon itself, and import puts the old URI back.
      const assets = card.data.assets!.map((a) => (a === icon ? { ...a, uri: dataUri(avatar, ext) } : a));
      card = withPanelNote(card, { icon_uri: icon.uri }, assets);
    }
    bytes = Buffer.from(JSON.stringify(card, null, 2) + '\n', 'utf8');
  } else {
    const files = new Map<string, Uint8Array>();
    if (avatar && !icon) card = withIcon(card, { type: 'icon', uri: `embeded://assets/icon/images/main.${imageExt(avatar, avatarRel)}`, name: 'main', ext: imageExt(avatar, avatarRel) });
    for (const a of card.data.assets ?? []) {
      if (!a.uri.startsWith('embeded://')) continue;
      const entry = a.uri.slice('embeded://'.length);
      if (isMainIcon(a) && avatar) {
        files.set(entry, avatar);
        continue;
      }
      try {
        files.set(entry, await fs.readFile(path.join(charactersDir, 'assets', id, ...entry.split('/'))));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        warnings.push(`asset ${a.uri} is missing from ${path.join(charactersDir, 'assets', id)}: left out of the archive`);
      }
    }
    bytes = writeCharx(JSON.stringify(card, null, 2), files);
  }
  await fs.mkdir(path.dirname(out), { recursive: true });
  await writeFileAtomic(out, bytes);
  return { file: out, warnings };
}
