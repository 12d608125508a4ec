// The configuration scripts/e2e/run.mjs hands to its TypeScript runners (runSuites.ts, runElectron.ts)
// through the environment, all paths absolute, plus the pieces both runners share.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Environment variable names; run.mjs sets them, the runners read them. */
export const CONFIG_ENV = {
  extension: 'DIALOGUE_E2E_EXTENSION',
  suiteRunner: 'DIALOGUE_E2E_SUITE_RUNNER',
  uiFiles: 'DIALOGUE_E2E_UI_FILES',
  workspaceSource: 'DIALOGUE_E2E_WORKSPACE_SOURCE',
  screenshots: 'DIALOGUE_E2E_SCREENSHOTS',
  setup: 'DIALOGUE_E2E_SETUP',
  vsix: 'DIALOGUE_E2E_VSIX',
} as const;

/**
 * Which copies of the extension a pass tests: `development` (the repository, loaded as the extension under
 * development) and `installed` (the .vsix, installed into the server's extensions folder).
 */
export type ExtensionCopy = 'development' | 'installed';

/** One e2e pass. `extension` always exists; empty optional parts are skipped. */
export interface E2eConfig {
  extension: string;
  /** Built in-host runner (out/e2e/<name>/index.js). */
  suiteRunner?: string;
  uiFiles: string[];
  /** Copied as each part's workspace; an empty folder when absent. */
  workspaceSource?: string;
  screenshotsDir: string;
  /** Module exporting `setup(): Promise<E2eSetup>`. */
  setupModule?: string;
  /** The .vsix to install and test as the `installed` copy, after the development copy; absent: development only. */
  vsix?: string;
}

/** What a setup module's setup() returns: env for the server and UI tests, and a cleanup. */
export interface E2eSetup {
  env: Record<string, string>;
  /** A folder to copy as each part's workspace when the run names none (e.g. one holding `characters/`). */
  workspaceSource?: string;
  teardown?: () => Promise<void>;
}

export function readE2eConfig(env: NodeJS.ProcessEnv = process.env): E2eConfig {
  const extension = env[CONFIG_ENV.extension];
  if (!extension) throw new Error(`${CONFIG_ENV.extension} is not set (run scripts/e2e/run.mjs rather than this file)`);
  const screenshotsDir = env[CONFIG_ENV.screenshots] || fs.mkdtempSync(path.join(os.tmpdir(), 'dialogue-e2e-screenshots-'));
  fs.mkdirSync(screenshotsDir, { recursive: true });
  return {
    extension,
    ...(env[CONFIG_ENV.suiteRunner] ? { suiteRunner: env[CONFIG_ENV.suiteRunner] } : {}),
    uiFiles: (env[CONFIG_ENV.uiFiles] ?? '').split(path.delimiter).filter(Boolean),
    ...(env[CONFIG_ENV.workspaceSource] ? { workspaceSource: env[CONFIG_ENV.workspaceSource] } : {}),
    screenshotsDir,
    ...(env[CONFIG_ENV.setup] ? { setupModule: env[CONFIG_ENV.setup] } : {}),
    ...(env[CONFIG_ENV.vsix] ? { vsix: env[CONFIG_ENV.vsix] } : {}),
  };
}

/** Runs the setup module, if any; no module means no extra env and nothing to tear down. */
export async function runSetup(setupModule: string | undefined): Promise<E2eSetup> {
  if (!setupModule) return { env: {} };
  const setup = ((await import(setupModule)) as { setup?: () => Promise<E2eSetup> }).setup;
  if (typeof setup !== 'function') throw new Error(`${setupModule} does not export setup()`);
  return setup();
}

/** A fresh copy of the workspace source (or an empty folder), so tests never dirty the original. */
export function freshWorkspace(source: string | undefined): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dialogue-e2e-workspace-'));
  if (source) fs.cpSync(source, dir, { recursive: true });
  return dir;
}
