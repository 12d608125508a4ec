// The in-host test runner: VS Code loads this file (as `extensionTestsPath`) inside the extension host
// and awaits `run()`; a rejection becomes a non-zero exit code. scripts/e2e/buildSuite.mjs bundles it,
// and every `*.test.ts` of the chosen suite folder, into one output folder as CommonJS.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import Mocha from 'mocha';

/** The compiled test files this runner loads: `*.test.js` next to it, in name order. */
export function findCompiledTests(folder: string): string[] {
  return fs
    .readdirSync(folder)
    .filter((name) => name.endsWith('.test.js'))
    .sort()
    .map((name) => path.join(folder, name));
}

export async function run(): Promise<void> {
  // The extension host forwards console.log to the browser's `codeAutomationLog` argument by argument,
  // so mocha's printf-style calls ("%s%s", indent, title) would arrive unformatted. Format them here.
  Mocha.reporters.Base.consoleLog = (...data: unknown[]) => {
    console.log(util.format(...data));
  };

  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: 'spec',
    timeout: Number(process.env.DIALOGUE_E2E_TEST_TIMEOUT_MS ?? 60_000),
    ...(process.env.DIALOGUE_E2E_GREP ? { grep: process.env.DIALOGUE_E2E_GREP } : {}),
  });
  const files = findCompiledTests(__dirname);
  if (files.length === 0) throw new Error(`no *.test.js files next to ${__filename}: was the suite built?`);
  for (const file of files) mocha.addFile(file);

  const failures = await new Promise<number>((resolve, reject) => {
    try {
      mocha.run(resolve);
    } catch (error) {
      reject(error);
    }
  });
  if (failures > 0) throw new Error(`${failures} in-host test(s) failed`);
}
