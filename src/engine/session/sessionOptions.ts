import type { ModelClient } from '../model/modelCall';
import type { StreamPart } from '../../protocol';
import type { Brief, Library } from '../cast/characters';
import type { PriceOverrides } from '../cost/modelTable';
import type { CacheTtl, DeliberationDepth } from '../prompt/promptLayout';
import type { SessionEvent } from '../store/sessionSchema';
import type { Clock } from '../warmth/clock';
import type { WarmthMode } from '../warmth/policies';

/** What a session tells its watchers; events arrive in journal order, stream parts before their event. */
export type SessionUpdate =
  | { kind: 'event'; event: SessionEvent }
  | { kind: 'stream'; part: StreamPart }
  | { kind: 'answering'; answering: boolean }
  | { kind: 'cast' }
  | { kind: 'notice'; level: 'info' | 'warning' | 'error'; message: string; action?: 'setApiKey' | 'retry' | 'raiseBudget' | 'carryOver' };

/** Settings a session runs with; `apiKey` is used for calls only and never written anywhere. */
export interface PanelSessionOptions {
  library: Library;
  cast: string[];
  brief: Brief | null;
  title?: string;
  model: string;
  maxTokens: number;
  cacheTtl: CacheTtl;
  deliberationDepth: DeliberationDepth;
  sessionsDir: string;
  apiKey: string;
  baseURL?: string;
  prices?: PriceOverrides;
  budgetUsd?: number | null;
  /** lowers the model's context window (never raises it). */
  contextWindow?: number | null;
  /** injectable for tests and the benchmark: the API client (the built-in demo's serves scripted replies in-process). */
  client?: ModelClient;
  /** a session of the built-in demo: its conditions say `demo: true` (engine/demo sets it with its client). */
  demo?: boolean;
  /** keeping the prompt cache warm while idle (`dialogue.cacheWarmth`, `--warmth`); default off. */
  warmth?: WarmthMode;
  /** the longest a cache is kept warm after a turn, in minutes (`dialogue.keepWarmMinutes`); default 30. */
  keepWarmMinutes?: number;
  /** earlier sessions' gaps between turns, in ms, for `auto` (oldest first); a resumed session adds its own log's. */
  thinkTimeHistory?: readonly number[];
  /** injectable for tests and the benchmark: the clock every timer and warmth decision uses. */
  clock?: Clock;
  /**
   * A 1:1 session that opens with the member's greeting (a card's first message, 0, or alternate N): recorded as a
   * `greeting` event and carried in the context as that member's first reply. Needs a one-member cast.
   */
  greeting?: number;
  /** set when this session continues another (carry-over): the summary opens the context. */
  carriedOver?: { from: string; summary: string };
}

export type ResumeOptions = Omit<PanelSessionOptions, 'cast' | 'brief' | 'title' | 'greeting'>;
