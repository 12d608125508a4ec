import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { loadLibrary, type Library } from '../cast/characters';
import { actionLines, checkScriptCast, parseScript, ScriptError, type ScriptAction } from '../session/playScript';
import { ExperimentFileError, type ExperimentSpec } from './experimentFile';

/**
 * One cell of the matrix: everything that differs between conditions. `script` is the script's path relative to
 * the experiment file (with `/`), so the same experiment planned on another machine has the same ids.
 */
export interface Condition {
  model: string;
  brief: string | null;
  cast: string[];
  depth: 'off' | 'brief' | 'full';
  ttl: '5m' | '1h';
  max_tokens: number;
  script: string;
}

/** One planned run. `id` = hash(condition, replicate), so it never depends on the order of the matrix. */
export interface PlannedRun {
  id: string;
  conditionId: string;
  condition: Condition;
  /** 1-based */
  replicate: number;
  actions: ScriptAction[];
  /** model calls the script makes (say, edit, regenerate) */
  turns: number;
}

/** The validated plan: nothing is sent before this exists, and building it checks every id, brief and line. */
export interface ExperimentPlan {
  spec: ExperimentSpec;
  library: Library;
  runs: PlannedRun[];
  conditions: Array<{ id: string; condition: Condition }>;
  /** sha256 of each input the runs depend on (scripts, character and brief files), by path relative to the experiment file */
  inputs: Record<string, string>;
  /** hash of the conditions, replicates and inputs: a resumed experiment must match it */
  fingerprint: string;
}

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** Stable JSON: keys sorted, so the hash of a condition does not depend on how it was built. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function conditionId(c: Condition): string {
  return `c-${sha256(canonicalJson(c)).slice(0, 8)}`;
}

/** `run-` + 10 hex of sha256(condition, replicate): stable across re-plans, unique in practice (checked anyway). */
export function runId(c: Condition, replicate: number): string {
  return `run-${sha256(`${canonicalJson(c)}#${replicate}`).slice(0, 10)}`;
}

/** Every combination of the plural keys, in file order (models outermost, scripts innermost). */
export function expandConditions(spec: ExperimentSpec): Condition[] {
  const base = path.dirname(spec.file);
  const out: Condition[] = [];
  for (const model of spec.models)
    for (const brief of spec.briefs)
      for (const cast of spec.casts)
        for (const depth of spec.depths)
          for (const ttl of spec.ttls)
            for (const script of spec.scripts) {
              out.push({ model, brief, cast: [...cast], depth, ttl, max_tokens: spec.maxTokens, script: path.relative(base, script).split(path.sep).join('/') });
            }
  return out;
}

/**
 * Expands the matrix and validates all of it against the workspace: every cast id and brief must load, every
 * script must parse and fit every cast it is paired with. Throws ExperimentFileError naming the file and line.
 */
export async function planExperiment(spec: ExperimentSpec): Promise<ExperimentPlan> {
  const charactersDir = path.join(spec.workspace, 'characters');
  const library = await loadLibrary(charactersDir);
  const base = path.dirname(spec.file);
  const rel = (file: string): string => path.relative(base, file).split(path.sep).join('/');
  const inputs: Record<string, string> = {};
  for (const cast of spec.casts) {
    for (const id of cast) {
      const c = library.characters.get(id);
      if (c) {
        inputs[rel(c.file)] = c.sha256;
        continue;
      }
      const file = path.join(charactersDir, `${id}.md`);
      const problems = library.problems.filter((p) => p.file === file).map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`);
      throw new ExperimentFileError(problems.length > 0 ? `character "${id}" is invalid: ${problems.join('; ')}` : `${spec.file}: cast: unknown character "${id}" (known in ${charactersDir}: ${[...library.characters.keys()].join(', ') || 'none'})`);
    }
  }
  for (const brief of spec.briefs) {
    if (brief === null) continue;
    const b = library.briefs.get(brief);
    if (!b) {
      const problem = library.problems.find((p) => p.file === path.join(charactersDir, 'briefs', `${brief}.md`));
      throw new ExperimentFileError(problem ? `brief "${brief}" is invalid: ${problem.file}:${problem.line}: ${problem.message}` : `${spec.file}: brief: unknown brief "${brief}" (known: ${[...library.briefs.keys()].join(', ') || 'none'})`);
    }
    inputs[rel(b.file)] = sha256(b.text);
  }
  const scripts = new Map<string, { actions: ScriptAction[]; lines: number[] }>();
  for (const file of spec.scripts) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      throw new ExperimentFileError(`${spec.file}: script: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    try {
      scripts.set(rel(file), { actions: parseScript(text, file), lines: actionLines(text) });
    } catch (err) {
      if (err instanceof ScriptError) throw new ExperimentFileError(err.message);
      throw err;
    }
    inputs[rel(file)] = sha256(text);
  }
  const known = new Set(library.characters.keys());
  const conditions = expandConditions(spec);
  const runs: PlannedRun[] = [];
  const ids = new Set<string>();
  for (const condition of conditions) {
    const script = scripts.get(condition.script)!;
    const problem = checkScriptCast(script.actions, condition.cast, known, path.resolve(base, condition.script), (i) => script.lines[i]!);
    if (problem) throw new ExperimentFileError(`${problem} (with cast ${condition.cast.join(', ')})`);
    for (const a of script.actions) if ('add' in a) inputs[rel(library.characters.get(a.add)!.file)] = library.characters.get(a.add)!.sha256;
    const turns = script.actions.filter((a) => 'say' in a || 'edit' in a || 'regenerate' in a).length;
    for (let replicate = 1; replicate <= spec.replicates; replicate++) {
      const id = runId(condition, replicate);
      if (ids.has(id)) throw new Error(`run id collision for ${id}: report this`);
      ids.add(id);
      runs.push({ id, conditionId: conditionId(condition), condition, replicate, actions: script.actions, turns });
    }
  }
  const fingerprint = sha256(canonicalJson({ conditions, replicates: spec.replicates, inputs }));
  return { spec, library, runs, conditions: conditions.map((c) => ({ id: conditionId(c), condition: c })), inputs, fingerprint };
}
