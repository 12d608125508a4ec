import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { EngineError } from './engine/castState';
import { loadLibrary, type Library } from './engine/characters';
import { formatUsd } from './engine/costMeter';
import { parsePriceOverrides, type PriceOverrides } from './engine/modelTable';
import { PanelSession, type SessionUpdate } from './engine/panelSession';
import { actionLines, checkScriptCast, parseScript, ScriptError, type ScriptAction } from './engine/playScript';
import { auditSessions, formatProblem } from './engine/store/sessionAudit';
import { writeIndex } from './engine/store/sessionIndex';
import { recoverAll } from './engine/store/sessionRecovery';
import { DEFAULT_MODEL } from './engine/modelTable';

/** A failure the user can fix: printed as one line, exit code 2 (1 is reserved for "audit found problems"). */
class UsageError extends Error {}

const USAGE = `Usage: node dist/cli.js <command>
  play --workspace DIR --cast ID,ID,... --script FILE [--brief NAME] [--model ID] [--out DIR]
       [--max-tokens N] [--ttl 5m|1h] [--depth off|brief|full] [--prices FILE] [--budget USD] [--context-window N]
  play --resume SESSION_DIR --script FILE [--workspace DIR] [--model ID] ...
  audit DIR      validate every session folder under DIR (exit 1 if any is invalid)
  recover DIR    finalise every unclosed session under DIR from its journal
  index DIR      regenerate DIR/index.json from the session folders
  carry-over SESSION_DIR [--workspace DIR] [--model ID]
                 summarise a closed session into a fresh one with the same cast; prints the new folder
Environment: ANTHROPIC_API_KEY (required for play), ANTHROPIC_BASE_URL, DIALOGUE_PRICES (JSON price overrides).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'play':
      return play(rest);
    case 'audit':
      return audit(rest);
    case 'recover':
      return recover(rest);
    case 'index':
      return index(rest);
    case 'carry-over':
      return carryOver(rest);
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

function oneDir(args: string[], command: string): string {
  if (args.length !== 1 || args[0]!.startsWith('-')) throw new UsageError(`usage: ${command} DIR`);
  return path.resolve(args[0]!);
}

async function audit(args: string[]): Promise<number> {
  const dir = oneDir(args, 'audit');
  const { folders, problems } = await auditSessions(dir);
  for (const p of problems) process.stdout.write(`${formatProblem(p)}\n`);
  const bad = new Set(problems.map((p) => p.folder)).size;
  process.stderr.write(`audited ${folders} session folder(s): ${bad === 0 ? 'all valid' : `${bad} invalid, ${problems.length} problem(s)`}\n`);
  return problems.length === 0 ? 0 : 1;
}

async function recover(args: string[]): Promise<number> {
  const dir = oneDir(args, 'recover');
  const results = await recoverAll(dir);
  for (const r of results) process.stdout.write(`${r.ok ? 'recovered' : 'FAILED'} ${r.dir}: ${r.message}\n`);
  if (results.length === 0) process.stdout.write('no unclosed sessions\n');
  return results.every((r) => r.ok) ? 0 : 1;
}

async function index(args: string[]): Promise<number> {
  const dir = oneDir(args, 'index');
  const file = await writeIndex(dir);
  process.stdout.write(`${path.join(dir, 'index.json')}: ${file.sessions.length} session(s)\n`);
  return 0;
}

async function carryOver(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { workspace: { type: 'string' }, model: { type: 'string' }, 'max-tokens': { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('usage: carry-over SESSION_DIR [--workspace DIR] [--model ID]');
  const sessionDir = path.resolve(positionals[0]!);
  const apiKey = process.env.ANTHROPIC_API_KEY ?? '';
  if (!apiKey) throw new UsageError('ANTHROPIC_API_KEY is not set: export your Anthropic API key to carry a session over');
  const workspace = path.resolve(values.workspace ?? path.join(sessionDir, '..', '..'));
  const library = await loadLibrary(path.join(workspace, 'characters'));
  const log = JSON.parse(await readInput(path.join(sessionDir, 'event-log.json'), 'session log (is the session closed? run `recover` first)')) as { brief?: { id: string } | null; model?: string };
  const brief = log.brief ? library.briefs.get(log.brief.id) ?? null : null;
  const session = await PanelSession.resume(sessionDir, {
    library,
    model: values.model ?? log.model ?? DEFAULT_MODEL,
    maxTokens: positiveInt(values['max-tokens'], '--max-tokens') ?? 4096,
    cacheTtl: '5m',
    deliberationDepth: 'full',
    sessionsDir: path.dirname(sessionDir),
    apiKey,
    ...(process.env.ANTHROPIC_BASE_URL ? { baseURL: process.env.ANTHROPIC_BASE_URL } : {}),
  });
  const { next } = await session.carryOver({ library, brief });
  const { dir } = await next.close();
  process.stdout.write(`carried over ${path.basename(sessionDir)} into ${path.basename(dir)}\n${dir}\n`);
  return 0;
}

interface PlayPlan {
  library: Library;
  actions: ScriptAction[];
  session: () => Promise<PanelSession>;
}

async function play(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      workspace: { type: 'string' },
      cast: { type: 'string' },
      script: { type: 'string' },
      brief: { type: 'string' },
      model: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'string' },
      'max-tokens': { type: 'string' },
      ttl: { type: 'string' },
      depth: { type: 'string' },
      prices: { type: 'string' },
      budget: { type: 'string' },
      'context-window': { type: 'string' },
    },
  });
  if (!values.script) throw new UsageError('play needs --script FILE');
  const scriptFile = path.resolve(values.script);
  const scriptText = await readInput(scriptFile, 'script');
  const actions = parseScript(scriptText, values.script);
  const lines = actionLines(scriptText);

  const apiKey = process.env.ANTHROPIC_API_KEY ?? '';
  if (!apiKey) throw new UsageError('ANTHROPIC_API_KEY is not set: export your Anthropic API key to play a session');
  const common = {
    model: values.model ?? DEFAULT_MODEL,
    maxTokens: positiveInt(values['max-tokens'], '--max-tokens') ?? 4096,
    cacheTtl: oneOf(values.ttl, ['5m', '1h'] as const, '--ttl') ?? '5m',
    deliberationDepth: oneOf(values.depth, ['off', 'brief', 'full'] as const, '--depth') ?? 'full',
    apiKey,
    ...(process.env.ANTHROPIC_BASE_URL ? { baseURL: process.env.ANTHROPIC_BASE_URL } : {}),
    ...((await loadPrices(values.prices)) ?? {}),
    budgetUsd: values.budget === undefined ? null : positiveNumber(values.budget, '--budget'),
    contextWindow: positiveInt(values['context-window'], '--context-window') ?? null,
  };

  let plan: PlayPlan;
  if (values.resume) {
    const sessionDir = path.resolve(values.resume);
    const workspace = path.resolve(values.workspace ?? path.join(sessionDir, '..', '..'));
    const library = await loadLibrary(path.join(workspace, 'characters'));
    const known = new Set(library.characters.keys());
    for (const a of actions) {
      const id = 'add' in a ? a.add : undefined;
      if (id && !known.has(id)) throw new UsageError(`${values.script}: unknown character "${id}"`);
    }
    plan = { library, actions, session: () => PanelSession.resume(sessionDir, { ...common, library, sessionsDir: path.dirname(sessionDir) }) };
  } else {
    if (!values.workspace) throw new UsageError('play needs --workspace DIR (or --resume SESSION_DIR)');
    if (!values.cast) throw new UsageError('play needs --cast ID,ID,...');
    const workspace = path.resolve(values.workspace);
    const library = await loadLibrary(path.join(workspace, 'characters'));
    const cast = values.cast.split(',').map((s) => s.trim()).filter(Boolean);
    const problemsFor = (file: string): string => library.problems.filter((p) => p.file === file).map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('; ');
    for (const id of cast) {
      if (!library.characters.has(id)) {
        const file = path.join(workspace, 'characters', `${id}.md`);
        const why = problemsFor(file);
        throw new UsageError(why ? `character "${id}" is invalid: ${why}` : `unknown character "${id}" (known: ${[...library.characters.keys()].join(', ') || 'none'})`);
      }
    }
    if (cast.length === 0) throw new UsageError('--cast needs at least one character id');
    if (new Set(cast).size !== cast.length) throw new UsageError('--cast lists a character twice');
    const brief = values.brief === undefined ? null : library.briefs.get(values.brief);
    if (brief === undefined) throw new UsageError(`unknown brief "${values.brief}" (known: ${[...library.briefs.keys()].join(', ') || 'none'})`);
    const problem = checkScriptCast(actions, cast, new Set(library.characters.keys()), values.script, (i) => lines[i]!);
    if (problem) throw new UsageError(problem);
    const sessionsDir = path.resolve(values.out ?? path.join(workspace, 'sessions'));
    plan = { library, actions, session: () => PanelSession.start({ ...common, library, cast, brief, sessionsDir }) };
  }
  return runPlan(plan);
}

async function runPlan(plan: PlayPlan): Promise<number> {
  const session = await plan.session();
  const names = (id: string): string => plan.library.characters.get(id)?.name ?? id;
  let fatal: string | null = null;
  session.onUpdate((u: SessionUpdate) => {
    if (u.kind === 'event') {
      const e = u.event;
      if (e.type === 'human-speak') process.stdout.write(`\n[turn ${e.turn}] floor${e.target ? ` → @${e.target}` : ''}: ${e.text}\n`);
      else if (e.type === 'speak') process.stdout.write(`  ${names(e.speaker)}: ${oneLine(e.text)}${e.truncated ? ' [cut]' : ''}\n`);
      else if (e.type === 'pass') process.stdout.write(`  ${names(e.speaker)} passes\n`);
      else if (e.type === 'join' || e.type === 'leave') process.stdout.write(`  (${names(e.speaker)} ${e.type === 'join' ? 'joins' : 'leaves'})\n`);
      else if (e.type === 'cost') process.stdout.write(`  cost: ${formatUsd(e.usd)} (in ${e.input_tokens}, cache write ${e.cache_creation_input_tokens}, cache read ${e.cache_read_input_tokens}, out ${e.output_tokens})\n`);
      else if (e.type === 'anomaly') process.stderr.write(`  anomaly (${e.kind}): ${oneLine(e.detail)}\n`);
      else if (e.type === 'error') {
        process.stderr.write(`  error (${e.kind}): ${e.message}\n`);
        if (e.kind === 'authentication' || e.kind === 'permission' || e.kind === 'not_found' || e.kind === 'invalid_request') fatal = e.message;
      }
    } else if (u.kind === 'notice' && u.level === 'warning') {
      process.stderr.write(`  ${u.message}\n`);
    }
  });
  const stopOnSignal = (): void => {
    fatal = 'interrupted';
    session.stop();
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    for (const a of plan.actions) {
      if (fatal) break;
      if ('add' in a) session.queueJoin(plan.library.characters.get(a.add)!);
      else if ('retire' in a) session.queueRetire(a.retire);
      else if ('regenerate' in a) await session.regenerate();
      else if ('edit' in a) await session.edit(a.edit);
      else if ('rewind' in a) {
        const undone = await session.rewind(a.rewind);
        process.stdout.write(`\n[rewind to turn ${a.rewind}] superseded turns ${undone.turns.join(', ') || 'none'}\n`);
      } else await session.say(a.say, a.to ?? null);
    }
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    fatal = err.message;
  } finally {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
  }
  const { dir } = await session.close();
  if (fatal) process.stderr.write(`play stopped: ${fatal}\n`);
  process.stdout.write(`${dir}\n`);
  return fatal ? 1 : 0;
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}

async function readInput(file: string, what: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

async function loadPrices(file: string | undefined): Promise<{ prices: PriceOverrides } | null> {
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

function positiveInt(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer, got "${v}"`);
  return n;
}
function positiveNumber(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be a non-negative number, got "${v}"`);
  return n;
}
function oneOf<T extends string>(v: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const known = err instanceof UsageError || err instanceof ScriptError || err instanceof EngineError || String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${known ? message : (err as Error).stack ?? message}\n`);
    process.exitCode = 2;
  },
);
