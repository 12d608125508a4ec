// Starts and stops a real VS Code server (the one inside the npm package code-server, installed by
// scripts/e2e/installCodeServer.mjs) for end-to-end tests. Each start gets fresh user, server and
// extension folders, so no state leaks between runs.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';

export interface CodeServerOptions {
  /** TCP port on 127.0.0.1; a free one is picked when omitted. */
  port?: number;
  /** Absolute path of the folder the workbench opens (must exist). */
  workspace: string;
  /** Absolute path of the extension under development; recorded here, loaded by the workbench URL. */
  extensionDevelopmentPath?: string;
  /** Extra environment for the server and so for the extension host (stand-in URL, test key...). */
  env?: Record<string, string>;
  /** server-main.js to run; defaults to $DIALOGUE_CODE_SERVER_MAIN, then the installer's cache folder. */
  serverMain?: string;
  /** How long to wait for the server to answer HTTP; default 60 s. */
  startTimeoutMs?: number;
  /** Settings merged over QUIET_SETTINGS into the run's user and machine settings. */
  settings?: Record<string, unknown>;
  /**
   * A .vsix to install (the server's own `--install-extension`) into this run's extensions folder before
   * the server starts: windows opened without an extensionDevelopmentPath run that installed copy.
   */
  installVsix?: string;
}

/**
 * Machine settings every run starts with: no welcome walkthrough (it opens a beat after the workbench
 * renders and steals focus from the command palette), no tips, no network-minded features.
 */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
};

/** A server that answered HTTP at `url`; call stop() exactly once (later calls are no-ops). */
export interface RunningCodeServer {
  /** `http://127.0.0.1:PORT` without a trailing slash. */
  url: string;
  port: number;
  /** The server's process id, which is also its process group's (it is spawned detached). */
  pid: number;
  /** The `vscode-remote://` authority the workbench uses for this server's files. */
  remoteAuthority: string;
  workspace: string;
  extensionDevelopmentPath?: string;
  /** The temp folder holding this run's user/server/extensions dirs and server.log. */
  dataDir: string;
  /** Kills the whole process group (the server leaves watchers behind otherwise) and waits for exit. */
  stop(): Promise<void>;
}

/** The same rule as scripts/e2e/installCodeServer.mjs's resolveCacheDir(): keep the two in step. */
export function defaultServerMain(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DIALOGUE_CODE_SERVER_MAIN) return env.DIALOGUE_CODE_SERVER_MAIN;
  const cacheDir = env.DIALOGUE_E2E_CACHE
    ? path.resolve(env.DIALOGUE_E2E_CACHE)
    : path.join(env.HOME || os.homedir(), '.cache', 'dialogue-panel', `code-server-${CODE_SERVER_VERSION}`);
  return path.join(cacheDir, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function answersHttp(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: 2_000 }, (response) => {
      response.resume();
      resolve((response.statusCode ?? 500) < 500);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => {
      request.destroy();
      resolve(false);
    });
  });
}

/** The environment the server gets: ours, minus variables that would tie it to an outer VS Code. */
function serverEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') continue;
    env[key] = value;
  }
  // An empty gallery keeps the server from calling open-vsx.org, which this network cannot reach.
  return { ...env, EXTENSIONS_GALLERY: '{}', ...extra };
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Installs a .vsix with the server's CLI (as `code --install-extension` does) into the given folders. */
function installVsix(serverMain: string, vsix: string, dirs: string[], env: Record<string, string> | undefined, logFile: string): Promise<void> {
  if (!fs.existsSync(vsix)) return Promise.reject(new Error(`no .vsix at ${vsix}`));
  return new Promise((resolve, reject) => {
    const args = [serverMain, '--install-extension', path.resolve(vsix), '--accept-server-license-terms', ...dirs];
    execFile(process.execPath, args, { env: serverEnv(env), timeout: 120_000 }, (error, stdout, stderr) => {
      fs.appendFileSync(logFile, `--install-extension ${vsix}\n${stdout}${stderr}`);
      if (error) reject(new Error(`installing ${vsix} failed: ${(stderr || stdout || error.message).trim()}`));
      else if (!/successfully installed/i.test(stdout)) reject(new Error(`installing ${vsix} did not report success: ${stdout.trim()}`));
      else resolve();
    });
  });
}

export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const serverMain = options.serverMain ?? defaultServerMain();
  if (!fs.existsSync(serverMain)) {
    throw new Error(`VS Code server not found at ${serverMain}: run node scripts/e2e/installCodeServer.mjs first`);
  }
  if (!fs.existsSync(options.workspace)) throw new Error(`workspace folder ${options.workspace} does not exist`);
  const port = options.port ?? (await freePort());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dialogue-e2e-server-'));
  // code-server's workbench keeps user settings on the server (user-data-dir/User) as well as the
  // machine's; writing both covers settings of every scope.
  const settings = JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2);
  for (const scope of ['User', 'Machine']) {
    fs.mkdirSync(path.join(dataDir, 'user', scope), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'user', scope, 'settings.json'), settings);
  }
  const logFile = path.join(dataDir, 'server.log');
  const dirs = [
    ...['--user-data-dir', path.join(dataDir, 'user')],
    ...['--server-data-dir', path.join(dataDir, 'server')],
    ...['--extensions-dir', path.join(dataDir, 'extensions')],
  ];
  if (options.installVsix) await installVsix(serverMain, options.installVsix, dirs, options.env, logFile);
  const log = fs.openSync(logFile, 'a');
  const args = [
    serverMain,
    ...['--host', '127.0.0.1', '--port', String(port)],
    '--without-connection-token',
    '--accept-server-license-terms',
    '--enable-smoke-test-driver',
    '--disable-workspace-trust',
    '--disable-telemetry',
    ...dirs,
  ];
  // detached = setsid(): the server becomes the leader of its own process group, so stop() can kill
  // it together with the file watchers and extension hosts it forks.
  const child = spawn(process.execPath, args, {
    detached: true,
    env: serverEnv(options.env),
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the VS Code server');
  // If this test process dies without calling stop(), do not leave a server behind.
  const killOnExit = (): void => killGroup(pid, 'SIGKILL');
  process.once('exit', killOnExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.removeListener('exit', killOnExit);
      killGroup(pid, 'SIGTERM');
      if (!(await waitForExit(child, 5_000))) killGroup(pid, 'SIGKILL');
      await waitForExit(child, 5_000);
      // Children that ignored SIGTERM outlive the leader; they are still in the group.
      killGroup(pid, 'SIGKILL');
      if (!process.env.DIALOGUE_E2E_KEEP) fs.rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await answersHttp(`${url}/`))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const detail = tail(logFile);
      await stop();
      throw new Error(`VS Code server exited (${child.exitCode ?? child.signalCode}) before answering:\n${detail}`);
    }
    if (Date.now() > deadline) {
      const detail = tail(logFile);
      await stop();
      throw new Error(`VS Code server did not answer ${url} within ${options.startTimeoutMs ?? 60_000} ms:\n${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port,
    pid,
    remoteAuthority: `127.0.0.1:${port}`,
    workspace: options.workspace,
    ...(options.extensionDevelopmentPath ? { extensionDevelopmentPath: options.extensionDevelopmentPath } : {}),
    dataDir,
    stop,
  };
}
