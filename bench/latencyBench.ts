import Anthropic from '@anthropic-ai/sdk';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PanelSession } from '../src/engine/session/panelSession';
import { startStandIn } from '../test/standIn/messagesStandIn';
import { figure, percentile, type Figure } from './figures';
import { benchSessionOptions } from './megapromptRun';
import { benchLibrary } from './panelScript';
import { panelReply } from './parserBench';

/** Size of the streamed reply; the default is about 12,800 deltas of 16 characters. */
export interface LatencyBenchOptions {
  replyBytes?: number;
  chunkSize?: number;
}

/** Per delta: when the SDK handed it out, when the first stream update for it left the engine, when the engine was done with it. */
interface DeltaTiming {
  yieldedAt: number;
  updateAt: number | null;
  doneAt: number | null;
}

/**
 * Wraps the client so every event the SDK's MessageStream yields is timestamped as it leaves the SDK, and
 * the moment the engine asks for the next event closes the previous one (its handling is over by then:
 * streamCall handles an event synchronously inside its `for await`).
 */
function instrumentedClient(baseURL: string, timings: DeltaTiming[]): Anthropic {
  const client = new Anthropic({ apiKey: 'sk-bench-not-a-real-key', baseURL, maxRetries: 0 });
  const stream = client.messages.stream.bind(client.messages);
  const timed = (...args: Parameters<typeof stream>) => {
    const s = stream(...args);
    const iterate = s[Symbol.asyncIterator].bind(s);
    s[Symbol.asyncIterator] = () => {
      const inner = iterate();
      return {
        next: async () => {
          const open = timings[timings.length - 1];
          if (open && open.doneAt === null) open.doneAt = performance.now();
          const r = await inner.next();
          if (!r.done && r.value.type === 'content_block_delta') timings.push({ yieldedAt: performance.now(), updateAt: null, doneAt: null });
          return r;
        },
        ...(inner.return ? { return: (v?: unknown) => inner.return!(v) } : {}),
      };
    };
    return s;
  };
  client.messages.stream = timed as typeof client.messages.stream;
  return client;
}

/**
 * engine.latency_*: from a text delta leaving the SDK to the first `stream` update it causes leaving
 * PanelSession.onUpdate (parser, turn recorder and listeners in between), over one long streamed reply.
 * A delta that only completes a tag causes no update and has no latency sample.
 */
export async function runLatencyBench(o: LatencyBenchOptions = {}): Promise<Figure[]> {
  const library = await benchLibrary();
  const text = panelReply(o.replyBytes ?? 200 * 1024);
  const api = await startStandIn({ autoReply: () => ({ text, chunkSize: o.chunkSize ?? 16 }) });
  const sessionsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-bench-latency-'));
  try {
    const timings: DeltaTiming[] = [];
    const client = instrumentedClient(api.url, timings);
    const session = await PanelSession.start({ ...benchSessionOptions({ library, baseURL: api.url, client, maxTokens: Math.ceil(text.length / 4) + 1000 }, sessionsDir) });
    session.onUpdate((u) => {
      if (u.kind !== 'stream') return;
      const open = timings[timings.length - 1];
      if (open && open.updateAt === null) open.updateAt = performance.now();
    });
    // A short first turn warms the SDK, the parser and the journal up; only the long second turn is measured.
    api.enqueue({ text: '<speak who="mara">Ready.</speak><pass who="oskar"/><pass who="ilse"/>' });
    await session.say('Warm-up: are you ready?', null);
    timings.length = 0;
    await session.say('Tell me everything, at length.', null);
    await session.close();

    const latencies = timings.flatMap((t) => (t.updateAt === null ? [] : [t.updateAt - t.yieldedAt]));
    const handling = timings.flatMap((t) => (t.doneAt === null ? [] : [t.doneAt - t.yieldedAt]));
    const spoke = session.events.filter((e) => e.type === 'speak' && e.turn === 2).length;
    if (spoke !== 2) throw new Error(`latency bench: expected 2 responses in the long turn, got ${spoke}`);
    return [
      figure('engine.latency_p50_ms', percentile(latencies, 50)),
      figure('engine.latency_p99_ms', percentile(latencies, 99)),
      figure('engine.delta_handling_p99_ms', percentile(handling, 99), 'SDK yield to the engine asking for the next event'),
      figure('engine.deltas', timings.length),
    ];
  } finally {
    await api.close();
    await fs.rm(sessionsDir, { recursive: true, force: true });
  }
}
