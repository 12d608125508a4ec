import { deflateSync } from 'node:zlib';
import { hslToHex } from '../cast/characters';
import { writePngChunks } from './pngChunks';

/**
 * The avatar for a character that has none: a small PNG of its colour with its glyph in a 5x7 pixel font,
 * encoded here (IHDR + one zlib IDAT + IEND) so export needs no image library. Glyph characters outside A-Z
 * and 0-9 leave the tile plain.
 */

const SIZE = 96;

// Rows of a 5x7 font, bit 4 = leftmost pixel.
const FONT: Record<string, number[]> = {
  A: [14, 17, 17, 31, 17, 17, 17], B: [30, 17, 17, 30, 17, 17, 30], C: [14, 17, 16, 16, 16, 17, 14], D: [30, 17, 17, 17, 17, 17, 30],
  E: [31, 16, 16, 30, 16, 16, 31], F: [31, 16, 16, 30, 16, 16, 16], G: [14, 17, 16, 23, 17, 17, 15], H: [17, 17, 17, 31, 17, 17, 17],
  I: [14, 4, 4, 4, 4, 4, 14], J: [7, 2, 2, 2, 2, 18, 12], K: [17, 18, 20, 24, 20, 18, 17], L: [16, 16, 16, 16, 16, 16, 31],
  M: [17, 27, 21, 21, 17, 17, 17], N: [17, 17, 25, 21, 19, 17, 17], O: [14, 17, 17, 17, 17, 17, 14], P: [30, 17, 17, 30, 16, 16, 16],
  Q: [14, 17, 17, 17, 21, 18, 13], R: [30, 17, 17, 30, 20, 18, 17], S: [15, 16, 16, 14, 1, 1, 30], T: [31, 4, 4, 4, 4, 4, 4],
  U: [17, 17, 17, 17, 17, 17, 14], V: [17, 17, 17, 17, 17, 10, 4], W: [17, 17, 17, 21, 21, 21, 10], X: [17, 17, 10, 4, 10, 17, 17],
  Y: [17, 17, 17, 10, 4, 4, 4], Z: [31, 1, 2, 4, 8, 16, 31], '0': [14, 17, 19, 21, 25, 17, 14], '1': [4, 12, 4, 4, 4, 4, 14],
  '2': [14, 17, 1, 2, 4, 8, 31], '3': [31, 2, 4, 2, 1, 17, 14], '4': [2, 6, 10, 18, 31, 2, 2], '5': [31, 16, 30, 1, 1, 17, 14],
  '6': [6, 8, 16, 30, 17, 17, 14], '7': [31, 1, 2, 4, 8, 8, 8], '8': [14, 17, 17, 14, 17, 17, 14], '9': [14, 17, 17, 15, 1, 2, 12],
};

type Rgb = [number, number, number];

/** `#rgb`, `#rrggbb(aa)` or `hsl(h, s%, l%)` (the loader's default colours); anything else is drawn grey. */
export function parseColor(color: string): Rgb {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(/^hsl\(/i.test(color) ? hslToHex(color) : color.trim())?.[1];
  if (hex && (hex.length === 3 || hex.length === 4)) return [0, 1, 2].map((i) => parseInt(hex[i]! + hex[i]!, 16)) as Rgb;
  if (hex && (hex.length === 6 || hex.length === 8)) return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
  return [128, 128, 128];
}

/** A SIZE x SIZE RGB PNG: the colour, with the glyph centred in white (or black on a light colour). */
export function glyphPng(glyph: string, color: string): Buffer {
  const bg = parseColor(color);
  const light = 0.299 * bg[0] + 0.587 * bg[1] + 0.114 * bg[2] > 160;
  const fg: Rgb = light ? [0, 0, 0] : [255, 255, 255];
  const letters = Array.from(glyph.toUpperCase()).filter((ch) => FONT[ch]).slice(0, 2);
  const scale = letters.length > 1 ? 6 : 8;
  const width = letters.length * 5 * scale + Math.max(0, letters.length - 1) * scale;
  const left = Math.floor((SIZE - width) / 2);
  const top = Math.floor((SIZE - 7 * scale) / 2);
  const ink = (x: number, y: number): boolean => {
    const row = Math.floor((y - top) / scale);
    if (row < 0 || row > 6 || x < left) return false;
    const cell = Math.floor((x - left) / scale);
    const letter = letters[Math.floor(cell / 6)];
    const col = cell % 6;
    return letter !== undefined && col < 5 && ((FONT[letter]![row]! >> (4 - col)) & 1) === 1;
  };
  const raw = Buffer.alloc(SIZE * (1 + SIZE * 3));
  for (let y = 0; y < SIZE; y++) {
    const at = y * (1 + SIZE * 3); // filter byte 0 (None) starts each row
    for (let x = 0; x < SIZE; x++) raw.set(ink(x, y) ? fg : bg, at + 1 + x * 3);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, adaptive filtering, no interlace
  return writePngChunks([
    { type: 'IHDR', data: ihdr },
    { type: 'IDAT', data: deflateSync(raw) },
    { type: 'IEND', data: Buffer.alloc(0) },
  ]);
}
