// The browser half of `npm start`: a real VS Code server with the extension under development, kept
// running until Ctrl+C. Uses the same install and launcher as the end-to-end tests.
import * as path from 'node:path';
import { startCodeServer } from '../../test/e2e/codeServer';
import { workbenchUrl } from '../../test/e2e/runInCodeServer';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const workspace = path.resolve(process.argv[2] ?? root);
  const { ensureCodeServer } = await import('./installCodeServer.mjs');
  await ensureCodeServer();
  const port = Number(process.env.DIALOGUE_PORT ?? 0) || undefined;
  const env: Record<string, string> = {};
  for (const k of ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL']) if (process.env[k]) env[k] = process.env[k]!;
  const server = await startCodeServer({ workspace, extensionDevelopmentPath: root, env, ...(port ? { port } : {}) });
  const url = workbenchUrl(server);
  process.stdout.write(
    `\nDialogue Panel is running in a real VS Code at:\n\n  ${url}\n\nOpen it in a browser, then run "Dialogue: Start Panel" from the command palette (F1).\n` +
      (env.ANTHROPIC_API_KEY ? 'Using ANTHROPIC_API_KEY from this shell.\n' : 'No ANTHROPIC_API_KEY in this shell: run "Dialogue: Set API Key" in the workbench.\n') +
      'Press Ctrl+C to stop.\n',
  );
  const stop = async (): Promise<void> => {
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`npm start failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
