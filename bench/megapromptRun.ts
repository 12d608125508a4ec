import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Library } from '../src/engine/cast/characters';
import type { Usage } from '../src/engine/cost/costMeter';
import { PanelSession, type PanelSessionOptions } from '../src/engine/session/panelSession';
import type { PromptContext } from '../src/engine/prompt/promptLayout';
import { BENCH_MODEL, BRIEF_ID, OPENING_CAST, type ScriptedTurn } from './panelScript';

/** One engine turn as the benchmark sees it: the call's usage and price, and who said what, in order. */
export interface MegapromptTurn {
  turn: number;
  usage: Usage;
  usd: number;
  responses: Array<{ speaker: string; text: string }>;
}

/** A finished scripted session. `context` is the whole context after the last turn (system + every message). */
export interface MegapromptRun {
  turns: MegapromptTurn[];
  context: PromptContext;
}

/** Options for the session the benchmark plays; anything in PanelSessionOptions may be overridden. */
export type MegapromptRunOptions = { library: Library; baseURL: string } & Partial<Omit<PanelSessionOptions, 'library' | 'baseURL'>>;

/** The session options every engine benchmark uses (sessions go to a temp folder the caller removes). */
export function benchSessionOptions(o: MegapromptRunOptions, sessionsDir: string): PanelSessionOptions {
  const brief = o.library.briefs.get(BRIEF_ID) ?? null;
  return {
    cast: [...OPENING_CAST],
    brief,
    model: BENCH_MODEL,
    maxTokens: 4096,
    cacheTtl: '5m',
    deliberationDepth: 'full',
    apiKey: 'sk-bench-not-a-real-key',
    ...o,
    sessionsDir,
  };
}

/** Queues the turn's cast change (it lands at this turn's boundary), then says its line. */
export async function playTurn(session: PanelSession, library: Library, t: ScriptedTurn): Promise<void> {
  if (t.join) session.queueJoin(library.characters.get(t.join)!);
  if (t.retire) session.queueRetire(t.retire);
  await session.say(t.say, t.to ?? null);
}

/** Plays the script through PanelSession against the server at `baseURL` and closes the session. */
export async function playMegaprompt(script: readonly ScriptedTurn[], o: MegapromptRunOptions): Promise<MegapromptRun> {
  const sessionsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-bench-sessions-'));
  try {
    const session = await PanelSession.start(benchSessionOptions(o, sessionsDir));
    for (const t of script) await playTurn(session, o.library, t);
    const turns = script.map((t): MegapromptTurn => {
      const events = session.events.filter((e) => e.turn === t.turn);
      const cost = events.find((e) => e.type === 'cost');
      if (!cost || cost.type !== 'cost' || cost.usd === null) throw new Error(`megaprompt run: turn ${t.turn} recorded no priced cost event`);
      const problem = events.find((e) => e.type === 'error');
      if (problem && problem.type === 'error') throw new Error(`megaprompt run: turn ${t.turn} failed: ${problem.message}`);
      return {
        turn: t.turn,
        usd: cost.usd,
        usage: {
          input_tokens: cost.input_tokens,
          output_tokens: cost.output_tokens,
          cache_creation_input_tokens: cost.cache_creation_input_tokens,
          cache_read_input_tokens: cost.cache_read_input_tokens,
        },
        responses: events.flatMap((e) => (e.type === 'speak' ? [{ speaker: e.speaker, text: e.text }] : [])),
      };
    });
    const context: PromptContext = structuredClone({ system: [...session.promptContext.system], messages: [...session.promptContext.messages] });
    await session.close();
    return { turns, context };
  } finally {
    await fs.rm(sessionsDir, { recursive: true, force: true });
  }
}
