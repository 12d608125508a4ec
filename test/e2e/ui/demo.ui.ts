// "Try the demo" in the real workbench, with no API key anywhere (issue 17 item 4): `npm start -- --demo` (browser
// mode) opens the demo panel by itself; it runs a turn on the in-process scripted API; the header shows the Demo
// badge; the log, in the extension's global storage and not the workspace, says `demo: true`. Then, with no key,
// "Start Panel" warns and offers "Try the demo", which opens another demo panel.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { interactiveLogSchema } from '../../../src/engine/store/sessionSchema';
import { DEMO_TRANSCRIPT_LINE } from '../../../src/engine/store/transcript';
import { launchChromium, runCommand } from '../runInCodeServer';
import { UI_ENV } from '../uiSession';
import { DialoguePanel, saveScreenshot, startPanelFromPalette } from './dialoguePanel';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const GLOBAL_STORAGE = ['user', 'User', 'globalStorage', 'dialogue-research.dialogue-panel', 'demo-sessions'];

interface Started {
  child: ChildProcess;
  url: string;
  dataDir: string;
  pgid: number;
  exited: Promise<void>;
}

/** `node scripts/start.mjs --demo` in browser mode, with no key in its environment; resolves once it printed its lines. */
function startDemo(): Promise<Started> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'start.mjs'), '--demo'], {
    cwd: repoRoot,
    env: { ...process.env, DIALOGUE_START_BROWSER: '1', DIALOGUE_START_NO_BUILD: '1', ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start -- --demo was not up in 90 s:\n${output}`)), 90_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const url = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)$/m.exec(output)?.[1];
      const dataDir = /^VS Code data folder: (.+)$/m.exec(output)?.[1];
      const pgid = /^VS Code server process group: (\d+)$/m.exec(output)?.[1];
      if (!url || !dataDir || !pgid) return;
      clearTimeout(timer);
      assert.match(output, /demo panel opens by itself/);
      resolve({ child, url, dataDir, pgid: Number(pgid), exited });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    void exited.then(() => reject(new Error(`npm start -- --demo exited before the server was up:\n${output}`)));
  });
}

function demoFolders(dataDir: string): string[] {
  const dir = path.join(dataDir, ...GLOBAL_STORAGE);
  if (!fs.existsSync(dir)) return [];
  // Session folders only (a close also writes the folder's index.json).
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name)).sort();
}

describe('Try the demo, with no API key (npm start -- --demo)', function () {
  this.timeout(180_000);
  this.bail(true);
  let started: Started | undefined;
  let browser: Browser;
  let page: Page;
  let panel: DialoguePanel;
  const screenshots = process.env[UI_ENV.screenshots] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dialogue-demo-shots-'));

  before(async function () {
    // It runs the development checkout's start script (its own server, without a key): once per e2e run.
    if (process.env[UI_ENV.copy] === 'installed') this.skip();
    started = await startDemo();
    const shared = process.env[UI_ENV.browserWs];
    browser = shared ? await chromium.connect(shared) : await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(started.url);
    await page.waitForFunction('typeof window.driver?.whenWorkbenchRestored === "function"', undefined, { timeout: 60_000 });
    await page.evaluate('window.driver.whenWorkbenchRestored()');
    panel = new DialoguePanel(page);
  });

  after(async () => {
    await page?.context().close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    if (started) {
      started.child.kill('SIGTERM');
      await started.exited;
    }
  });

  it('opens the demo panel by itself, with the Demo badge in its header', async () => {
    await panel.waitUntilOpen();
    await panel.frame.getByRole('heading', { name: /^Demo: The harbour deal$/ }).waitFor();
    await panel.frame.getByRole('note', { name: /^Demo session: scripted replies/ }).waitFor();
    for (const name of ['Mara Voss', 'Oskar Lind', 'Ilse Brandt']) await panel.button(`Retire ${name}`).waitFor();
  });

  it('runs a turn on the scripted API: the confer, then three answers, the first saying it is a demo', async () => {
    await panel.say('Is the marina worth it?');
    assert.equal((await panel.speakersOf(1)).length, 3);
    await panel.frame.getByText(/This is the built-in demo/).first().waitFor();
    console.log(`      screenshot: ${await saveScreenshot(page, screenshots, 'demo-01-turn')}`);
  });

  it('closes into the extension\'s global storage, the log and transcript labelled demo', async () => {
    await runCommand(page, 'Dialogue: Close Session');
    const folders = demoFolders(started!.dataDir);
    assert.equal(folders.length, 1, `one demo session in ${path.join(started!.dataDir, ...GLOBAL_STORAGE)}`);
    const logFile = path.join(folders[0]!, 'event-log.json');
    for (let i = 0; i < 100 && !fs.existsSync(logFile); i++) await new Promise((r) => setTimeout(r, 100));
    const log = interactiveLogSchema.parse(JSON.parse(fs.readFileSync(logFile, 'utf8')));
    assert.equal(log.conditions?.demo, true, 'the log is labelled demo');
    assert.ok(log.events.some((e) => e.type === 'speak'));
    assert.ok(log.events.filter((e) => e.type === 'cost').every((e) => e.type === 'cost' && e.usd === 0), 'priced at $0');
    assert.ok(fs.readFileSync(path.join(folders[0]!, 'transcript.md'), 'utf8').includes(DEMO_TRANSCRIPT_LINE));
  });

  it('with no key, Start Panel warns and offers "Try the demo", which opens another demo panel', async () => {
    // The closed demo panel goes, so the new panel is the only webview on the page.
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Dialogue: Create Sample Characters');
    await startPanelFromPalette(page, 'The harbour deal', ['Tomás Reyes']);
    const toast = page.locator('.notification-toast', { hasText: 'needs an Anthropic API key' });
    await toast.waitFor();
    console.log(`      screenshot: ${await saveScreenshot(page, screenshots, 'demo-02-no-key-offer')}`);
    await toast.getByRole('button', { name: 'Try the demo' }).click();
    await panel.waitUntilOpen();
    await panel.frame.getByRole('heading', { name: /^Demo: The harbour deal$/ }).waitFor();
    await panel.frame.getByRole('note', { name: /^Demo session/ }).waitFor();
    await panel.say('Hello again');
    await panel.speakersOf(1);
    for (let i = 0; i < 50 && demoFolders(started!.dataDir).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(demoFolders(started!.dataDir).length, 2, 'the second demo session is in the demo folder too');
  });

});
