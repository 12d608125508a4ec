// The same in-host suite through @vscode/test-electron (desktop VS Code), for machines that can
// download VS Code: a developer's laptop, public CI. Run through `node scripts/e2e/run.mjs --electron`
// (configuration: see e2eConfig.ts). Where VS Code cannot be downloaded it stops at once with exit
// code 2 and says so; offline, the code-server path (run.mjs without --electron) is the one to use.
import * as dns from 'node:dns/promises';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { freshWorkspace, readE2eConfig, runSetup } from './e2eConfig';

/** Same VS Code as the code-server build, so both paths test one version. */
export const VSCODE_VERSION = process.env.DIALOGUE_E2E_VSCODE_VERSION ?? '1.100.3';
const DOWNLOAD_HOST = 'update.code.visualstudio.com';
export const EXIT_CANNOT_DOWNLOAD = 2;

const repoRoot = path.resolve(__dirname, '..', '..');
const cachePath = process.env.DIALOGUE_E2E_VSCODE_CACHE ?? path.join(repoRoot, '.vscode-test');

function say(line: string): void {
  process.stdout.write(`[e2e electron] ${line}\n`);
}

function isCached(): boolean {
  return fs.existsSync(path.join(cachePath, `vscode-linux-x64-${VSCODE_VERSION}`, 'is-complete'));
}

/** A name lookup only: on a closed network it fails in milliseconds, where a download would retry. */
async function downloadHostResolves(): Promise<boolean> {
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3_000).unref());
  const lookup = dns.lookup(DOWNLOAD_HOST).then(
    () => true,
    () => false,
  );
  return Promise.race([lookup, timeout]);
}

async function main(): Promise<number> {
  const config = readE2eConfig();
  if (!config.suiteRunner) throw new Error('no in-host suite to run (DIALOGUE_E2E_SUITE_RUNNER is empty)');

  let vscodeExecutablePath: string;
  const cached = process.platform === 'linux' && isCached();
  if (!cached && !(await downloadHostResolves())) {
    say(`cannot download VS Code: ${DOWNLOAD_HOST} does not resolve from this machine.`);
    say('The @vscode/test-electron suite needs a machine that can download VS Code; offline, run');
    say('`node scripts/e2e/run.mjs` (real VS Code from the code-server package) instead.');
    return EXIT_CANNOT_DOWNLOAD;
  }
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({ version: VSCODE_VERSION, cachePath, timeout: 15_000 });
  } catch (error) {
    say(`cannot download VS Code ${VSCODE_VERSION}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_CANNOT_DOWNLOAD;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY) {
    say('note: no DISPLAY; Electron needs one (run under xvfb-run -a)');
  }

  const setup = await runSetup(config.setupModule);
  const workspace = freshWorkspace(config.workspaceSource ?? setup.workspaceSource);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dialogue-e2e-electron-user-'));
  try {
    return await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: config.extension,
      extensionTestsPath: config.suiteRunner,
      extensionTestsEnv: setup.env,
      launchArgs: [
        workspace,
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-gpu',
        `--user-data-dir=${userDataDir}`,
        `--extensions-dir=${path.join(userDataDir, 'extensions')}`,
      ],
    });
  } catch (error) {
    say(`VS Code run failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await setup.teardown?.();
    if (!process.env.DIALOGUE_E2E_KEEP) {
      for (const dir of [workspace, userDataDir]) fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

void main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
