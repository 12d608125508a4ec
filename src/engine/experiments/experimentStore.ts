import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { pathExists, writeFileAtomic } from '../store/sessionFiles';
import type { Condition, ExperimentPlan } from './experimentPlan';

/** The experiment folder's file names; nothing else spells them. */
export const EXPERIMENT_FILES = { json: 'experiment.json', csv: 'summary.csv', sessions: 'sessions', discarded: 'discarded' } as const;
export const EXPERIMENT_FORMAT = 1;

const conditionSchema = z.object({
  model: z.string(),
  brief: z.string().nullable(),
  cast: z.array(z.string()).min(1),
  depth: z.enum(['off', 'brief', 'full']),
  ttl: z.enum(['5m', '1h']),
  max_tokens: z.number().int().positive(),
  script: z.string(),
});

/** A session that was started for a run and then set aside (killed half-way, stopped or failed): kept, not counted. */
const discardedSchema = z.object({ session: z.string(), reason: z.string(), usd: z.number().nullable() });

/**
 * One run's record. `session` is the folder name under `sessions/` once the run has started; `usd` is the sum of
 * its session's cost events (null while unknown or unpriced). `status` done means the session closed with every
 * scripted turn played; stopped / failed runs are played again (from the start) by the next `run`.
 */
export const runRecordSchema = z.object({
  id: z.string().regex(/^run-[0-9a-f]{10}$/),
  condition_id: z.string(),
  replicate: z.number().int().positive(),
  status: z.enum(['pending', 'running', 'done', 'stopped', 'failed']),
  session: z.string().nullable(),
  turns: z.number().int().nonnegative().describe('scripted model calls'),
  usd: z.number().nullable(),
  service_tier: z.enum(['standard', 'batch']).optional(),
  started_at: z.string().optional(),
  ended_at: z.string().optional(),
  reason: z.string().optional().describe('why a run failed or stopped'),
  discarded: z.array(discardedSchema).optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** One Message Batches request: journaled before its results are read, so a resumed run re-attaches to it. */
export const batchRecordSchema = z.object({
  id: z.string(),
  items: z.array(
    z.object({
      custom_id: z.string().describe('<run id>_<call n>_<attempt>: call n of that run is turn n of the script'),
      run: z.string(),
      request_sha256: z.string().describe('hash of the request body: a resumed run sending the same request re-attaches to this result'),
    }),
  ),
  status: z.enum(['submitted', 'collected']),
  submitted_at: z.string(),
  ended_at: z.string().optional(),
});
export type BatchRecord = z.infer<typeof batchRecordSchema>;

/** experiment.json: the resolved plan and each run's state. Written atomically after every change. */
export const experimentJsonSchema = z.object({
  format: z.literal(EXPERIMENT_FORMAT),
  name: z.string(),
  experiment_file: z.string(),
  workspace: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  fingerprint: z.string().describe('hash of conditions, replicates and inputs: a resume must match it'),
  inputs: z.record(z.string(), z.string()).describe('sha256 of each script, character and brief file the runs use'),
  replicates: z.number().int().positive(),
  conditions: z.array(z.object({ id: z.string(), condition: conditionSchema })),
  runs: z.array(runRecordSchema),
  batches: z.array(batchRecordSchema),
  status: z.enum(['planned', 'running', 'done', 'stopped', 'incomplete']),
  spend_usd: z.number().nonnegative().describe('every cost event of every session this experiment started, discarded ones included'),
  estimate_usd: z.number().nullable(),
});
export type ExperimentJson = z.infer<typeof experimentJsonSchema>;

/**
 * The experiment folder and its journal of runs. One writer: each write is atomic, writes never interleave, and
 * changes made while a write is in flight share the next one (the file always ends with the newest state).
 */
export class ExperimentStore {
  private writing: Promise<void> = Promise.resolve();
  /** the next write, once one is queued behind the write in flight: later changes join it */
  private queued: Promise<void> | null = null;
  /** a `note`d change waiting for its write, and the first error of such a write (rethrown by the next `update`) */
  private noteTimer: NodeJS.Timeout | null = null;
  private noteError: unknown = null;

  private constructor(
    readonly dir: string,
    public data: ExperimentJson,
  ) {}

  get sessionsDir(): string {
    return path.join(this.dir, EXPERIMENT_FILES.sessions);
  }
  get discardedDir(): string {
    return path.join(this.dir, EXPERIMENT_FILES.discarded);
  }

  /** The experiment.json a folder holds, validated; null when there is none. */
  static async read(dir: string): Promise<ExperimentJson | null> {
    const file = path.join(dir, EXPERIMENT_FILES.json);
    if (!(await pathExists(file))) return null;
    const r = experimentJsonSchema.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
    if (!r.success) {
      const i = r.error.issues[0]!;
      throw new Error(`${file} is not a valid experiment.json (${i.path.join('.')}: ${i.message})`);
    }
    return r.data;
  }

  /**
   * Opens the experiment folder for `plan`: a new one is created with every run pending; an existing one must
   * have been planned from the same conditions and inputs (else nothing would be comparable) and is resumed.
   */
  static async open(dir: string, plan: ExperimentPlan, estimateUsd: number | null): Promise<ExperimentStore> {
    const existing = await ExperimentStore.read(dir);
    if (existing) {
      if (existing.fingerprint !== plan.fingerprint) throw new PlanChangedError(describeChange(existing, plan, dir));
      return new ExperimentStore(dir, existing);
    }
    const now = new Date().toISOString();
    const data: ExperimentJson = {
      format: EXPERIMENT_FORMAT,
      name: plan.spec.name,
      experiment_file: plan.spec.file,
      workspace: plan.spec.workspace,
      created_at: now,
      updated_at: now,
      fingerprint: plan.fingerprint,
      inputs: plan.inputs,
      replicates: plan.spec.replicates,
      conditions: plan.conditions,
      runs: plan.runs.map((r) => ({ id: r.id, condition_id: r.conditionId, replicate: r.replicate, status: 'pending', session: null, turns: r.turns, usd: null })),
      batches: [],
      status: 'planned',
      spend_usd: 0,
      estimate_usd: estimateUsd,
    };
    await fs.mkdir(dir, { recursive: true });
    const store = new ExperimentStore(dir, data);
    await store.save();
    return store;
  }

  run(id: string): RunRecord {
    const r = this.data.runs.find((x) => x.id === id);
    if (!r) throw new Error(`experiment.json has no run ${id}`);
    return r;
  }

  condition(id: string): Condition {
    const c = this.data.conditions.find((x) => x.id === id);
    if (!c) throw new Error(`experiment.json has no condition ${id}`);
    return c.condition;
  }

  /** Applies `change` and resolves once experiment.json on disk holds it (atomically written). */
  update(change: (d: ExperimentJson) => void): Promise<void> {
    change(this.data);
    return this.save();
  }

  /**
   * Applies `change` now and writes it within NOTE_DELAY_MS, together with every other change of that window,
   * instead of one fsync'd rewrite each: for bookkeeping that the session folders already prove (a run started,
   * a run closed), which `reconcile` rebuilds from them after a crash. A failed write surfaces at the next
   * `update` or `flush`.
   */
  note(change: (d: ExperimentJson) => void): void {
    change(this.data);
    this.noteTimer ??= setTimeout(() => {
      this.noteTimer = null;
      this.save().catch((err: unknown) => (this.noteError ??= err));
    }, NOTE_DELAY_MS);
  }

  /** Writes any noted change now; rejects with the error of an earlier noted write, if one failed. */
  async flush(): Promise<void> {
    if (this.noteTimer) return this.save();
    await this.writing.catch(() => undefined);
    if (this.noteError !== null) return this.save();
  }

  private save(): Promise<void> {
    if (this.noteTimer) {
      clearTimeout(this.noteTimer); // this write carries the noted changes too
      this.noteTimer = null;
    }
    const failed = this.noteError;
    if (failed !== null) {
      this.noteError = null;
      return Promise.reject(failed instanceof Error ? failed : new Error(String(failed)));
    }
    // One write queued behind the one in flight takes every change made until it starts (it snapshots then).
    this.queued ??= this.writing
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        this.data.updated_at = new Date().toISOString();
        return writeFileAtomic(path.join(this.dir, EXPERIMENT_FILES.json), `${JSON.stringify(this.data, null, 2)}\n`);
      });
    this.writing = this.queued;
    return this.queued;
  }
}

/** How long a `note`d change may wait for its write: experiment.json lags the sessions by at most this. */
export const NOTE_DELAY_MS = 1000;

/** The experiment folder belongs to a different plan (its file, scripts or characters changed since). */
export class PlanChangedError extends Error {}

function describeChange(old: ExperimentJson, plan: ExperimentPlan, dir: string): string {
  const changed = new Set<string>();
  for (const [file, sha] of Object.entries(plan.inputs)) if (old.inputs[file] !== sha) changed.add(file);
  for (const file of Object.keys(old.inputs)) if (!(file in plan.inputs)) changed.add(file);
  const what = changed.size > 0 ? `changed since it started: ${[...changed].join(', ')}` : 'its conditions or replicates changed since it started';
  return `${path.join(dir, EXPERIMENT_FILES.json)} was planned differently (${what}): give the experiment a new name, or --out another folder, so runs of two plans never mix`;
}
