// The browser half of `npm start`: a real VS Code server with the extension under development, kept
// running until Ctrl+C, SIGTERM or SIGHUP (closing the terminal), each of which stops the server too. Uses the
// same install and launcher as the end-to-end tests.
import * as path from 'node:path';
import { startCodeServer, type RunningCodeServer } from '../../test/e2e/codeServer';
import { workbenchUrl } from '../../test/e2e/runInCodeServer';

/** The line naming the server's process group, so a caller (or a test) can check it is gone after a stop. */
export const SERVER_GROUP_PREFIX = 'VS Code server process group: ';

/** The line naming the server's user data (its extensions' global storage is inside), for tests of the demo. */
export const DATA_DIR_PREFIX = 'VS Code data folder: ';

let server: RunningCodeServer | undefined;
let stopping = false;

async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${signal}: stopping the VS Code server\n`);
  // A signal during startup is remembered: main() stops the server as soon as it exists.
  if (!server) return;
  await server.stop();
  process.exit(0);
}

// Registered before anything starts, so no window of startup leaves a server behind (the server runs in its
// own process group and would outlive this process otherwise).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const workspace = path.resolve(process.argv[2] ?? root);
  const { ensureCodeServer } = await import('./installCodeServer.mjs');
  await ensureCodeServer();
  const port = Number(process.env.DIALOGUE_PORT ?? 0) || undefined;
  const env: Record<string, string> = {};
  for (const k of ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'DIALOGUE_DEMO']) if (process.env[k]) env[k] = process.env[k]!;
  server = await startCodeServer({ workspace, extensionDevelopmentPath: root, env, ...(port ? { port } : {}) });
  if (stopping) {
    await server.stop();
    process.exit(0);
  }
  const url = workbenchUrl(server);
  process.stdout.write(
    `\nDialogue Panel is running in a real VS Code at:\n\n  ${url}\n\nOpen it in a browser, then run "Dialogue: Start Panel" from the command palette (F1).\n` +
      (env.DIALOGUE_DEMO ? 'The demo panel opens by itself (scripted replies, no key needed).\n' : '') +
      (env.ANTHROPIC_API_KEY ? 'Using ANTHROPIC_API_KEY from this shell.\n' : 'No ANTHROPIC_API_KEY in this shell: run "Dialogue: Set API Key" in the workbench.\n') +
      `${DATA_DIR_PREFIX}${server.dataDir}\n` +
      `${SERVER_GROUP_PREFIX}${server.pid}\n` +
      'Press Ctrl+C to stop.\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`npm start failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
