import { unzipSync, zipSync, type Zippable } from 'fflate';
import { CardError } from './cardError';

/**
 * CHARX (V3): a zip holding `card.json` and the assets it names as `embeded://<path>`. Every limit is checked
 * from the zip's directory *before* anything is inflated, so a zip bomb is refused in microseconds; and since
 * each entry inflates into a buffer of its declared size, a directory that lies cannot make it grow either.
 */

/** The bounds an archive must keep; exported so tests and the docs name the same figures. */
export const CHARX_LIMITS = {
  entries: 1000,
  entryBytes: 50 * 1024 * 1024,
  totalBytes: 100 * 1024 * 1024,
  /** Inflated/compressed above this, for an entry over 1 MiB, is a bomb, not a card. */
  ratio: 100,
};

/** An archive's card text and its other entries by path (`assets/icon/images/main.png`). */
export interface CharxContent {
  cardJson: string;
  files: Map<string, Uint8Array>;
}

/** A path inside an archive that is safe to write under a folder: relative, no `..`, no drive or odd characters. */
export function isSafeEntryPath(p: string): boolean {
  return p.length > 0 && p.length < 512 && !/^[\\/]/.test(p) && !/(^|[\\/])\.\.([\\/]|$)/.test(p) && !/[:*?"<>|\\\0]/.test(p);
}

/** Checks every limit from the zip's directory alone: fflate's filter sees each entry before inflating it. */
function checkLimits(bytes: Uint8Array): void {
  let entries = 0;
  let total = 0;
  unzipSync(bytes, {
    filter(file) {
      entries++;
      total += file.originalSize;
      if (entries > CHARX_LIMITS.entries) throw new CardError('too-large', `CHARX has more than ${CHARX_LIMITS.entries} entries`);
      if (file.originalSize > CHARX_LIMITS.entryBytes) throw new CardError('too-large', `CHARX entry "${file.name}" inflates to ${file.originalSize} bytes (limit ${CHARX_LIMITS.entryBytes})`);
      if (total > CHARX_LIMITS.totalBytes) throw new CardError('too-large', `CHARX inflates to more than ${CHARX_LIMITS.totalBytes} bytes`);
      if (file.originalSize > 1024 * 1024 && file.originalSize > CHARX_LIMITS.ratio * Math.max(1, file.size)) {
        throw new CardError('too-large', `CHARX entry "${file.name}" compresses ${Math.round(file.originalSize / Math.max(1, file.size))}:1: refused as a zip bomb`);
      }
      return false; // this pass only reads the directory
    },
  });
}

export function readCharx(bytes: Uint8Array): CharxContent {
  let unzipped: Record<string, Uint8Array>;
  try {
    checkLimits(bytes);
    unzipped = unzipSync(bytes, { filter: (file) => !file.name.endsWith('/') });
  } catch (err) {
    if (err instanceof CardError) throw err;
    throw new CardError('corrupt', `not a readable CHARX (zip) archive: ${(err as Error).message}`);
  }
  const cardName = Object.keys(unzipped).find((n) => n.toLowerCase() === 'card.json');
  if (!cardName) throw new CardError('not-a-card', 'the CHARX archive has no card.json');
  const files = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(unzipped)) if (name !== cardName) files.set(name, data);
  return { cardJson: new TextDecoder('utf-8', { fatal: false }).decode(unzipped[cardName]), files };
}

/** Writes `card.json` plus the files; images are stored, not deflated (they are compressed already). */
export function writeCharx(cardJson: string, files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const zip: Zippable = { 'card.json': [new TextEncoder().encode(cardJson), { level: 6 }] };
  for (const [name, data] of files) zip[name] = [data, { level: /\.(png|jpe?g|webp|gif|avif|mp3|ogg|mp4|webm)$/i.test(name) ? 0 : 6 }];
  return zipSync(zip);
}
