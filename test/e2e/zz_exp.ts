import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { chromium } from 'playwright-core';
import { startCodeServer } from './codeServer';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './runInCodeServer';
(async () => {
  const mode = process.argv[2];
  const server = await startCodeServer({ workspace: os.tmpdir(), extensionDevelopmentPath: '/work/main/test/e2e/fixtureExtension' });
  const bs = await chromium.launchServer({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (mode.includes('url')) env.DIALOGUE_E2E_URL = server.url;
  if (mode.includes('ws')) env.DIALOGUE_E2E_BROWSER_WS = bs.wsEndpoint();
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'node_modules/mocha/bin/mocha.js', '--no-config', '--timeout', '60000', 'test/e2e/fixtureExtension/ui/fixturePanel.ui.ts'], { env, encoding: 'utf8', timeout: 150000 }); console.log(r.stdout.slice(-3000), r.stderr.slice(-2000));
  console.log(mode, r.status, (r.stdout.match(/\d+ passing|\d+ failing/g) || []).join(' '));
  await bs.close(); await server.stop();
})();
