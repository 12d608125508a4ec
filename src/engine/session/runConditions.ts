import { createHash } from 'node:crypto';
import { version as ENGINE_VERSION } from '../../../package.json';
import { findModel, type PriceOverrides } from '../cost/modelTable';
import { SDK_VERSION } from '../model/modelCall';
import { buildRequest, rulesBlock, type CacheTtl, type DeliberationDepth } from '../prompt/promptLayout';
import type { SessionConditions, SessionEvent } from '../store/sessionSchema';

/**
 * The run's conditions (SPEC 9), built from what is actually sent: the system blocks' hash, the sampling
 * parameters a request carries, the rates the session is priced with. Both versions are imported, so a bundle
 * (dist/cli.js, dist/extension.js) carries the versions it was built from, never a lookup at run time.
 */

export { ENGINE_VERSION, SDK_VERSION };

/** What the conditions are computed from: the session's options and its system blocks. */
export interface ConditionInputs {
  model: string;
  maxTokens: number;
  cacheTtl: CacheTtl;
  deliberationDepth: DeliberationDepth;
  system: readonly string[];
  prices?: PriceOverrides | undefined;
  /** a session of the built-in demo (recorded as `demo: true`). */
  demo?: boolean | undefined;
}

const SAMPLING_KEYS = ['temperature', 'top_p', 'top_k'] as const;

export function runConditions(o: ConditionInputs): SessionConditions {
  const request = buildRequest({ system: [...o.system], messages: [] }, { model: o.model, maxTokens: o.maxTokens, ttl: o.cacheTtl }) as unknown as Record<string, unknown>;
  const sampling: Record<string, number> = {};
  for (const k of SAMPLING_KEYS) if (typeof request[k] === 'number') sampling[k] = request[k];
  const info = findModel(o.model, o.prices);
  return {
    model: o.model,
    max_tokens: o.maxTokens,
    deliberation_depth: o.deliberationDepth,
    cache_ttl: o.cacheTtl,
    sampling,
    system_sha256: createHash('sha256').update(o.system.join(''), 'utf8').digest('hex'),
    prices: info
      ? {
          model: info.id,
          source: info.source,
          tiers: info.tiers.map((t) => ({
            up_to_prompt_tokens: t.upToPromptTokens,
            input: t.input,
            output: t.output,
            cache_write_5m: t.cacheWrite5m,
            cache_write_1h: t.cacheWrite1h,
            cache_read: t.cacheRead,
          })),
        }
      : null,
    engine_version: ENGINE_VERSION,
    sdk_version: SDK_VERSION,
    ...(o.demo ? { demo: true as const } : {}),
  };
}

type Changes = Extract<SessionEvent, { type: 'condition-change' }>['changes'];
// `demo` is not a condition that can change: a demo session stays one (the launcher resumes it as a demo).
type ConditionField = Exclude<keyof SessionConditions, 'since_seq' | 'demo'>;
const FIELDS: readonly ConditionField[] = ['model', 'max_tokens', 'deliberation_depth', 'cache_ttl', 'sampling', 'system_sha256', 'prices', 'engine_version', 'sdk_version'];

/** The conditions in force after `events`: the initial ones with every `condition-change` folded in. */
export function conditionsNow(initial: SessionConditions, events: readonly SessionEvent[]): SessionConditions {
  const out: Record<string, unknown> = { ...initial };
  for (const e of events) if (e.type === 'condition-change') for (const [k, v] of Object.entries(e.changes)) out[k] = v.to;
  return out as SessionConditions;
}

/** The fields that differ, from and to; null when nothing changed. */
export function conditionChanges(from: SessionConditions, to: SessionConditions): Changes | null {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const f of FIELDS) if (JSON.stringify(from[f]) !== JSON.stringify(to[f])) out[f] = { from: from[f], to: to[f] };
  return Object.keys(out).length > 0 ? (out as Changes) : null;
}

/** The depth a system prompt was written with, read from its rules block (for sessions logged without conditions). */
export function depthOfSystem(system: readonly string[]): DeliberationDepth | null {
  return (['off', 'brief', 'full'] as const).find((d) => system[0] === rulesBlock(d)) ?? null;
}
