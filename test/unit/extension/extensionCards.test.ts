import { strict as assert } from 'node:assert';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { hostMessageSchema, type HostMessage } from '../../../src/protocol';
import { startStandIn, type StandIn } from '../../standIn/messagesStandIn';
import { b64, pngWith, v1Card, v2Card } from '../cards/cardBuilders';
import { createFakeVscode, fakeContext, forgetExtension, freshExtension, installFakeVscode, type FakeWebviewPanel } from './extensionFakeVscode';
import { removeTempDirs, tempDir } from './extensionSessions';
import { MemoryMemento, MemorySecrets, until, type ExtensionModule } from './extensionFakes';

const REPO = path.join(__dirname, '..', '..', '..');
const KEY = ['sk', 'ant', 'test-not-a-real-key-0123456789'].join('-');
const messages = (panel: FakeWebviewPanel) => panel.posted as HostMessage[];

describe('extension: import and export character cards (fake vscode)', function () {
  this.timeout(20_000);
  const fake = createFakeVscode();
  const ctx = fakeContext(REPO, new MemoryMemento(), new MemorySecrets());
  let uninstall: () => void;
  let extension: ExtensionModule;
  let api: StandIn;
  let workspace: string;
  let cards: string;
  const savedKey = process.env.ANTHROPIC_API_KEY;

  const run = fake.run;

  before(async () => {
    uninstall = installFakeVscode(fake.api);
    extension = freshExtension() as ExtensionModule;
    api = await startStandIn();
    workspace = await tempDir('cards');
    cards = await tempDir('cardfiles');
    await fs.writeFile(path.join(cards, 'bram.png'), pngWith([['chara', b64(v2Card)]]));
    await fs.writeFile(path.join(cards, 'ada.json'), JSON.stringify(v1Card));
    await fs.writeFile(path.join(cards, 'broken.json'), '{');
    fake.state.workspaceFolder = workspace;
    fake.state.config = { baseUrl: api.url, model: 'claude-sonnet-4-6' };
    process.env.ANTHROPIC_API_KEY = KEY;
    extension.activate(ctx.context);
  });
  after(async () => {
    extension.deactivate();
    ctx.dispose();
    uninstall();
    forgetExtension();
    await api.close();
    if (savedKey !== undefined) process.env.ANTHROPIC_API_KEY = savedKey;
    else delete process.env.ANTHROPIC_API_KEY;
    await removeTempDirs();
  });

  it('imports several cards picked in the file dialog', async () => {
    let asked: Record<string, unknown> = {};
    fake.state.open = (o) => ((asked = o), [path.join(cards, 'bram.png'), path.join(cards, 'ada.json')]);
    const files = await run<string[]>('dialogue.importCharacterCard');
    assert.equal(asked.canSelectMany, true);
    assert.deepEqual(files, [path.join(workspace, 'characters', 'bram-okafor.md'), path.join(workspace, 'characters', 'ada-quill.md')]);
    assert.ok(existsSync(path.join(workspace, 'characters', 'avatars', 'bram-okafor.png')));
    assert.ok(fake.state.messages.some((m) => m.level === 'info' && /imported bram-okafor, ada-quill/.test(m.text)));
  });

  it('asks before replacing an existing character, and says what is wrong with a bad card in one line', async () => {
    fake.state.open = () => [path.join(cards, 'ada.json')];
    fake.state.answer = () => undefined;
    assert.equal(await run('dialogue.importCharacterCard'), undefined, 'dismissed: nothing replaced');
    assert.ok(fake.state.messages.some((m) => m.level === 'warning' && m.modal && /already exists/.test(m.text)));
    fake.state.answer = (_t, buttons) => (buttons.includes('Replace') ? 'Replace' : undefined);
    assert.deepEqual(await run('dialogue.importCharacterCard'), [path.join(workspace, 'characters', 'ada-quill.md')]);
    await assert.rejects(run('dialogue.importCharacterCard', { files: [path.join(cards, 'broken.json')] }), /not valid JSON/);
    const error = fake.state.messages.filter((m) => m.level === 'error').at(-1)!;
    assert.match(error.text, /^Dialogue: .*broken.*not valid JSON/);
    assert.doesNotMatch(error.text, /\n/);
  });

  it('exports a character through the pickers and the save dialog', async () => {
    fake.state.pick = <T>(items: readonly T[]) => items.find((i) => /bram-okafor|CHARX/.test(JSON.stringify(i)));
    const out = path.join(workspace, 'out', 'bram.charx');
    fake.state.save = () => out;
    assert.equal(await run('dialogue.exportCharacterCard'), out);
    assert.ok((await fs.stat(out)).size > 0);
    assert.equal(await run('dialogue.exportCharacterCard', { id: 'ada-quill', format: 'json' }), path.join(workspace, 'exports', 'ada-quill.json'));
  });

  it('shows the avatar in the roster through the avatars folder, a resource root of the webview', async () => {
    await run('dialogue.startPanel', { cast: ['bram-okafor', 'ada-quill'] });
    const panel = fake.state.panels.at(-1)!;
    const roots = (panel.options as { localResourceRoots: Array<{ fsPath: string }> }).localResourceRoots.map((u) => u.fsPath);
    assert.ok(roots.includes(path.join(workspace, 'characters', 'avatars')));
    assert.ok(!roots.includes(path.join(workspace, 'characters')), 'only the avatars, not the character files');
    panel.send({ type: 'ready' });
    await until('init', () => messages(panel).some((m) => m.type === 'init'));
    const init = messages(panel).find((m) => m.type === 'init')!;
    assert.ok(hostMessageSchema.safeParse(init).success);
    const cast = init.type === 'init' ? init.cast : [];
    assert.equal(cast.find((c) => c.id === 'bram-okafor')?.avatar, `file://${path.join(workspace, 'characters', 'avatars', 'bram-okafor.png')}`);
    assert.equal(cast.find((c) => c.id === 'ada-quill')?.avatar, undefined, 'no avatar: the glyph');
  });
  it('opens a 1:1 session with a card greeting: pick the character, then the alternate; the panel shows it first', async () => {
    const offered: string[][] = [];
    fake.state.pick = <T,>(items: readonly T[], options: Record<string, unknown>) => {
      const list = items as unknown as Array<{ label: string; id?: string; index?: number }>;
      offered.push(list.map((i) => i.label));
      return (/greeting$/.test(String(options.title)) ? list.find((i) => i.label === 'Alternate greeting 2') : list.find((i) => i.id === 'bram-okafor')) as T;
    };
    const dir = await run<string>('dialogue.startWithGreeting');
    assert.ok(offered[0]!.every((l) => !/Mara|Oskar/.test(l)), 'only characters with a greeting are offered');
    assert.deepEqual(offered[1], ['First message', 'Alternate greeting 1', 'Alternate greeting 2']);
    const panel = fake.state.panels.at(-1)!;
    assert.match(panel.title, /Bram Okafor \(1:1\)/);
    panel.send({ type: 'ready' });
    const init = messages(panel)[0]!;
    assert.ok(init.type === 'init');
    const greeting = init.events.find((e) => e.type === 'greeting');
    assert.deepEqual(greeting && greeting.type === 'greeting' && [greeting.speaker, greeting.text, greeting.greeting], ['bram-okafor', 'Late again?', 2]);
    assert.deepEqual(init.cast.map((c) => c.id), ['bram-okafor']);
    await run('dialogue.closeSession', dir);
    await assert.rejects(run('dialogue.startWithGreeting', { character: 'bram-okafor', greeting: 7 }), /no greeting 7/);
  });
});
