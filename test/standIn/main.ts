// Runs the stand-in as its own process for end-to-end tests and demos:
//   node --import tsx test/standIn/main.ts --port 0 [--delay-ms 15] [--chunk-size 12]
//     [--min-cacheable-tokens 1024] [--api-key KEY]
// Prints `STANDIN_URL=http://127.0.0.1:PORT` once listening; exits 0 on SIGTERM or SIGINT.
import { parseArgs } from 'node:util';
import { castAutoReply, startStandIn } from './messagesStandIn.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'delay-ms': { type: 'string', default: '0' },
      'chunk-size': { type: 'string', default: '12' },
      'min-cacheable-tokens': { type: 'string', default: '1024' },
      'api-key': { type: 'string' },
    },
  });
  const delayMs = toCount(values['delay-ms'], '--delay-ms');
  const chunkSize = toCount(values['chunk-size'], '--chunk-size');
  const standIn = await startStandIn({
    port: toCount(values.port, '--port'),
    minCacheableTokens: toCount(values['min-cacheable-tokens'], '--min-cacheable-tokens'),
    ...(values['api-key'] !== undefined ? { apiKey: values['api-key'] } : {}),
    // Pacing the deltas lets a demo or an e2e test watch the panel fill in live.
    autoReply: (body) => ({ ...castAutoReply(body), chunkDelayMs: delayMs, chunkSize }),
  });
  process.stdout.write(`STANDIN_URL=${standIn.url}\n`);

  const stop = () => {
    standIn.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`stand-in: close failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function toCount(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} wants a whole number, got "${value}"`);
  return n;
}

main().catch((err: unknown) => {
  process.stderr.write(`stand-in: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
