import type { SessionUpdate } from '../engine/session/panelSession';
import { EngineError } from '../engine/cast/castState';
import { formatUsd } from '../engine/cost/costMeter';
import { oneLine, terminalText } from './cliInput';
import type { Library } from '../engine/cast/characters';
import type { PanelSession } from '../engine/session/panelSession';
import type { ScriptAction } from '../engine/session/playScript';
import { playActions } from '../engine/session/playActions';
import { systemClock } from '../engine/warmth/clock';

/** Plays a checked script through its session, printing the turns; the last stdout line is the folder. */
/** A checked script and how to open its session; nothing is written before `session()` runs. */
export interface PlayPlan {
  library: Library;
  actions: ScriptAction[];
  session: () => Promise<PanelSession>;
  /** `--fallback-model`: a refused turn is asked once more of this model before the script goes on. */
  fallbackModel?: string;
}

/** `error` kinds of a model call that failed (modelCall's CallError kinds); `stopped` and `interrupted` are not failures of the call. */
const CALL_FAILURES: ReadonlySet<string> = new Set(['authentication', 'permission', 'rate_limit', 'overloaded', 'server', 'connection', 'invalid_request', 'not_found', 'unknown']);

export async function runPlan(plan: PlayPlan): Promise<number> {
  const session = await plan.session();
  const names = (id: string): string => terminalText(plan.library.characters.get(id)?.name ?? id);
  let fatal: string | null = null;
  session.onUpdate((u: SessionUpdate) => {
    if (u.kind === 'event') {
      const e = u.event;
      if (e.type === 'human-speak') process.stdout.write(`\n[turn ${e.turn}] floor${e.target ? ` → @${e.target}` : ''}: ${terminalText(e.text)}\n`);
      else if (e.type === 'speak') process.stdout.write(`  ${names(e.speaker)}: ${oneLine(e.text)}${e.truncated ? ' [cut]' : ''}\n`);
      else if (e.type === 'pass') process.stdout.write(`  ${names(e.speaker)} passes\n`);
      else if (e.type === 'join' || e.type === 'leave') process.stdout.write(`  (${names(e.speaker)} ${e.type === 'join' ? 'joins' : 'leaves'})\n`);
      else if (e.type === 'cost') process.stdout.write(`  ${e.kind === 'keep-warm' ? 'kept warm' : 'cost'}: ${formatUsd(e.usd)} (in ${e.input_tokens}, cache write ${e.cache_creation_input_tokens}, cache read ${e.cache_read_input_tokens}, out ${e.output_tokens})\n`);
      else if (e.type === 'refusal') {
        const why = e.category ? ` (${e.category})` : '';
        process.stdout.write(`  [declined] The model (${e.model}) declined turn ${e.turn}${why}. It was set aside; the script goes on.\n`);
      } else if (e.type === 'anomaly') process.stderr.write(`  anomaly (${e.kind}): ${oneLine(e.detail)}\n`);
      else if (e.type === 'error') {
        process.stderr.write(`  error (${e.kind}): ${oneLine(e.message)}\n`);
        // A call that failed for good (after any retries) ends the script: later lines would answer a reply that never came.
        if (CALL_FAILURES.has(e.kind)) fatal = `turn ${e.turn} failed: ${oneLine(e.message)}`;
      }
    } else if (u.kind === 'notice' && u.level === 'warning') {
      process.stderr.write(`  ${oneLine(u.message)}\n`);
    }
  });
  const interrupt = new AbortController();
  const stopOnSignal = (): void => {
    fatal = 'interrupted';
    session.stop();
    interrupt.abort();
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    await playActions(session, plan.actions, {
      library: plan.library,
      clock: systemClock,
      stopped: () => fatal !== null,
      signal: interrupt.signal,
      onRewind: (toTurn, undone) => process.stdout.write(`\n[rewind to turn ${toTurn}] superseded turns ${undone.turns.join(', ') || 'none'}\n`),
      // A refusal is data, not a failure: the turn is set aside and the script goes on (after one try on the fallback).
      afterAction: async () => {
        if (!plan.fallbackModel || !session.refusedTurn || fatal) return;
        process.stdout.write(`  [fallback] asking turn ${session.refusedTurn.turn} again of ${plan.fallbackModel}\n`);
        await session.askRefusedAgain({ model: plan.fallbackModel });
      },
    });
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    fatal = err.message;
  } finally {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
  }
  const { dir } = await session.close();
  if (fatal) process.stderr.write(`play stopped: ${terminalText(fatal)}\n`);
  process.stdout.write(`${dir}\n`);
  return fatal ? 1 : 0;
}
