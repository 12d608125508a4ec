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

/** A model's text on one terminal line, cut to 160 characters. */
export function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}
