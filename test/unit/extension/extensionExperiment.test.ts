import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { castAutoReply, startStandIn, type StandIn } from '../../standIn/messagesStandIn';
import { createFakeVscode, fakeContext, forgetExtension, freshExtension, installFakeVscode } from './extensionFakeVscode';
import { removeTempDirs, tempDir } from './extensionSessions';
import { MemoryMemento, MemorySecrets, type ExtensionModule } from './extensionFakes';

/** dialogue.runExperiment through the activated extension (fake `vscode`, real engine and runner, the stand-in). */
const REPO = path.join(__dirname, '..', '..', '..');
const KEY = ['sk', 'ant', 'test-not-a-real-key-0123456789'].join('-');

describe('extension: dialogue.runExperiment (fake vscode + stand-in)', function () {
  this.timeout(60_000);
  const fake = createFakeVscode();
  const ctx = fakeContext(REPO, new MemoryMemento(), new MemorySecrets());
  let uninstall: () => void;
  let extension: ExtensionModule;
  let api: StandIn;
  let workspace: string;
  let slow = false;
  const savedKey = process.env.ANTHROPIC_API_KEY;
  const run = fake.run;

  before(async () => {
    uninstall = installFakeVscode(fake.api);
    extension = freshExtension();
    api = await startStandIn({ autoReply: (body) => ({ ...castAutoReply(body), ...(slow ? { chunkDelayMs: 5, chunkSize: 8 } : {}) }) });
    workspace = await tempDir('experiment');
    fake.state.workspaceFolder = workspace;
    fake.state.config = { baseUrl: api.url };
    delete process.env.ANTHROPIC_API_KEY;
    extension.activate(ctx.context);
    await run('dialogue.createSampleCharacters');
    await run('dialogue.setApiKey', KEY);
    await fs.writeFile(path.join(workspace, 'probe.jsonl'), '{"say": "Where do you stand?"}\n{"say": "And now?"}\n');
    await fs.writeFile(path.join(workspace, 'matrix.experiment.yaml'), 'name: ext-matrix\nmodel: claude-sonnet-4-6\ncasts: [[mara, oskar], [mara, ilse]]\nscript: probe.jsonl\nreplicates: 2\n');
  });
  after(async () => {
    extension.deactivate();
    ctx.dispose();
    uninstall();
    await api.close();
    if (savedKey !== undefined) process.env.ANTHROPIC_API_KEY = savedKey;
    await removeTempDirs();
    forgetExtension();
  });

  it('is contributed with an editor-title action and a yamlValidation schema generated from the zod schema', async () => {
    const pkg = JSON.parse(await fs.readFile(path.join(REPO, 'package.json'), 'utf8')) as { contributes: { commands: Array<{ command: string }>; menus: Record<string, Array<{ command: string; when?: string }>>; yamlValidation: Array<{ url: string }> } };
    assert.ok(pkg.contributes.commands.some((c) => c.command === 'dialogue.runExperiment'));
    assert.match(pkg.contributes.menus['editor/title']!.find((m) => m.command === 'dialogue.runExperiment')!.when!, /dialogue\.experimentFileOpen/);
    const schema = JSON.parse(await fs.readFile(path.join(REPO, pkg.contributes.yamlValidation[0]!.url), 'utf8')) as { properties: Record<string, unknown>; additionalProperties: boolean };
    assert.ok(['name', 'casts', 'depths', 'scripts', 'replicates'].every((k) => k in schema.properties));
    assert.equal(schema.additionalProperties, false);
  });

  it('runs the file with progress in a notification and opens summary.csv', async () => {
    const dir = await run<string>('dialogue.runExperiment', { file: path.join(workspace, 'matrix.experiment.yaml') });
    assert.equal(dir, path.join(workspace, 'experiments', 'ext-matrix'));
    const p = fake.state.progress.at(-1)!;
    assert.equal(p.title, 'Dialogue: experiment ext-matrix');
    assert.match(p.reports.at(-1)!.message!, /^4\/4 runs · \$/);
    assert.ok(fake.state.messages.some((m) => m.level === 'opened' && m.text === path.join(dir, 'summary.csv')));
    assert.ok(fake.state.messages.some((m) => m.level === 'info' && /experiment ext-matrix done \(4 runs/.test(m.text)));
    assert.equal(api.requests.length, 8);
  });

  it('Cancel stops it as Ctrl+C does; running it again resumes', async () => {
    await fs.writeFile(path.join(workspace, 'second.experiment.yaml'), 'name: ext-cancel\nmodel: claude-sonnet-4-6\ncast: [mara, oskar]\nscript: probe.jsonl\nreplicates: 6\n');
    slow = true;
    const file = path.join(workspace, 'second.experiment.yaml');
    const running = run<string>('dialogue.runExperiment', { file });
    const before = api.requests.length;
    while (api.requests.length === before) await new Promise((r) => setTimeout(r, 10));
    fake.state.progress.at(-1)!.cancel();
    const dir = await running;
    const json = JSON.parse(await fs.readFile(path.join(dir, 'experiment.json'), 'utf8')) as { status: string; runs: Array<{ status: string }> };
    assert.equal(json.status, 'stopped');
    assert.ok(fake.state.messages.some((m) => m.level === 'warning' && /ext-cancel stopped.*Run it again to resume/.test(m.text)));
    slow = false;
    await run('dialogue.runExperiment', { file });
    const after = JSON.parse(await fs.readFile(path.join(dir, 'experiment.json'), 'utf8')) as { status: string; runs: Array<{ status: string }> };
    assert.equal(after.status, 'done');
  });

  it('a bad experiment file is one error message naming the key and line; nothing runs', async () => {
    await fs.writeFile(path.join(workspace, 'bad.experiment.yaml'), 'name: bad\ncast: [mara]\nscript: probe.jsonl\nreplicats: 2\n');
    const before = api.requests.length;
    await assert.rejects(run('dialogue.runExperiment', { file: path.join(workspace, 'bad.experiment.yaml') }), /bad\.experiment\.yaml:4: replicats: not an experiment key/);
    assert.ok(fake.state.messages.some((m) => m.level === 'error' && /replicats: not an experiment key/.test(m.text)));
    assert.equal(api.requests.length, before);
  });
});
