import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CardError } from './cardError';
import { isMainIcon } from './cardMapping';
import { parseCardText, type NormalCard } from './cardNormalize';
import { PANEL_EXTENSION, type CardAsset, type CharacterBook, type PanelExtension } from './cardSchemas';
import { CHARX_LIMITS, readCharx } from './charxArchive';
import { CARD_KEYWORDS, findText, isPng, readPngChunks, withoutCardText, writePngChunks } from './pngChunks';

/** Larger than any real PNG or JSON card (big lorebooks run to a few MB); a CHARX may carry more assets. */
export const CARD_FILE_LIMITS = { png: 20 * 1024 * 1024, json: 20 * 1024 * 1024, charx: 50 * 1024 * 1024 };

/** An image to keep as the character's avatar. `ext` is lowercase, without the dot. */
export interface AvatarImage {
  bytes: Uint8Array;
  ext: string;
}

/** What a card file holds, read and validated, before anything is written. */
export type ReadCard =
  | { kind: 'card'; normal: NormalCard; format: 'png' | 'json' | 'charx'; avatar: AvatarImage | null; assets: Map<string, Uint8Array> }
  | { kind: 'lorebook'; book: CharacterBook };

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const IMAGE_EXT = /^(png|jpe?g|webp|gif|avif)$/;

/** Base64 as card writers emit it (standard alphabet, optional padding, wrapped lines allowed), decoded strictly. */
export function decodeBase64(text: string, keyword: string): string {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw new CardError('bad-base64', `the PNG's ${keyword} chunk is not valid base64`);
  }
  const bytes = Buffer.from(compact, 'base64');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CardError('bad-base64', `the PNG's ${keyword} chunk does not decode to UTF-8 text`);
  }
}

function fromPng(bytes: Buffer): ReadCard {
  const chunks = readPngChunks(bytes);
  // ccv3 (V3) is preferred; chara carries V2, or V3 from writers that never added ccv3.
  const keyword = CARD_KEYWORDS.find((k) => findText(chunks, k) !== null);
  if (!keyword) throw new CardError('not-a-card', 'the PNG holds no character card (no ccv3 or chara text chunk)');
  const parsed = parseCardText(decodeBase64(findText(chunks, keyword)!, keyword), `the PNG's ${keyword} chunk`);
  if (parsed.kind !== 'card') throw new CardError('not-a-card', 'the PNG holds a lorebook, not a character card');
  const panel = parsed.normal.card.data.extensions[PANEL_EXTENSION] as PanelExtension | undefined;
  // Our own export drew a glyph tile for a character without an avatar: that is not an avatar to keep.
  const avatar = panel?.generated_image ? null : { bytes: writePngChunks(withoutCardText(chunks)), ext: 'png' };
  return { kind: 'card', normal: parsed.normal, format: 'png', avatar, assets: new Map() };
}

function assetExt(a: CardAsset, fallbackPath: string): string {
  const ext = (a.ext || path.extname(fallbackPath).slice(1)).toLowerCase();
  return IMAGE_EXT.test(ext) ? ext : 'png';
}

/** The main icon's bytes when the card itself carries them (a CHARX entry or a data: URI). */
function mainIcon(normal: NormalCard, files: ReadonlyMap<string, Uint8Array>): AvatarImage | null {
  const icon = normal.card.data.assets?.find(isMainIcon);
  if (!icon) return null;
  if (icon.uri.startsWith('embeded://')) {
    const p = icon.uri.slice('embeded://'.length);
    const bytes = files.get(p);
    return bytes ? { bytes, ext: assetExt(icon, p) } : null;
  }
  const data = /^data:image\/([a-z+]+);base64,(.*)$/is.exec(icon.uri);
  if (data) return { bytes: Buffer.from(data[2]!, 'base64'), ext: assetExt(icon, `x.${data[1]!.toLowerCase()}`) };
  return null; // a URL or ccdefault: never fetched
}

function fromCharx(bytes: Buffer): ReadCard {
  const { cardJson, files } = readCharx(bytes);
  const parsed = parseCardText(cardJson, 'the CHARX card.json');
  if (parsed.kind !== 'card') throw new CardError('not-a-card', 'the CHARX card.json holds a lorebook, not a character card');
  const avatar = mainIcon(parsed.normal, files);
  const icon = parsed.normal.card.data.assets?.find(isMainIcon);
  const assets = new Map([...files].filter(([p]) => !(avatar && icon?.uri === `embeded://${p}`)));
  return { kind: 'card', normal: parsed.normal, format: 'charx', avatar, assets };
}

function fromJson(bytes: Buffer): ReadCard {
  const text = new TextDecoder('utf-8').decode(bytes);
  if (!/^\uFEFF?\s*\{/.test(text)) throw new CardError('not-a-card', 'not a character card: expected a PNG, a CHARX archive or a JSON object');
  const parsed = parseCardText(text, 'the file');
  if (parsed.kind === 'lorebook') return parsed;
  return { kind: 'card', normal: parsed.normal, format: 'json', avatar: mainIcon(parsed.normal, new Map()), assets: new Map() };
}

/** Reads and validates one card file of any supported form. Throws CardError with one clear line (the caller names the file). */
export async function readCardFile(file: string): Promise<ReadCard> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (err) {
    throw new CardError('bad-input', `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!stat.isFile()) throw new CardError('bad-input', 'not a file');
  const limit = Math.max(...Object.values(CARD_FILE_LIMITS));
  if (stat.size > limit) throw new CardError('too-large', `the file is ${stat.size} bytes: larger than any card (limit ${limit})`);
  const bytes = await fs.readFile(file);
  const head = bytes.subarray(0, 4);
  const form = isPng(bytes) ? 'png' : head.equals(ZIP_MAGIC) ? 'charx' : 'json';
  if (bytes.length > CARD_FILE_LIMITS[form]) throw new CardError('too-large', `the file is ${bytes.length} bytes: over the ${form.toUpperCase()} card limit of ${CARD_FILE_LIMITS[form]}`);
  if (form === 'charx' && bytes.length > CHARX_LIMITS.totalBytes) throw new CardError('too-large', 'the file is too large for a CHARX archive');
  return form === 'png' ? fromPng(bytes) : form === 'charx' ? fromCharx(bytes) : fromJson(bytes);
}
