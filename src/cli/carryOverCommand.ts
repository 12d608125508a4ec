import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadLibrary } from '../engine/cast/characters';
import { inspectClosedSession, PanelSession } from '../engine/session/panelSession';
import { baseUrlFromEnv, loadPrices, oneOf, positiveInt, UsageError } from './cliInput';

const USAGE = 'usage: carry-over SESSION_DIR [--workspace DIR] [--model ID] [--max-tokens N] [--ttl 5m|1h] [--depth off|brief|full] [--prices FILE]';

/**
 * `carry-over SESSION_DIR`: summarise a closed session into a fresh one with the same cast. The session's own
 * conditions (model, max tokens, cache TTL, depth) carry over unless a flag says otherwise; a changed TTL or
 * model is a `condition-change` in the old session (its summary call runs with it), a changed depth applies
 * to the new session's rules.
 */
export async function runCarryOver(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { workspace: { type: 'string' }, model: { type: 'string' }, 'max-tokens': { type: 'string' }, ttl: { type: 'string' }, depth: { type: 'string' }, prices: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError(USAGE);
  const sessionDir = path.resolve(positionals[0]!);
  const apiKey = process.env.ANTHROPIC_API_KEY ?? '';
  if (!apiKey) throw new UsageError('ANTHROPIC_API_KEY is not set: export your Anthropic API key to carry a session over');
  const ttl = oneOf(values.ttl, ['5m', '1h'] as const, '--ttl');
  const depth = oneOf(values.depth, ['off', 'brief', 'full'] as const, '--depth');
  const prices = await loadPrices(values.prices);
  const closed = await inspectClosedSession(sessionDir);
  const was = closed.conditions;
  const workspace = path.resolve(values.workspace ?? path.join(sessionDir, '..', '..'));
  const library = await loadLibrary(path.join(workspace, 'characters'));
  const brief = closed.log.brief ? library.briefs.get(closed.log.brief.id) ?? null : null;
  const session = await PanelSession.resume(sessionDir, {
    library,
    model: values.model ?? was?.model ?? closed.log.model,
    maxTokens: positiveInt(values['max-tokens'], '--max-tokens') ?? was?.max_tokens ?? 4096,
    cacheTtl: ttl ?? was?.cache_ttl ?? '5m',
    deliberationDepth: was?.deliberation_depth ?? 'full',
    sessionsDir: path.dirname(sessionDir),
    apiKey,
    ...baseUrlFromEnv(),
    ...(prices ?? {}),
  });
  let next: PanelSession;
  try {
    ({ next } = await session.carryOver({ library, brief, ...(depth ? { depth } : {}) }));
  } catch (err) {
    // Never leave the folder half-continued: put it back as it was, or close it if a call was billed.
    if (!session.closed) {
      const how = await session.endContinuation();
      if (how === 'closed') process.stderr.write(`${path.basename(sessionDir)} was closed with the failed carry-over's billed call on record\n`);
    }
    throw err;
  }
  const { dir } = await next.close();
  process.stdout.write(`carried over ${path.basename(sessionDir)} into ${path.basename(dir)}\n${dir}\n`);
  return 0;
}
