import { crc32 } from 'node:zlib';
import { CardError } from './cardError';

/**
 * A small PNG chunk walker: enough to read and write the text chunks that carry character cards. It never
 * decodes pixels; image chunks pass through byte for byte. Every chunk's CRC is checked on read and written on
 * export, so a truncated or corrupted file is refused instead of half-read.
 */

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One chunk as stored: a 4-letter type and its data (length and CRC are derived). */
export interface PngChunk {
  type: string;
  data: Buffer;
}

/** Bounds a hostile file cannot exceed: more chunks than this is not an avatar. */
const MAX_CHUNKS = 100_000;

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= PNG_SIGNATURE.length && Buffer.from(bytes.subarray(0, 8)).equals(PNG_SIGNATURE);
}

/** Splits a PNG into its chunks, checking the signature, every length and every CRC, and that it ends at IEND. */
export function readPngChunks(bytes: Buffer): PngChunk[] {
  if (!isPng(bytes)) throw new CardError('not-a-card', 'not a PNG file (bad signature)');
  const chunks: PngChunk[] = [];
  let at = PNG_SIGNATURE.length;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) throw new CardError('corrupt', `PNG is truncated at byte ${at}`);
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) throw new CardError('corrupt', `PNG chunk at byte ${at} has an invalid type`);
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) throw new CardError('corrupt', `PNG chunk ${type} at byte ${at} runs past the end of the file`);
    const data = bytes.subarray(at + 8, at + 8 + length);
    const stored = bytes.readUInt32BE(at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== stored) throw new CardError('corrupt', `PNG chunk ${type} at byte ${at} has a bad CRC`);
    chunks.push({ type, data });
    if (chunks.length > MAX_CHUNKS) throw new CardError('too-large', `PNG has more than ${MAX_CHUNKS} chunks`);
    at = end;
    if (type === 'IEND') break;
  }
  if (chunks.length === 0 || chunks[0]!.type !== 'IHDR') throw new CardError('corrupt', 'PNG does not start with IHDR');
  if (chunks.at(-1)!.type !== 'IEND') throw new CardError('corrupt', 'PNG has no IEND chunk');
  return chunks;
}

/** Serialises chunks with fresh lengths and CRCs. */
export function writePngChunks(chunks: readonly PngChunk[]): Buffer {
  const parts: Buffer[] = [PNG_SIGNATURE];
  for (const c of chunks) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(c.data.length, 0);
    head.write(c.type, 4, 'latin1');
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), c.data])), 0);
    parts.push(head, c.data, tail);
  }
  return Buffer.concat(parts);
}

/** A `tEXt` chunk's keyword and text (both Latin-1 by the PNG spec; card payloads are base64, so ASCII). */
export interface TextChunk {
  keyword: string;
  text: string;
}

export function decodeTextChunk(c: PngChunk): TextChunk | null {
  if (c.type !== 'tEXt') return null;
  const nul = c.data.indexOf(0);
  if (nul < 1) return null;
  return { keyword: c.data.toString('latin1', 0, nul), text: c.data.toString('latin1', nul + 1) };
}

export function encodeTextChunk(keyword: string, text: string): PngChunk {
  return { type: 'tEXt', data: Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]) };
}

/** The text of the first `tEXt` chunk whose keyword matches (case-insensitive), or null. */
export function findText(chunks: readonly PngChunk[], keyword: string): string | null {
  for (const c of chunks) {
    const t = decodeTextChunk(c);
    if (t && t.keyword.toLowerCase() === keyword.toLowerCase()) return t.text;
  }
  return null;
}

/** Keywords that carry card payloads; a card's own PNG is re-written without them before new ones go in. */
export const CARD_KEYWORDS = ['ccv3', 'chara'] as const;

/** The chunks minus every card text chunk (case-insensitive keyword). */
export function withoutCardText(chunks: readonly PngChunk[]): PngChunk[] {
  return chunks.filter((c) => {
    const t = decodeTextChunk(c);
    return !t || !(CARD_KEYWORDS as readonly string[]).includes(t.keyword.toLowerCase());
  });
}

/** The chunks with `extra` inserted just before IEND (where tools that append card text put it). */
export function insertBeforeEnd(chunks: readonly PngChunk[], extra: readonly PngChunk[]): PngChunk[] {
  const end = chunks.findIndex((c) => c.type === 'IEND');
  return [...chunks.slice(0, end), ...extra, ...chunks.slice(end)];
}
