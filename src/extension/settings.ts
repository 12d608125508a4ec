import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { DEFAULT_MODEL, parsePriceOverrides, type PriceOverrides } from '../engine/cost/modelTable';
import type { Library } from '../engine/cast/characters';
import type { ResumeOptions } from '../engine/session/panelSession';
import { themeSchema, type Theme } from '../protocol';
import { DEFAULT_KEEP_WARM_MINUTES, WARMTH_MODES, type WarmthMode } from '../engine/warmth/policies';

/**
 * Typed, validated reading of the `dialogue.*` settings. A bad value never reaches the engine: it is
 * replaced by the default and reported, so one typo in settings.json cannot stop a panel from opening.
 */

/** `vscode.WorkspaceConfiguration` (for section `dialogue`) satisfies this. */
export interface ConfigReader {
  get<T>(key: string): T | undefined;
}

/** Every setting after validation; each field holds a usable value (a default when the user's was bad). */
export interface DialogueSettings {
  model: string;
  maxTokens: number;
  cacheTtl: '5m' | '1h';
  /** undefined = the SDK default endpoint. */
  baseUrl: string | undefined;
  /** as written in the setting; resolve against the workspace with `resolveWorkspacePath`. */
  charactersFolder: string;
  sessionsFolder: string;
  deliberationDepth: 'off' | 'brief' | 'full';
  theme: Theme;
  prices: PriceOverrides;
  budgetUsd: number | null;
  contextWindow: number | null;
  /** keeping the prompt cache warm between turns (off, keep-warm, auto). */
  cacheWarmth: WarmthMode;
  keepWarmMinutes: number;
  /** `dialogue.fallbackModel`: what "Try on another model" asks a refused turn of; null when unset. */
  fallbackModel: string | null;
}

export { DEFAULT_MODEL };

export const DEFAULT_SETTINGS: Readonly<DialogueSettings> = Object.freeze({
  model: DEFAULT_MODEL,
  maxTokens: 4096,
  cacheTtl: '5m',
  baseUrl: undefined,
  charactersFolder: 'characters',
  sessionsFolder: 'sessions',
  deliberationDepth: 'full',
  theme: 'cream',
  prices: {},
  budgetUsd: null,
  contextWindow: null,
  cacheWarmth: 'off',
  keepWarmMinutes: DEFAULT_KEEP_WARM_MINUTES,
  fallbackModel: null,
});

const httpUrl = z.url({ protocol: /^https?$/ });
const folderName = z.string().trim().min(1);

const validators = {
  model: z.string().trim().min(1),
  maxTokens: z.number().int().min(1).max(1_000_000),
  cacheTtl: z.enum(['5m', '1h']),
  charactersFolder: folderName,
  sessionsFolder: folderName,
  deliberationDepth: z.enum(['off', 'brief', 'full']),
  theme: themeSchema,
  budgetUsd: z.number().positive().nullable(),
  contextWindow: z.number().int().min(1000).nullable(),
  cacheWarmth: z.enum(WARMTH_MODES),
  keepWarmMinutes: z.number().int().min(1).max(24 * 60),
  fallbackModel: z.string().trim().nullable().transform((v) => (v ? v : null)),
} as const;

type Validated = keyof typeof validators;

/** Reads and validates all settings; `problems` holds one readable line per rejected value. */
export function readSettings(
  config: ConfigReader,
  env: Record<string, string | undefined> = process.env,
): { settings: DialogueSettings; problems: string[] } {
  const problems: string[] = [];
  const settings: DialogueSettings = { ...DEFAULT_SETTINGS };
  const mutable = settings as unknown as Record<Validated, unknown>;

  for (const key of Object.keys(validators) as Validated[]) {
    const raw = config.get<unknown>(key);
    if (raw === undefined) continue;
    const parsed = validators[key].safeParse(raw);
    if (parsed.success) {
      mutable[key] = typeof parsed.data === 'string' ? parsed.data.trim() : parsed.data;
    } else {
      problems.push(`dialogue.${key}: ${JSON.stringify(raw)} is not valid (${parsed.error.issues[0]?.message}); using ${JSON.stringify(DEFAULT_SETTINGS[key])}`);
    }
  }

  const configured = config.get<unknown>('baseUrl');
  const fromSetting = typeof configured === 'string' ? configured.trim() : '';
  const candidate = fromSetting || env.ANTHROPIC_BASE_URL?.trim() || '';
  if (candidate) {
    if (httpUrl.safeParse(candidate).success) settings.baseUrl = candidate;
    else problems.push(`${fromSetting ? 'dialogue.baseUrl' : 'ANTHROPIC_BASE_URL'}: ${JSON.stringify(candidate)} is not an http(s) URL; using the default endpoint`);
  }

  const prices = config.get<unknown>('prices');
  if (prices !== undefined && prices !== null) {
    const parsed = parsePriceOverrides(prices);
    if (parsed.ok) settings.prices = parsed.value;
    else problems.push(`dialogue.prices: ${parsed.message}; using the built-in price table`);
  }
  return { settings, problems };
}

/**
 * A folder setting made absolute: absolute paths (and `~/...`) are kept, relative ones hang off `root`;
 * undefined for a relative path when there is no root (no folder open).
 */
export function resolveWorkspacePath(root: string | undefined, value: string): string | undefined {
  if (value === '~' || value.startsWith('~/') || value.startsWith('~\\')) {
    return path.join(os.homedir(), value.slice(1));
  }
  if (path.isAbsolute(value)) return path.normalize(value);
  return root === undefined ? undefined : path.resolve(root, value);
}

/**
 * `resolveWorkspacePath`, refusing a relative folder that leads outside the workspace through a symbolic link
 * (a cloned repository must not make Dialogue write where the user never chose). Absolute and `~` paths are
 * the user's own choice (in an untrusted workspace they can only come from user settings) and are kept.
 */
export function resolveChosenFolder(root: string | undefined, value: string): { dir: string | undefined; problem?: string } {
  const dir = resolveWorkspacePath(root, value);
  if (dir === undefined || root === undefined || path.isAbsolute(value) || value.startsWith('~')) return { dir };
  const realRoot = realPathOfExisting(root);
  const real = realPathOfExisting(dir);
  const rel = path.relative(realRoot, real);
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return { dir };
  return { dir: undefined, problem: `"${value}" leads outside the workspace through a symbolic link (to ${real}); it is not used. Set an absolute path in your user settings to use that folder.` };
}

/** The real path of `p`, or of its deepest existing ancestor with the rest appended (the folder may not exist yet). */
function realPathOfExisting(p: string): string {
  const rest: string[] = [];
  let cur = path.resolve(p);
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return path.join(cur, ...rest.reverse());
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

/** The engine options for a session (start adds cast, brief and title); only non-default extras are set. */
export function engineOptions(s: DialogueSettings, o: { library: Library; sessionsDir: string; apiKey: string }): ResumeOptions {
  const options: ResumeOptions = {
    library: o.library,
    model: s.model,
    maxTokens: s.maxTokens,
    cacheTtl: s.cacheTtl,
    deliberationDepth: s.deliberationDepth,
    sessionsDir: o.sessionsDir,
    apiKey: o.apiKey,
    budgetUsd: s.budgetUsd,
    contextWindow: s.contextWindow,
    warmth: s.cacheWarmth,
    keepWarmMinutes: s.keepWarmMinutes,
  };
  if (s.baseUrl) options.baseURL = s.baseUrl;
  if (Object.keys(s.prices).length > 0) options.prices = s.prices;
  return options;
}

/** The settings whose value differs between two readings (prices compared by content). */
export function changedSettings(before: DialogueSettings, after: DialogueSettings): Array<keyof DialogueSettings> {
  return (Object.keys(after) as Array<keyof DialogueSettings>).filter(
    (k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null),
  );
}
