import { strict as assert } from 'node:assert';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { briefDetail } from '../../../src/extension/sessions/briefDetail';
import { createFakeVscode, fakeContext, freshExtension, installFakeVscode, type FakeQuickPick } from './extensionFakeVscode';
import { MemoryMemento, MemorySecrets, until, type ExtensionModule } from './extensionFakes';
import { removeTempDirs, tempDir } from './extensionSessions';

/** "Dialogue: Start Panel" as a first-time researcher meets it, driven through the fake `vscode`. */

const REPO = path.join(__dirname, '..', '..', '..');
const KEY = ['sk', 'ant', 'test-not-a-real-key-0123456789'].join('-'); // key-shaped on purpose, assembled at run time

type Item = { label: string; id?: string; detail?: string; brief?: { id: string } | null };

describe('extension: the Start Panel flow, first run', function () {
  this.timeout(20_000);
  const fake = createFakeVscode();
  const secrets = new MemorySecrets();
  const ctx = fakeContext(REPO, new MemoryMemento(), secrets);
  let uninstall: () => void;
  let extension: ExtensionModule;
  let workspace: string;
  const savedKey = process.env.ANTHROPIC_API_KEY;
  const run = fake.run;
  /** Every quick pick offered, by title. */
  const offered: Array<{ title: string; items: Item[] }> = [];

  before(async () => {
    uninstall = installFakeVscode(fake.api);
    extension = freshExtension();
    workspace = await tempDir('start');
    fake.state.workspaceFolder = workspace;
    fake.state.config = { baseUrl: 'http://127.0.0.1:9', model: 'claude-sonnet-4-6' };
    delete process.env.ANTHROPIC_API_KEY;
    extension.activate(ctx.context);
    await run('dialogue.createSampleCharacters');
  });
  after(async () => {
    extension.deactivate();
    ctx.dispose();
    uninstall();
    if (savedKey !== undefined) process.env.ANTHROPIC_API_KEY = savedKey;
    await removeTempDirs();
  });
  beforeEach(async () => {
    await secrets.delete('dialogue.anthropicApiKey');
    offered.length = 0;
    fake.state.messages.length = 0;
    fake.state.quickPicks.length = 0;
    // The brief step: the harbour deal.
    fake.state.pick = <T,>(items: readonly T[], options: Record<string, unknown>) => {
      offered.push({ title: String(options.title), items: items as unknown as Item[] });
      return items.find((i) => (i as Item).brief?.id === 'harbour-deal');
    };
  });

  it('shows the brief as plain text in the picker, not its markdown', async () => {
    fake.state.quickPick = (qp) => qp.hide();
    assert.equal(await run('dialogue.startPanel'), undefined, 'cancelled at the cast');
    const brief = offered[0]!.items.find((i) => i.brief?.id === 'harbour-deal')!;
    assert.equal(brief.label, 'The harbour deal');
    assert.match(brief.detail!, /^The city's planning committee meets in three weeks/);
    assert.doesNotMatch(brief.detail!, /[#*_`[\]]/, 'no markdown marks');
    assert.ok(brief.detail!.length <= 120);
  });

  it('keeps the cast picker open on Enter with nobody ticked, saying to pick at least one', async () => {
    let cast: FakeQuickPick<{ label: string }> | undefined;
    fake.state.quickPick = (qp) => { cast = qp; };
    await secrets.store('dialogue.anthropicApiKey', KEY);
    const started = run<string | undefined>('dialogue.startPanel');
    await until('the cast picker', () => cast);
    assert.ok(cast!.canSelectMany);
    cast!.accept();
    assert.ok(cast!.shown, 'still open');
    assert.equal(cast!.placeholder, 'Pick at least one member');
    assert.match(cast!.title!, /pick at least one member/);
    assert.equal(fake.state.panels.length, 0, 'nothing started');
    cast!.selectedItems = cast!.items.filter((i) => /Mara|Oskar/.test(i.label));
    cast!.accept();
    const dir = await started;
    assert.ok(dir && existsSync(path.join(dir, 'journal.jsonl')), 'the panel started with the ticked members');
    assert.equal(cast!.disposed, true);
    const intro = JSON.parse((await fs.readFile(path.join(dir, 'journal.jsonl'), 'utf8')).split('\n').find((l) => l.includes('"intro"'))!) as { event: { cast: string[] } };
    assert.deepEqual(intro.event.cast.sort(), ['mara', 'oskar']);
  });

  it('after "Set API key" from the no-key warning, opens the panel being started without asking again', async () => {
    const panelsBefore = fake.state.panels.length;
    fake.state.quickPick = (qp) => {
      qp.selectedItems = qp.items.filter((i) => /Ilse/.test(i.label));
      qp.accept();
    };
    fake.state.answer = (text, buttons) => (/needs an Anthropic API key/.test(text) ? buttons.find((b) => b === 'Set API key') : undefined);
    fake.state.input = (o) => (/API key/.test(o.title ?? '') ? KEY : undefined);
    const dir = await run<string | undefined>('dialogue.startPanel');
    assert.ok(dir && existsSync(path.join(dir, 'journal.jsonl')), `started; shown: ${JSON.stringify(fake.state.messages)}`);
    assert.equal(fake.state.panels.length, panelsBefore + 1, 'its panel opened');
    assert.match(fake.state.panels.at(-1)!.title, /The harbour deal/, 'with the brief picked before the key was asked for');
    assert.equal(offered.length, 1, 'the brief was asked once');
    assert.equal(fake.state.quickPicks.length, 1, 'the cast was asked once');
    assert.equal(await secrets.get('dialogue.anthropicApiKey'), KEY);
    assert.ok(fake.state.messages.some((m) => m.level === 'warning' && /needs an Anthropic API key/.test(m.text)));
  });

  it('briefDetail: the first paragraph in plain words, whatever the markdown', () => {
    assert.equal(briefDetail({ title: 'Harbour', text: '# Harbour\n\nThe **council** meets [at noon](https://x.org) in `room 4`.\nSecond line.' }),
      'The council meets at noon in room 4. Second line.');
    assert.equal(briefDetail({ title: 'T', text: '## Setting only' }), 'Setting only', 'a heading other than the title when there is no prose');
    assert.equal(briefDetail({ title: 'T', text: '' }), undefined);
    assert.equal(briefDetail({ title: 'T', text: `> ${'word '.repeat(60)}` })!.length, 120);
  });
});
