import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadLibrary } from '../engine/cast/characters';
import { DEFAULT_MODEL } from '../engine/cost/modelTable';
import { PanelSession } from '../engine/session/panelSession';
import { positiveInt, readInput, UsageError } from './cliInput';

/** `carry-over SESSION_DIR`: summarise a closed session into a fresh one with the same cast. */
export async function runCarryOver(args: string[]): Promise<number> {
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
