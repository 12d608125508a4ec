import { strict as assert } from 'node:assert';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { interactiveLogSchema } from '../../../src/engine/store/sessionSchema';
import { hostMessageSchema, type HostMessage } from '../../../src/protocol';
import { createFakeVscode, fakeContext, freshExtension, installFakeVscode, type FakeWebviewPanel } from './extensionFakeVscode';
import { MemoryMemento, MemorySecrets, until, type ExtensionModule } from './extensionFakes';
import { removeTempDirs, tempDir } from './extensionSessions';

/**
 * "Try the demo" with no key (issue 17 item 4), through the fake `vscode`: the no-key warning offers it, the demo
 * panel runs a turn on the in-process API, its session goes to the extension's global storage (never the
 * workspace), the webview is told it is a demo, and the log says so.
 */

const REPO = path.join(__dirname, '..', '..', '..');
const messages = (panel: FakeWebviewPanel) => panel.posted as HostMessage[];

describe('extension: Try the demo, without a key', function () {
  this.timeout(20_000);
  const fake = createFakeVscode();
  const storage = path.join(os.tmpdir(), `dp-demo-storage-${process.pid}`);
  const ctx = fakeContext(REPO, new MemoryMemento(), new MemorySecrets(), storage);
  let uninstall: () => void;
  let extension: ExtensionModule;
  let workspace: string;
  const savedKey = process.env.ANTHROPIC_API_KEY;
  const run = fake.run;

  before(async () => {
    uninstall = installFakeVscode(fake.api);
    extension = freshExtension();
    workspace = await tempDir('demo');
    fake.state.workspaceFolder = workspace;
    delete process.env.ANTHROPIC_API_KEY;
    extension.activate(ctx.context);
    await run('dialogue.createSampleCharacters');
  });
  after(async () => {
    extension.deactivate();
    ctx.dispose();
    uninstall();
    if (savedKey !== undefined) process.env.ANTHROPIC_API_KEY = savedKey;
    await fs.rm(storage, { recursive: true, force: true });
    await removeTempDirs();
  });

  it('the no-key warning offers "Try the demo", which opens a demo panel that runs a turn and is labelled in the log', async () => {
    let offered: string[] = [];
    fake.state.answer = (text, buttons) => {
      if (!/needs an Anthropic API key/.test(text)) return undefined;
      offered = buttons;
      return 'Try the demo';
    };
    fake.state.quickPick = (qp) => {
      qp.selectedItems = qp.items.filter((i) => /Mara/.test(i.label));
      qp.accept();
    };
    fake.state.pick = <T,>(items: readonly T[]) => items[0];
    assert.equal(await run('dialogue.startPanel'), undefined, 'the real start did not go on without a key');
    assert.deepEqual(offered, ['Set API key', 'Try the demo']);
    const panel = await until('the demo panel', () => fake.state.panels.find((p) => /Demo/.test(p.title)));
    assert.equal(existsSync(path.join(workspace, 'sessions')), false, 'nothing in the workspace');

    panel.send({ type: 'ready' });
    const init = messages(panel)[0]!;
    assert.ok(init.type === 'init' && init.demo === true, 'the webview is told it is a demo');
    panel.send({ type: 'say', text: 'Is this real?', target: null });
    await until('the floor', () => messages(panel).some((m) => m.type === 'event' && m.event.type === 'floor'));
    for (const m of messages(panel)) assert.ok(hostMessageSchema.safeParse(m).success, `valid ${m.type}`);
    assert.ok(messages(panel).some((m) => m.type === 'stream'), 'the demo streams');

    // The researcher's settings are for real sessions: a model change leaves the demo on its $0 demo model.
    fake.setConfig({ model: 'claude-sonnet-4-6', cacheTtl: '1h' });
    const dir = await run<string>('dialogue.closeSession');
    assert.equal(path.dirname(dir), path.join(storage, 'demo-sessions'), 'in the extension\'s global storage');
    const log = interactiveLogSchema.parse(JSON.parse(await fs.readFile(path.join(dir, 'event-log.json'), 'utf8')));
    assert.equal(log.conditions?.demo, true);
    assert.ok(log.events.some((e) => e.type === 'speak'));
    assert.equal(log.events.some((e) => e.type === 'condition-change'), false, 'no setting reached the demo');
    assert.equal(log.model, 'dialogue-demo');
  });

  it('a closed demo session continues as a demo, with no key', async () => {
    const panel = fake.state.panels.find((p) => /Demo/.test(p.title))!;
    panel.send({ type: 'action', action: 'continueSession' });
    await until('live again', () => messages(panel).some((m) => m.type === 'readOnly' && !m.readOnly));
    panel.send({ type: 'say', text: 'Once more', target: null });
    await until('the second floor', () => messages(panel).filter((m) => m.type === 'event' && m.event.type === 'floor').length === 2);
  });

  it('DIALOGUE_DEMO=1 (npm start -- --demo) opens the demo once, not again on a reload', async () => {
    // Loaded once the fake `vscode` is installed (the module imports it).
    const { openDemoOnStartup } = require('../../../src/extension/demo/demoCommand') as typeof import('../../../src/extension/demo/demoCommand');
    const before = fake.state.panels.length;
    const opened: unknown[] = [];
    const services = { context: ctx.context, log: { info: () => undefined, error: () => undefined } } as never;
    await openDemoOnStartup(services, { openLive: (s) => opened.push(s) }, {});
    assert.equal(opened.length, 0, 'not without the variable');
    await openDemoOnStartup(services, { openLive: (s) => opened.push(s) }, { DIALOGUE_DEMO: '1' });
    await openDemoOnStartup(services, { openLive: (s) => opened.push(s) }, { DIALOGUE_DEMO: '1' });
    assert.equal(opened.length, 1);
    assert.equal(fake.state.panels.length, before);
    await (opened[0] as { close(): Promise<unknown> }).close();
  });
});
