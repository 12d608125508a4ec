import { strict as assert } from 'node:assert';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { hostMessageSchema, type HostMessage } from '../../../src/protocol';
import { startStandIn, type StandIn } from '../../standIn/messagesStandIn';
import { createFakeVscode, fakeContext, FakeWebviewPanel, installFakeVscode } from './extensionFakeVscode';
import { removeTempDirs, tempDir, writeSession } from './extensionSessions';
import { MemoryMemento, MemorySecrets, until, type ExtensionModule } from './extensionFakes';

/**
 * The extension activated against a fake `vscode` and the Messages stand-in: the commands, the panel
 * protocol and the session folder, end to end but without a window. One scenario, in order.
 */

const REPO = path.join(__dirname, '..', '..', '..');
const KEY = ['sk', 'ant', 'test-not-a-real-key-0123456789'].join('-'); // key-shaped on purpose, assembled at run time
const TURN = '<confer>\n<line who="oskar">Mara should lead.</line>\n</confer>\n<speak who="mara">The pier stays.</speak>\n<pass who="oskar"/>';

const messages = (panel: FakeWebviewPanel) => panel.posted as HostMessage[];

describe('extension: activation with a fake vscode (window-free smoke test)', function () {
  this.timeout(20_000);
  const fake = createFakeVscode();
  let uninstall: () => void;
  let extension: ExtensionModule;
  let api: StandIn;
  let workspace: string;
  const memento = new MemoryMemento();
  const secrets = new MemorySecrets();
  let ctx = fakeContext(REPO, memento, secrets);
  let sessionDir: string;
  const savedKey = process.env.ANTHROPIC_API_KEY;

  const run = fake.run;

  before(async () => {
    uninstall = installFakeVscode(fake.api);
    extension = require('../../../src/extension/extension') as ExtensionModule;
    api = await startStandIn();
    workspace = await tempDir('ws');
    fake.state.workspaceFolder = workspace;
    fake.state.config = { baseUrl: api.url, model: 'claude-sonnet-4-6' };
    delete process.env.ANTHROPIC_API_KEY;
    extension.activate(ctx.context);
  });

  after(async () => {
    extension.deactivate();
    ctx.dispose();
    uninstall();
    await api.close();
    if (savedKey !== undefined) process.env.ANTHROPIC_API_KEY = savedKey;
    await removeTempDirs();
  });

  it('registers every contributed command', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { contributes: { commands: Array<{ command: string; category: string }> } };
    const contributed = pkg.contributes.commands.map((c) => c.command);
    for (const id of contributed) assert.ok(fake.state.commands.has(id), `${id} registered`);
    assert.ok(pkg.contributes.commands.every((c) => c.category === 'Dialogue'));
    for (const id of ['dialogue.startPanel', 'dialogue.addCharacter', 'dialogue.retireCharacter', 'dialogue.newCharacter', 'dialogue.openSession',
      'dialogue.closeSession', 'dialogue.auditSessions', 'dialogue.setApiKey', 'dialogue.clearApiKey', 'dialogue.stop']) {
      assert.ok(contributed.includes(id), `${id} contributed`);
    }
  });

  it('creates the sample characters and picks them up', async () => {
    const written = await run<string[]>('dialogue.createSampleCharacters');
    assert.ok(written.some((f) => f.endsWith(path.join('characters', 'mara.md'))));
    assert.ok(written.some((f) => f.endsWith(path.join('briefs', 'harbour-deal.md'))));
  });

  it('refuses to start without a key, naming how to set one, and writes nothing', async () => {
    await assert.rejects(run('dialogue.startPanel', { cast: ['mara'] }), /no Anthropic API key/);
    assert.equal(existsSync(path.join(workspace, 'sessions')), false);
  });

  it('stores the key from a script without logging it', async () => {
    assert.equal(await run('dialogue.setApiKey', KEY), true);
    assert.equal(await secrets.get('dialogue.anthropicApiKey'), KEY);
    assert.equal(fake.state.logLines.join('\n').includes(KEY), false);
  });

  it('rejects bad start arguments with one clear message and no session folder', async () => {
    await assert.rejects(run('dialogue.startPanel', { cast: ['mara', 'nobody'] }), /unknown character.*"nobody"/);
    assert.equal(existsSync(path.join(workspace, 'sessions')), false);
  });

  it('starts a panel from arguments and returns the session folder', async () => {
    sessionDir = await run<string>('dialogue.startPanel', { cast: ['mara', 'oskar'], brief: 'harbour-deal' });
    assert.equal(path.dirname(sessionDir), path.join(workspace, 'sessions'));
    assert.ok(existsSync(path.join(sessionDir, 'journal.jsonl')));
    const panel = fake.state.panels[0]!;
    assert.equal(panel.viewType, 'dialogue.panel');
    assert.match(panel.title, /^Dialogue: The harbour deal/);
    assert.match(panel.webview.html, /Content-Security-Policy/);
    assert.match(panel.webview.html, /script-src &#39;nonce-/);
    assert.equal(panel.posted.length, 0, 'nothing before ready');
    assert.equal(fake.state.contextKeys.get('dialogue.hasLivePanel'), true);
  });

  it('talks to the webview: init after ready, then a streamed turn, all valid protocol', async () => {
    const panel = fake.state.panels[0]!;
    panel.send({ type: 'ready' });
    const init = messages(panel)[0]!;
    assert.equal(init.type, 'init');
    assert.deepEqual(init.type === 'init' && init.cast.map((c) => c.id), ['mara', 'oskar']);
    api.enqueue({ text: TURN, chunkSize: 5 });
    panel.send({ type: 'say', text: 'What about the pier?', target: null });
    await until('the floor', () => messages(panel).some((m) => m.type === 'event' && m.event.type === 'floor'));
    const types = messages(panel).map((m) => m.type);
    assert.ok(types.includes('stream'), 'streamed deltas');
    assert.ok(types.includes('meter'), 'meter after the cost');
    for (const m of messages(panel)) assert.ok(hostMessageSchema.safeParse(m).success, `valid ${m.type}`);
    const speak = messages(panel).find((m) => m.type === 'event' && m.event.type === 'speak');
    assert.equal(speak?.type === 'event' && speak.event.type === 'speak' && speak.event.text, 'The pier stays.');
    await until('the status bar cost', () => fake.state.statusBar.visible && /\$/.test(fake.state.statusBar.text));
  });

  it('drops an invalid webview message and logs it', () => {
    const panel = fake.state.panels[0]!;
    const before = panel.posted.length;
    panel.send({ type: 'say', text: 42 });
    assert.equal(panel.posted.length, before);
    assert.match(fake.state.logLines.join('\n'), /dropped an invalid message/);
  });

  it('marks a present member edited when their file changes', async () => {
    const panel = fake.state.panels[0]!;
    const file = path.join(workspace, 'characters', 'mara.md');
    await fs.appendFile(file, '\nShe has started to doubt the pier.\n');
    for (const w of fake.state.watchers) w.fire('change', { fsPath: file } as never);
    await until('an edited cast', () =>
      messages(panel).some((m) => m.type === 'cast' && m.cast.some((c) => c.id === 'mara' && c.edited === true)),
    );
  });

  it('shows a broken character file in the Problems panel at its line', async () => {
    const file = path.join(workspace, 'characters', 'broken.md');
    await fs.writeFile(file, '---\nglyph: B\n---\nNo name.\n');
    for (const w of fake.state.watchers) w.fire('create', { fsPath: file } as never);
    const diags = await until('diagnostics', () => fake.state.diagnostics.get('dialogue-characters')?.get(file));
    assert.match(diags[0]!.message, /name/);
  });

  it('applies a theme change live', () => {
    const panel = fake.state.panels[0]!;
    fake.setConfig({ theme: 'eink' });
    assert.deepEqual(messages(panel).at(-1), { type: 'theme', theme: 'eink' });
  });

  it('closes the session: folder written, panel read-only, audit clean', async () => {
    const panel = fake.state.panels[0]!;
    // Closing offers the next steps; "Export" asks where to save the page, beside the session folder by default.
    let offered: string[] = [];
    fake.state.answer = (text, buttons) => (/session saved/.test(text) ? ((offered = buttons), 'Export') : undefined);
    fake.state.save = (o) => (o.defaultUri as { fsPath: string }).fsPath;
    const dir = await run<string>('dialogue.closeSession');
    assert.equal(dir, sessionDir);
    assert.deepEqual(offered, ['Export', 'Publish', 'Reveal']);
    await until('the export offered at close', () => existsSync(`${dir}.html`));
    fake.state.answer = () => undefined;
    fake.state.save = () => undefined;
    assert.ok(existsSync(path.join(dir, 'event-log.json')));
    assert.ok(existsSync(path.join(dir, 'transcript.md')));
    assert.deepEqual(messages(panel).at(-1), { type: 'readOnly', readOnly: true, canContinue: true });
    assert.equal(fake.state.contextKeys.get('dialogue.hasLivePanel'), false);
    assert.deepEqual(await run('dialogue.auditSessions'), { folders: 1, problems: 0 });
  });

  it('after a window reload, the serializer brings the panel back with its session', async () => {
    extension.deactivate();
    ctx.dispose();
    ctx = fakeContext(REPO, memento, secrets);
    extension.activate(ctx.context);
    const restored = new FakeWebviewPanel('dialogue.panel', fake.state.panels[0]!.title, {});
    fake.state.panels.push(restored);
    await fake.state.serializers.get('dialogue.panel')!.deserializeWebviewPanel(restored, undefined);
    assert.match(restored.webview.html, /Content-Security-Policy/);
    restored.send({ type: 'ready' });
    const init = messages(restored)[0]!;
    assert.equal(init.type, 'init');
    assert.equal(init.type === 'init' && init.readOnly, true);
    assert.ok(init.type === 'init' && init.events.some((e) => e.type === 'speak'));
  });

  it('continues the replayed session in the same folder', async () => {
    const restored = fake.state.panels.at(-1)!;
    assert.equal(fake.state.panels.length, 2);
    restored.send({ type: 'action', action: 'continueSession' });
    await until('live again', () => messages(restored).some((m) => m.type === 'readOnly' && !m.readOnly));
    assert.ok(existsSync(path.join(sessionDir, 'journal.jsonl')));
    assert.ok(messages(restored).some((m) => m.type === 'event' && m.event.type === 'resume'));
  });

  it('a reload mid-session resumes the panel live, and offers recovery only for orphaned sessions', async () => {
    const before = fake.state.panels.at(-1)!;
    const orphan = await writeSession(path.join(workspace, 'sessions'), { title: 'Crashed night', started: '2026-11-21T23:00:00Z', open: true });
    fake.state.answer = (text, buttons) => (/not closed/.test(text) && buttons.includes('Recover') ? 'Recover' : undefined);
    extension.deactivate();
    ctx.dispose();
    ctx = fakeContext(REPO, memento, secrets);
    extension.activate(ctx.context);
    const restored = new FakeWebviewPanel('dialogue.panel', before.title, {});
    fake.state.panels.push(restored);
    await fake.state.serializers.get('dialogue.panel')!.deserializeWebviewPanel(restored, undefined);
    restored.send({ type: 'ready' });
    const init = messages(restored)[0]!;
    assert.ok(init.type === 'init' && !init.readOnly, 'live again');
    assert.equal(init.type === 'init' && init.events.filter((e) => e.type === 'resume').length, 2);
    assert.ok(existsSync(path.join(sessionDir, 'journal.jsonl')));
    await until('the orphan recovered', () => existsSync(path.join(orphan, 'event-log.json')));
    const prompt = fake.state.messages.find((m) => /not closed/.test(m.text))!;
    assert.match(prompt.text, new RegExp(path.basename(orphan)));
    assert.equal(prompt.text.includes(path.basename(sessionDir)), false, 'the panel\'s own session is not offered');
    assert.ok(existsSync(path.join(sessionDir, 'journal.jsonl')), 'the live session keeps its journal');
  });

  it('closing the tab closes the session and forgets the panel', async () => {
    const restored = fake.state.panels.at(-1)!;
    restored.dispose();
    await until('the journal to be gone', () => !existsSync(path.join(sessionDir, 'journal.jsonl'))).catch((err: Error) => {
      throw new Error(`${err.message}\n${fake.state.logLines.slice(-8).join('\n')}`);
    });
    assert.deepEqual(memento.get('dialogue.openPanels'), []);
    assert.deepEqual(await run('dialogue.auditSessions'), { folders: 2, problems: 0 });
  });
});
