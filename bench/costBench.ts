import Anthropic from '@anthropic-ai/sdk';
import { priceUsage, type Usage } from '../src/engine/cost/costMeter';
import { castAutoReply, countTokens, startStandIn, type StandIn, type StandInOptions } from '../test/standIn/messagesStandIn';
import { figure, type Figure } from './figures';
import { playMegaprompt, type MegapromptTurn } from './megapromptRun';
import { naiveRequests } from './naiveLayout';
import { BENCH_MODEL, BRIEF_ID, benchLibrary, panelScript } from './panelScript';
import { runPerCharacterBaseline } from './perCharacterBaseline';

/** Sizes of the cost benchmark; the default is the 20-turn session. */
export interface CostBenchOptions {
  turns?: number;
}

interface Totals {
  input: number;
  writes: number;
  reads: number;
  output: number;
  usd: number;
  /** The part of `usd` paid for output tokens. */
  outputUsd: number;
  calls: number;
}

function total(usages: readonly Usage[]): Totals {
  const t: Totals = { input: 0, writes: 0, reads: 0, output: 0, usd: 0, outputUsd: 0, calls: usages.length };
  for (const u of usages) {
    t.input += u.input_tokens;
    t.writes += u.cache_creation_input_tokens;
    t.reads += u.cache_read_input_tokens;
    t.output += u.output_tokens;
    const price = priceUsage(BENCH_MODEL, u);
    if (price.usd === null) throw new Error(`cost bench: no price for ${BENCH_MODEL}`);
    t.usd += price.usd;
    t.outputUsd += priceUsage(BENCH_MODEL, { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: u.output_tokens }).usd!;
  }
  return t;
}

function totalsFigures(prefix: string, t: Totals): Figure[] {
  return [
    figure(`${prefix}.input_tokens`, t.input),
    figure(`${prefix}.cache_write_tokens`, t.writes),
    figure(`${prefix}.cache_read_tokens`, t.reads),
    figure(`${prefix}.output_tokens`, t.output),
    figure(`${prefix}.usd`, Math.round(t.usd * 1e6) / 1e6),
    figure(`${prefix}.calls`, t.calls),
  ];
}

/** Share of the prompt that was read from the cache (0 when nothing was cached yet). */
function readShare(u: Usage): number {
  const prompt = u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
  return prompt === 0 ? 0 : u.cache_read_input_tokens / prompt;
}

/**
 * cost.* and cache.*: the scripted session played by the engine (one call per turn), by the per-character
 * baseline (one call per response, same texts), and in the naive join layout, each against its own fresh
 * stand-in so no cache entry is shared between them.
 */
export async function runCostBench(o: CostBenchOptions = {}): Promise<Figure[]> {
  const library = await benchLibrary();
  const brief = library.briefs.get(BRIEF_ID) ?? null;
  const script = panelScript(o.turns ?? 20);
  const servers: StandIn[] = [];
  const fresh = async (opts: StandInOptions = {}): Promise<{ api: StandIn; client: Anthropic }> => {
    const api = await startStandIn(opts);
    servers.push(api);
    return { api, client: new Anthropic({ apiKey: 'sk-bench-not-a-real-key', baseURL: api.url, maxRetries: 0 }) };
  };
  try {
    const mega = await fresh();
    const run = await playMegaprompt(script, { library, baseURL: mega.api.url });

    const baseline = await fresh();
    const calls = await runPerCharacterBaseline(
      run.turns.map((t) => ({ turn: t.turn, floor: script[t.turn - 1]!.say, responses: t.responses })),
      { client: baseline.client, characters: library.characters, brief, model: BENCH_MODEL, reply: (text) => baseline.api.enqueue({ text }) },
    );

    const megaTotals = total(run.turns.map((t) => t.usage));
    const baseTotals = total(calls.map((c) => c.usage));
    const figures: Figure[] = [
      ...totalsFigures('cost.megaprompt', megaTotals),
      ...totalsFigures('cost.per_character', baseTotals),
      figure('cost.megaprompt_vs_per_character', megaTotals.usd / baseTotals.usd),
      // What the layouts themselves decide: everything but the output, which the model writes either way.
      figure('cost.megaprompt_vs_per_character_input_side', (megaTotals.usd - megaTotals.outputUsd) / (baseTotals.usd - baseTotals.outputUsd)),
    ];

    // The same session with dialogue.deliberationDepth "off": the replies minus their confer. The responses are
    // the same texts, so the baseline above is the baseline for this run too.
    const quiet = await fresh({ autoReply: (body) => withoutConfer(castAutoReply(body).text ?? '') });
    const quietRun = await playMegaprompt(script, { library, baseURL: quiet.api.url, deliberationDepth: 'off' });
    if (JSON.stringify(quietRun.turns.map((t) => t.responses)) !== JSON.stringify(run.turns.map((t) => t.responses))) {
      throw new Error('cost bench: the run without confer gave other responses, so the baseline does not apply to it');
    }
    const quietTotals = total(quietRun.turns.map((t) => t.usage));
    figures.push(
      figure('cost.megaprompt_no_confer.output_tokens', quietTotals.output),
      figure('cost.megaprompt_no_confer.usd', Math.round(quietTotals.usd * 1e6) / 1e6),
      figure('cost.megaprompt_no_confer_vs_per_character', quietTotals.usd / baseTotals.usd),
    );

    const shares = run.turns.map((t) => readShare(t.usage));
    figures.push(figure('cache.read_share_min', shares.length > 1 ? Math.min(...shares.slice(1)) : Number.NaN, 'from turn 2 on'));
    run.turns.forEach((t, i) => figures.push(figure(`cache.read_share.turn${t.turn}`, shares[i]!)));

    const joinTurn = script.find((t) => t.join)?.turn;
    if (joinTurn !== undefined && joinTurn > 1) {
      // The new tail on the join turn: the previous reply, then the user message holding the joiner's materials and the floor's line.
      const previousReply = run.context.messages[2 * (joinTurn - 1) - 1]!.content.join('');
      const joinMessage = run.context.messages[2 * (joinTurn - 1)]!.content.join('');
      const tail = countTokens(previousReply) + countTokens(joinMessage);
      figures.push(figure('cache.join_write_excess', writesAt(run.turns, joinTurn) / tail));

      const naive = await fresh();
      const requests = naiveRequests(script, run.context, { library, brief, depth: 'full', model: BENCH_MODEL, maxTokens: 4096 });
      const naiveUsage: Usage[] = [];
      for (const [i, request] of requests.entries()) {
        naive.api.enqueue({ text: run.context.messages[2 * i + 1]!.content.join('') });
        const m = await naive.client.messages.create(request as Anthropic.MessageCreateParamsNonStreaming);
        naiveUsage.push({ input_tokens: m.usage.input_tokens, output_tokens: m.usage.output_tokens, cache_creation_input_tokens: m.usage.cache_creation_input_tokens ?? 0, cache_read_input_tokens: m.usage.cache_read_input_tokens ?? 0 });
      }
      figures.push(figure('cache.join_write_excess_naive', naiveUsage[joinTurn - 1]!.cache_creation_input_tokens / tail));
      figures.push(figure('cache.naive.usd', Math.round(total(naiveUsage).usd * 1e6) / 1e6));
    }
    return figures;
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}

function withoutConfer(text: string): { text: string } {
  return { text: text.replace(/<confer>[\s\S]*?<\/confer>\n?/, '') };
}

function writesAt(turns: readonly MegapromptTurn[], turn: number): number {
  return turns.find((t) => t.turn === turn)!.usage.cache_creation_input_tokens;
}
