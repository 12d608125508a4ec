import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadLibrary } from '../engine/cast/characters';
import { DEFAULT_MODEL } from '../engine/cost/modelTable';
import { inspectClosedSession, PanelSession } from '../engine/session/panelSession';
import { rosterAt } from '../engine/prompt/turnLedger';
import { actionLines, checkScriptCast, parseScript } from '../engine/session/playScript';
import { pastThinkTimes } from '../engine/warmth/pastGaps';
import { WARMTH_MODES } from '../engine/warmth/policies';
import { baseUrlFromEnv, loadPrices, oneOf, positiveInt, positiveNumber, readInput, UsageError } from './cliInput';
import { runPlan, type PlayPlan } from './playRunner';

/** `play`: a scripted session, new (`--workspace --cast`) or continued (`--resume`), checked before any call. */

export async function runPlay(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      workspace: { type: 'string' },
      cast: { type: 'string' },
      script: { type: 'string' },
      brief: { type: 'string' },
      model: { type: 'string' },
      'fallback-model': { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'string' },
      'max-tokens': { type: 'string' },
      ttl: { type: 'string' },
      depth: { type: 'string' },
      prices: { type: 'string' },
      budget: { type: 'string' },
      'context-window': { type: 'string' },
      warmth: { type: 'string' },
      'keep-warm-minutes': { type: 'string' },
    },
  });
  if (!values.script) throw new UsageError('play needs --script FILE');
  const scriptFile = path.resolve(values.script);
  const scriptText = await readInput(scriptFile, 'script');
  const actions = parseScript(scriptText, values.script);
  const lines = actionLines(scriptText);

  const apiKey = process.env.ANTHROPIC_API_KEY ?? '';
  if (!apiKey) throw new UsageError('ANTHROPIC_API_KEY is not set: export your Anthropic API key to play a session');
  // A continued session keeps its own conditions unless a flag changes them (a change is logged as an event).
  const closed = values.resume ? await inspectClosedSession(path.resolve(values.resume)) : null;
  const was = closed?.conditions;
  const depth = oneOf(values.depth, ['off', 'brief', 'full'] as const, '--depth');
  if (closed && depth && was && depth !== was.deliberation_depth) {
    throw new UsageError(`--depth ${depth}: the session was played at depth ${was.deliberation_depth}, which is part of its cached system prompt and cannot change on resume (carry it over with --depth instead)`);
  }
  const common = {
    model: values.model ?? was?.model ?? closed?.log.model ?? DEFAULT_MODEL,
    maxTokens: positiveInt(values['max-tokens'], '--max-tokens') ?? was?.max_tokens ?? 4096,
    cacheTtl: oneOf(values.ttl, ['5m', '1h'] as const, '--ttl') ?? was?.cache_ttl ?? '5m',
    deliberationDepth: depth ?? was?.deliberation_depth ?? 'full',
    apiKey,
    ...baseUrlFromEnv(),
    ...((await loadPrices(values.prices)) ?? {}),
    budgetUsd: values.budget === undefined ? null : positiveNumber(values.budget, '--budget'),
    contextWindow: positiveInt(values['context-window'], '--context-window') ?? null,
    warmth: oneOf(values.warmth, WARMTH_MODES, '--warmth') ?? 'off',
    ...(values['keep-warm-minutes'] !== undefined ? { keepWarmMinutes: positiveInt(values['keep-warm-minutes'], '--keep-warm-minutes')! } : {}),
  };

  let plan: PlayPlan;
  if (values.resume) {
    const sessionDir = path.resolve(values.resume);
    const workspace = path.resolve(values.workspace ?? path.join(sessionDir, '..', '..'));
    const library = await loadLibrary(path.join(workspace, 'characters'));
    // Checked as for a new session, against the roster the session ends with, before any request or write.
    const problem = checkScriptCast(actions, closed!.present, new Set(library.characters.keys()), values.script, (i) => lines[i]!, {
      turn: closed!.turn,
      live: closed!.live,
      rosterAt: (t) => rosterAt(closed!.log.events, t),
    });
    if (problem) throw new UsageError(problem);
    const history = common.warmth === 'auto' ? { thinkTimeHistory: await pastThinkTimes(path.dirname(sessionDir), { except: sessionDir }) } : {};
    plan = { library, actions, session: () => PanelSession.resume(sessionDir, { ...common, ...history, library, sessionsDir: path.dirname(sessionDir) }) };
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
    const history = common.warmth === 'auto' ? { thinkTimeHistory: await pastThinkTimes(sessionsDir) } : {};
    plan = { library, actions, session: () => PanelSession.start({ ...common, ...history, library, cast, brief, sessionsDir }) };
  }
  const fallback = values['fallback-model']?.trim();
  if (fallback !== undefined && fallback.length === 0) throw new UsageError('--fallback-model needs a model id');
  return runPlan(fallback ? { ...plan, fallbackModel: fallback } : plan);
}
