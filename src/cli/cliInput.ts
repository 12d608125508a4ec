import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parsePriceOverrides, type PriceOverrides } from '../engine/cost/modelTable';

/** The CLI's shared input checks: each bad value becomes one `UsageError` line naming the flag or file. */

/** A failure the user can fix: printed as one line, exit code 2 (1 is reserved for "audit found problems"). */
export class UsageError extends Error {}

export function oneDir(args: string[], command: string): string {
  if (args.length !== 1 || args[0]!.startsWith('-')) throw new UsageError(`usage: ${command} DIR`);
  return path.resolve(args[0]!);
}

/** `oneDir`, and the folder must exist: a typo must not read as "nothing to do". */
export async function oneExistingDir(args: string[], command: string): Promise<string> {
  const dir = oneDir(args, command);
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat) throw new UsageError(`${command}: ${dir} does not exist`);
  if (!stat.isDirectory()) throw new UsageError(`${command}: ${dir} is not a folder`);
  return dir;
}

/** The endpoint from ANTHROPIC_BASE_URL, checked before anything is written: an http(s) URL, or unset. */
export function baseUrlFromEnv(): { baseURL: string } | Record<string, never> {
  const raw = process.env.ANTHROPIC_BASE_URL;
  if (raw === undefined || raw === '') return {};
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`ANTHROPIC_BASE_URL is not an http(s) URL: ${JSON.stringify(terminalText(raw))}`);
  }
  return { baseURL: raw };
}


export async function readInput(file: string, what: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export async function loadPrices(file: string | undefined): Promise<{ prices: PriceOverrides } | null> {
  const raw = file !== undefined ? await readInput(path.resolve(file), 'prices') : process.env.DIALOGUE_PRICES;
  if (raw === undefined || raw.trim() === '') return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new UsageError(`price overrides are not valid JSON: ${(err as Error).message}`);
  }
  const r = parsePriceOverrides(json);
  if (!r.ok) throw new UsageError(`price overrides: ${r.message}`);
  return { prices: r.value };
}

export function positiveInt(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer, got "${v}"`);
  return n;
}
export function positiveNumber(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be a non-negative number, got "${v}"`);
  return n;
}
export function oneOf<T extends string>(v: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

// ESC sequences (CSI, OSC up to BEL or ST, and two-character ones), then any other C0/C1 control character
// and the bidirectional overrides that can reorder what a terminal shows.
const TERMINAL_CONTROL = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** Text from the model, a file or the server made safe to print: no escape sequence can recolour, retitle or rewrite the terminal. */
export function terminalText(s: string): string {
  return s.replace(TERMINAL_CONTROL, '');
}

/** A model's text on one terminal line, cut to 160 characters. */
export function oneLine(s: string): string {
  const flat = terminalText(s).replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}
