import { strict as assert } from 'node:assert';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { RewindPreview } from '../../../src/engine/prompt/turnLedger';
import { hostMessageSchema, type HostMessage } from '../../../src/protocol';
import { startStandIn, type StandIn } from '../../standIn/messagesStandIn';
import { createFakeVscode, fakeContext, freshExtension, installFakeVscode, type FakeWebviewPanel } from './extensionFakeVscode';
import { removeTempDirs, tempDir } from './extensionSessions';
import { MemoryMemento, MemorySecrets, until, type ExtensionModule } from './extensionFakes';

/**
 * Regenerate, edit, rewind and carry-over through the activated extension (fake `vscode`, real engine, the
 * Messages stand-in): the commands and their dialogs, the panel following the carry-over into the fresh
 * session, the open-panel record, the status bar, and both logs linking once closed. One scenario, in order.
 */

const REPO = path.join(__dirname, '..', '..', '..');
const KEY = ['sk', 'ant', 'test-not-a-real-key-0123456789'].join('-'); // key-shaped on purpose, assembled at run time
const SUMMARY = '<summary>The floor asked about the pier; Mara holds firm.</summary>\n<member id="mara">The pier stays.</member>\n<member id="oskar">I still want the marina.</member>';

const messages = (panel: FakeWebviewPanel) => panel.posted as HostMessage[];

/** The panel's last word on answering was "no" (the engine takes the floor event a moment before that). */
function idle(panel: FakeWebviewPanel): boolean {
  const last = messages(panel).filter((m) => m.type === 'answering').at(-1);
  return last?.type === 'answering' && !last.answering;
}

const readLog = async (dir: string) => JSON.parse(await fs.readFile(path.join(dir, 'event-log.json'), 'utf8')) as Record<string, unknown> & { events: Array<{ type: string }> };

describe('extension: regenerate, edit, rewind and carry-over commands (fake vscode + stand-in)', function () {
  this.timeout(20_000);
  const fake = createFakeVscode();
  const memento = new MemoryMemento();
  const ctx = fakeContext(REPO, memento, new MemorySecrets());
  let uninstall: () => void;
  let extension: ExtensionModule;
  let api: StandIn;
  let workspace: string;
  let firstDir: string;
  let nextDir: string;
  let panel: FakeWebviewPanel;
  const savedKey = process.env.ANTHROPIC_API_KEY;

  const run = fake.run;
  // The floor event comes a moment before the panel stops answering; a webview sends only after that.
  const say = async (text: string): Promise<void> => {
    const seen = panel.posted.length;
    panel.send({ type: 'say', text, target: null });
    await until(`the floor after "${text}"`, () => {
      const after = messages(panel).slice(seen);
      const floor = after.findIndex((m) => m.type === 'event' && m.event.type === 'floor');
      return floor >= 0 && after.slice(floor).some((m) => m.type === 'answering' && !m.answering);
    });
  };

  before(async () => {
    uninstall = installFakeVscode(fake.api);
    extension = freshExtension();
    api = await startStandIn();
    workspace = await tempDir('redo');
    fake.state.workspaceFolder = workspace;
    fake.state.config = { baseUrl: api.url, model: 'claude-sonnet-4-6' };
    delete process.env.ANTHROPIC_API_KEY;
    extension.activate(ctx.context);
    await run('dialogue.createSampleCharacters');
    await run('dialogue.setApiKey', KEY);
  });

  after(async () => {
    extension.deactivate();
    ctx.dispose();
    uninstall();
    await api.close();
    if (savedKey !== undefined) process.env.ANTHROPIC_API_KEY = savedKey;
    await removeTempDirs();
  });

  it('contributes the four commands to the palette only while a panel is live', async () => {
    const pkg = JSON.parse(await fs.readFile(path.join(REPO, 'package.json'), 'utf8')) as {
      contributes: { commands: Array<{ command: string; category: string }>; menus: { commandPalette: Array<{ command: string; when: string }> } };
    };
    for (const id of ['dialogue.regenerate', 'dialogue.editLastLine', 'dialogue.rewind', 'dialogue.carryOver']) {
      assert.equal(pkg.contributes.commands.find((c) => c.command === id)?.category, 'Dialogue', `${id} contributed`);
      assert.equal(pkg.contributes.menus.commandPalette.find((m) => m.command === id)?.when, 'dialogue.hasLivePanel', `${id} in the palette`);
      assert.ok(fake.state.commands.has(id), `${id} registered`);
    }
    await assert.rejects(run('dialogue.regenerate', {}), /no running panel/);
  });

  it('regenerates the last turn from the command, keeping both samples in the log', async () => {
    firstDir = await run<string>('dialogue.startPanel', { cast: ['mara', 'oskar'], brief: 'harbour-deal' });
    panel = fake.state.panels.at(-1)!;
    panel.send({ type: 'ready' });
    await say('What about the pier?');
    await say('And the marina?');
    const before = api.requests.length;
    assert.equal(await run('dialogue.regenerate'), 3);
    assert.equal(api.requests.length, before + 1, 'one new call');
    assert.ok(api.requests.at(-1)!.usage!.cache_read_input_tokens > 0, 'the prefix is read from cache');
    const supersede = messages(panel).find((m) => m.type === 'event' && m.event.type === 'supersede');
    assert.ok(supersede?.type === 'event' && supersede.event.type === 'supersede' && supersede.event.reason === 'regenerate');
    assert.deepEqual(supersede.event.turns, [2]);
  });

  it('edits the last line in an input box prefilled with it', async () => {
    let offered: string | undefined;
    fake.state.input = (o) => {
      offered = o.value;
      assert.equal(o.validateInput?.('  '), 'Say something first');
      return 'And the marina, honestly?';
    };
    assert.equal(await run('dialogue.editLastLine'), 4);
    assert.equal(offered, 'And the marina?');
    const human = messages(panel).filter((m) => m.type === 'event' && m.event.type === 'human-speak').at(-1);
    assert.ok(human?.type === 'event' && human.event.type === 'human-speak' && human.event.text === 'And the marina, honestly?');
    fake.state.input = () => undefined;
    assert.equal(await run('dialogue.editLastLine'), undefined, 'cancelled: nothing sent');
    assert.equal(api.requests.length, 4);
  });

  it('rewinds through a pick of live turns and a modal listing what is set aside', async () => {
    let offered: Array<{ label: string; description?: string; turn: number }> = [];
    fake.state.pick = <T,>(items: readonly T[]) => {
      offered = items as unknown as typeof offered;
      return items.find((i) => (i as unknown as { turn: number }).turn === 1);
    };
    fake.state.answer = (text, buttons) => (/^Rewind the panel/.test(text) && buttons.includes('Rewind') ? 'Rewind' : undefined);
    const preview = await run<RewindPreview>('dialogue.rewind');
    assert.deepEqual(offered.map((i) => [i.label, i.description]), [['Turn 1', '“What about the pier?”'], ['The start', 'before your first line']]);
    const modal = fake.state.messages.filter((m) => m.modal).at(-1)!;
    assert.equal(modal.text, 'Rewind the panel to the end of turn 1?');
    assert.match(modal.detail!, /Sets aside turn 4: 1 of your line\(s\) and \d+ response\(s\)\./);
    assert.deepEqual(preview.turns, [4]);
    const rewound = messages(panel).filter((m) => m.type === 'event' && m.event.type === 'supersede').at(-1);
    assert.ok(rewound?.type === 'event' && rewound.event.type === 'supersede' && rewound.event.reason === 'rewind');
  });

  it('rewind args skip the pick but not the confirmation, unless confirm: true', async () => {
    await say('Start again from here.');
    const asked = fake.state.messages.filter((m) => m.modal).length;
    fake.state.answer = () => undefined;
    assert.equal(await run('dialogue.rewind', { turn: 1 }), undefined, 'declined');
    assert.equal(fake.state.messages.filter((m) => m.modal).length, asked + 1);
    const events = messages(panel).filter((m) => m.type === 'event').length;
    const preview = await run<RewindPreview>('dialogue.rewind', { turn: 1, confirm: true });
    assert.deepEqual(preview.turns, [5]);
    assert.equal(fake.state.messages.filter((m) => m.modal).length, asked + 1, 'no second modal');
    assert.ok(messages(panel).filter((m) => m.type === 'event').length > events);
    await assert.rejects(run('dialogue.rewind', { turn: 3, confirm: true }), /turn 3 is not in the current line/);
  });

  it('the webview asks for a rewind preview and gets one', async () => {
    panel.send({ type: 'previewRewind', turn: 0 });
    const answer = await until('a preview', () => messages(panel).find((m) => m.type === 'rewindPreview'));
    assert.ok(answer.type === 'rewindPreview' && answer.preview.toTurn === 0 && answer.preview.turns.join() === '1');
  });

  it('shows context and cache warmth in the status bar tooltip', async () => {
    const tooltip = await until('a tooltip', () => fake.state.statusBar.tooltip);
    assert.match(tooltip, /Context: [\d.]+k? of [\d.]+M tokens \(\d+%\)/);
    assert.match(tooltip, /Cache: warm for \d+ more min/);
  });

  it('carries over from the command: same panel, fresh session, record and palette follow', async () => {
    api.enqueue({ text: SUMMARY });
    const postedBefore = panel.posted.length;
    nextDir = await run<string>('dialogue.carryOver');
    assert.notEqual(nextDir, firstDir);
    assert.equal(path.dirname(nextDir), path.dirname(firstDir), 'the same sessions folder');
    assert.ok(existsSync(path.join(firstDir, 'event-log.json')), 'the old session is closed');
    assert.ok(existsSync(path.join(nextDir, 'journal.jsonl')), 'the new one is live');
    assert.equal(fake.state.panels.at(-1), panel, 'no new panel');
    const after = messages(panel).slice(postedBefore);
    const init = after.find((m) => m.type === 'init');
    assert.ok(init?.type === 'init' && !init.readOnly);
    assert.deepEqual(init.events.map((e) => e.type), ['intro']);
    assert.deepEqual(init.cast.map((c) => c.id), ['mara', 'oskar']);
    const banner = after.filter((m) => m.type === 'banner').at(-1);
    assert.ok(banner?.type === 'banner' && banner.message.includes(firstDir) && banner.message.includes(nextDir));
    for (const m of after) assert.ok(hostMessageSchema.safeParse(m).success, m.type);
    assert.deepEqual((memento.get('dialogue.openPanels') as Array<{ sessionDir: string; mode: string }>).map((r) => [r.sessionDir, r.mode]), [[nextDir, 'live']]);
    assert.equal(fake.state.contextKeys.get('dialogue.hasLivePanel'), true);
    assert.match(fake.state.messages.at(-1)!.text, /carried over to/);
    const system = api.requests.at(-1)!.body.system;
    assert.ok(JSON.stringify(system).includes('<carried-over') === false, 'the summary call itself is over the old context');
  });

  it('the panel talks to the fresh session, and both logs link once it is closed', async () => {
    await say('Picking up where we left off.');
    assert.match(JSON.stringify(api.requests.at(-1)!.body.system), /carried-over/);
    const closed = await run<string>('dialogue.closeSession');
    assert.equal(closed, nextDir);
    const oldLog = await readLog(firstDir);
    const newLog = await readLog(nextDir);
    assert.equal(oldLog.continued_in, path.basename(nextDir));
    assert.equal(newLog.continues_from, path.basename(firstDir));
    assert.deepEqual(await run('dialogue.auditSessions'), { folders: 2, problems: 0 });
  });
});

describe('extension: a lowered context window offers carry-over (fake vscode + stand-in)', function () {
  this.timeout(20_000);
  const fake = createFakeVscode();
  const ctx = fakeContext(REPO, new MemoryMemento(), new MemorySecrets());
  let uninstall: () => void;
  let extension: ExtensionModule;
  let api: StandIn;
  const savedKey = process.env.ANTHROPIC_API_KEY;

  before(async () => {
    uninstall = installFakeVscode(fake.api);
    extension = freshExtension();
    api = await startStandIn();
    fake.state.workspaceFolder = await tempDir('window');
    fake.state.config = { baseUrl: api.url, model: 'claude-sonnet-4-6', contextWindow: 1000 };
    delete process.env.ANTHROPIC_API_KEY;
    extension.activate(ctx.context);
    await fake.state.commands.get('dialogue.createSampleCharacters')!();
    await fake.state.commands.get('dialogue.setApiKey')!(KEY);
  });

  after(async () => {
    extension.deactivate();
    ctx.dispose();
    uninstall();
    await api.close();
    if (savedKey !== undefined) process.env.ANTHROPIC_API_KEY = savedKey;
    await removeTempDirs();
  });

  it('warns with a Carry over button, refuses at the limit with one, and the button carries over', async () => {
    const dir = (await fake.state.commands.get('dialogue.startPanel')!({ cast: ['mara'] })) as string;
    const panel = fake.state.panels.at(-1)!;
    panel.send({ type: 'ready' });
    panel.send({ type: 'say', text: 'Hello.', target: null });
    await until('the floor', () => messages(panel).some((m) => m.type === 'event' && m.event.type === 'floor') && idle(panel));
    const meter = messages(panel).filter((m) => m.type === 'meter').at(-1);
    assert.ok(meter?.type === 'meter' && meter.meter.contextWindow === 1000 && meter.meter.contextTokens >= 800, `the setting lowers the window: ${JSON.stringify(meter)}`);
    const banners = () => messages(panel).filter((m): m is Extract<HostMessage, { type: 'banner' }> => m.type === 'banner');
    assert.ok(banners().some((b) => b.level === 'warning' && /window/.test(b.message) && b.actions.join() === 'carryOver'), JSON.stringify(banners()));
    const refused = () => banners().some((b) => /context is full/.test(b.message) && b.actions.includes('carryOver'));
    for (let i = 0; i < 3 && !refused(); i++) {
      await until('the panel to stop answering', () => idle(panel));
      const seen = panel.posted.length;
      panel.send({ type: 'say', text: `Again, turn ${i + 2}?`, target: null });
      await until('the floor or the refusal', () => refused() || messages(panel).slice(seen).some((m) => m.type === 'answering' && !m.answering));
    }
    assert.ok(refused(), 'the call past the window is refused, with the way forward');
    api.enqueue({ text: '<summary>Hello was said.</summary>\n<member id="mara">I said hello back.</member>' });
    panel.send({ type: 'action', action: 'carryOver' });
    await until('the fresh session', () => messages(panel).some((m) => m.type === 'init' && m.events.length === 1 && m.events[0]!.type === 'intro' && 'carried_over' in m.events[0]!));
    assert.ok(existsSync(path.join(dir, 'event-log.json')));
  });
});
