import type { ModelClient } from '../model/modelCall';
import * as path from 'node:path';
import { EngineError } from '../cast/castState';
import { makeClient } from '../model/modelCall';
import type { PriceOverrides } from '../cost/modelTable';
import { PanelSession } from '../session/panelSession';
import { playActions } from '../session/playActions';
import { systemClock } from '../warmth/clock';
import { estimateRun } from './costEstimate';
import type { ExperimentPlan, PlannedRun } from './experimentPlan';
import { ExperimentStore, type RunRecord } from './experimentStore';
import { isComplete, reconcile, recordedSpend } from './runReconcile';
import { countSession, type SessionCounts } from './sessionCounts';
import { writeSummaryCsv } from './summaryCsv';
import { batchedClient, MessageBatcher, type BatchProgress } from './messageBatcher';
import { gatedClient, RequestGate } from './requestGate';

/** What the runner tells its watcher (the CLI's progress bar, the VS Code notification). */
export type RunnerUpdate =
  | { kind: 'start'; total: number; done: number; toRun: number; adopted: number; discarded: number }
  | { kind: 'run'; run: RunRecord; done: number; total: number; spendUsd: number }
  | { kind: 'spend'; spendUsd: number }
  | { kind: 'notice'; message: string }
  | { kind: 'batch'; progress: BatchProgress };

/** How to execute a plan. `client` is injectable (tests, the benchmark); else one is made from key and URL. */
export interface RunnerOptions {
  outDir: string;
  concurrency: number;
  budgetUsd: number | null;
  apiKey: string;
  baseURL?: string;
  prices?: PriceOverrides;
  client?: ModelClient;
  /** turn-synchronous Message Batches instead of streaming (every pending run at once, 1-hour cache TTL) */
  batch?: boolean;
  /** first batch poll interval (ms); default 1000, doubling to 30 s */
  batchPollMs?: number;
  onUpdate?: (u: RunnerUpdate) => void;
}

/** How an experiment ended: `status` done when every run is done. */
export interface RunnerResult {
  dir: string;
  status: 'done' | 'stopped' | 'incomplete';
  spendUsd: number;
  /** why it stopped early (budget, a fatal API error, Ctrl+C), if it did */
  reason: string | null;
}

/** Errors that no other run can get past either: stop starting runs. */
const FATAL = new Set(['authentication', 'permission', 'not_found', 'invalid_request']);

/**
 * Plays every pending run of a plan through the ordinary PanelSession (the code `play` uses), at most
 * `concurrency` requests in flight, resuming whatever an earlier invocation left. One instance per experiment.
 */
export class ExperimentRunner {
  private stopping: string | null = null;
  private readonly interrupt = new AbortController();
  private readonly live = new Map<string, { session: PanelSession; usd: number }>();
  private store!: ExperimentStore;
  private readonly gate: RequestGate;
  /** counts of the sessions this invocation closed, so summary.csv need not re-read and re-validate them */
  private readonly counted = new Map<string, SessionCounts>();

  constructor(
    private readonly plan: ExperimentPlan,
    private readonly o: RunnerOptions,
  ) {
    this.gate = new RequestGate(o.concurrency);
  }

  get dir(): string {
    return this.o.outDir;
  }

  /** Ctrl+C: no new runs start, runs in flight stop now and close as stopped; a later `run` resumes them. */
  stop(reason = 'interrupted'): void {
    this.stopping ??= reason;
    this.interrupt.abort();
    for (const { session } of this.live.values()) session.stop();
  }

  async run(): Promise<RunnerResult> {
    const batch = this.o.batch === true;
    const estimates = new Map(this.plan.runs.map((r) => [r.id, estimateRun(r, this.plan.library, { batch, ...(this.o.prices ? { prices: this.o.prices } : {}) })]));
    const total = [...estimates.values()].reduce<number | null>((a, e) => (a === null || e.usd === null ? null : a + e.usd), 0);
    this.store = await ExperimentStore.open(this.o.outDir, this.plan, total);
    const { adopted, discarded } = await reconcile(this.store, this.plan.runs);
    const pending = this.plan.runs.filter((r) => this.store.run(r.id).status !== 'done');
    this.emit({ kind: 'start', total: this.plan.runs.length, done: this.doneCount(), toRun: pending.length, adopted, discarded });
    this.store.note((d) => (d.status = 'running'));
    const base = this.o.client ?? makeClient({ apiKey: this.o.apiKey, ...(this.o.baseURL ? { baseURL: this.o.baseURL } : {}) });
    const gated = gatedClient(base, this.gate);
    const batcher = batch ? await this.startBatcher(base, pending) : null;
    const clientFor = (run: PlannedRun): ModelClient => (batcher ? batchedClient(base, batcher, run.id) : gated);

    const queue = [...pending];
    const worker = async (): Promise<void> => {
      for (let run = queue.shift(); run; run = queue.shift()) {
        // Committed = spent so far + what the runs in flight are still expected to cost + this run's estimate.
        const committed = this.spend() + [...this.live].reduce((a, [id, l]) => a + Math.max(0, (estimates.get(id)?.usd ?? 0) - l.usd), 0);
        const next = estimates.get(run.id)?.usd ?? 0;
        if (!this.stopping && this.o.budgetUsd !== null && committed + next > this.o.budgetUsd) {
          this.stopping = `budget: $${committed.toFixed(4)} spent or committed + $${next.toFixed(4)} estimated for the next run would pass --budget $${this.o.budgetUsd}; no new runs started (${queue.length + 1} left)`;
        }
        if (this.stopping) {
          batcher?.withdraw(run.id);
          continue;
        }
        try {
          await this.playRun(run, clientFor(run), batcher);
        } finally {
          batcher?.withdraw(run.id);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: batch ? Math.max(1, queue.length) : Math.min(this.o.concurrency, Math.max(1, queue.length)) }, worker));
    } finally {
      await this.finish();
    }
    const allDone = this.doneCount() === this.plan.runs.length;
    const status = allDone ? 'done' : this.stopping === 'interrupted' ? 'stopped' : 'incomplete';
    return { dir: this.o.outDir, status, spendUsd: this.store.data.spend_usd, reason: allDone ? null : this.stopping };
  }

  private async finish(): Promise<void> {
    const allDone = this.doneCount() === this.plan.runs.length;
    await this.store.update((d) => {
      d.spend_usd = recordedSpend(d);
      d.status = allDone ? 'done' : this.stopping === 'interrupted' ? 'stopped' : 'incomplete';
    });
    await writeSummaryCsv(this.o.outDir, this.store.data, this.counted);
  }

  /** Enrols every pending run (so the first batch waits for all of them) and re-attaches journaled batches. */
  private async startBatcher(base: ModelClient, pending: readonly PlannedRun[]): Promise<MessageBatcher> {
    const batcher = new MessageBatcher(
      base,
      {
        submitted: (b) => this.store.update((d) => void d.batches.push(b)),
        collected: (id) => this.store.update((d) => void (d.batches.find((b) => b.id === id)!.status = 'collected')),
      },
      { pollMs: this.o.batchPollMs ?? 1000, onProgress: (progress) => this.emit({ kind: 'batch', progress }) },
    );
    for (const r of pending) batcher.enroll(r.id);
    // Batches an earlier process paid for whose runs are not done yet: their results answer the same requests again.
    const open = new Set(pending.map((r) => r.id));
    const reusable = this.store.data.batches.filter((b) => b.items.some((i) => open.has(i.run)));
    if (reusable.length > 0) await batcher.reattach(reusable);
    return batcher;
  }

  private async playRun(run: PlannedRun, client: ModelClient, batcher: MessageBatcher | null): Promise<void> {
    const rec = this.store.run(run.id);
    const c = run.condition;
    const library = this.plan.library;
    const session = await PanelSession.start({
      library,
      cast: c.cast,
      brief: c.brief === null ? null : library.briefs.get(c.brief)!,
      title: `${run.id} ${this.plan.spec.name}`,
      model: c.model,
      maxTokens: c.max_tokens,
      // Batches can take hours: the 1-hour TTL keeps a session's prefix cached from one batch to the next.
      cacheTtl: batcher ? '1h' : c.ttl,
      deliberationDepth: c.depth,
      sessionsDir: this.store.sessionsDir,
      apiKey: this.o.apiKey,
      client,
      ...(this.o.prices ? { prices: this.o.prices } : {}),
    });
    const live = { session, usd: 0 };
    this.live.set(run.id, live);
    let failure: string | null = null;
    session.onUpdate((u) => {
      if (u.kind !== 'event') return;
      const e = u.event;
      if (e.type === 'cost' && e.usd !== null) {
        live.usd += e.usd;
        this.emit({ kind: 'spend', spendUsd: this.spend() });
      } else if (e.type === 'error' && e.kind !== 'stopped') {
        failure ??= `${e.kind}: ${e.message}`;
        if (FATAL.has(e.kind)) this.stop(`run ${run.id} failed with an error no run can get past — ${e.message}`);
      }
    });
    // noted, not awaited: the session folder already proves the run started (reconcile reads it after a crash)
    this.store.note(() => Object.assign(rec, { status: 'running', session: path.basename(session.dir), started_at: new Date().toISOString(), usd: null, service_tier: batcher ? 'batch' : 'standard' }));
    if (this.stopping) session.stop();
    try {
      // the same player as `play`: think time ({"wait": S}) passes for real and Ctrl+C cuts it short
      await playActions(session, run.actions, { library, clock: systemClock, stopped: () => this.stopping !== null || failure !== null, signal: this.interrupt.signal });
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      failure ??= err.message;
    } finally {
      batcher?.withdraw(run.id);
      await session.close();
      this.live.delete(run.id);
      // the closed log holds exactly the journaled events, so they are counted from memory
      const counts = countSession({ events: [...session.events] });
      this.counted.set(run.id, counts);
      const done = isComplete(counts, run);
      // noted: a closed session that played every turn is adopted by reconcile even if this write never lands
      this.store.note((d) => {
        Object.assign(rec, {
          status: done ? 'done' : failure ? 'failed' : 'stopped',
          usd: counts.usd,
          ended_at: new Date().toISOString(),
          ...(done ? {} : { reason: failure ?? `stopped (${this.stopping ?? 'interrupted'}) before every turn was played` }),
        });
        d.spend_usd = recordedSpend(d);
      });
      this.emit({ kind: 'run', run: rec, done: this.doneCount(), total: this.plan.runs.length, spendUsd: this.spend() });
    }
  }

  /** Spend so far: what experiment.json records plus what the runs in flight have cost until now. */
  private spend(): number {
    let usd = recordedSpend(this.store.data);
    for (const l of this.live.values()) usd += l.usd;
    return usd;
  }

  private doneCount(): number {
    return this.store.data.runs.filter((r) => r.status === 'done').length;
  }

  private emit(u: RunnerUpdate): void {
    this.o.onUpdate?.(u);
  }
}
