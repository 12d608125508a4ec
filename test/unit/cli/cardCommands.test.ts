import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { b64, pngWith, v1Card, v2Card, zipOfDeflated } from '../cards/cardBuilders';

const ROOT = path.join(__dirname, '..', '..', '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Everything under `dir` (relative paths), or null when it does not exist. */
async function tree(dir: string): Promise<string[] | null> {
  try {
    return (await fs.readdir(dir, { recursive: true })).map(String).sort();
  } catch {
    return null;
  }
}

describe('CLI: import-card and export-card (node dist/cli.js)', function () {
  this.timeout(60_000);
  let cli: string;
  let work: string;

  before(async () => {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-cardcli-build-'));
    cli = path.join(out, 'cli.js');
    await build({ entryPoints: [path.join(ROOT, 'src', 'cli.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: cli, logLevel: 'silent' });
  });
  beforeEach(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-cardcli-'));
  });
  afterEach(() => fs.rm(work, { recursive: true, force: true }));

  function run(args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      execFile(process.execPath, [cli, ...args], { cwd: work, env: { PATH: process.env.PATH } }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
  }
  async function file(name: string, bytes: Uint8Array | string): Promise<string> {
    const p = path.join(work, 'in', name);
    await fs.mkdir(path.dirname(p), { recursive: true });
    await fs.writeFile(p, bytes);
    return p;
  }

  it('imports several cards, prints the written files last, and exports each format', async () => {
    const r = await run(['import-card', await file('ada.json', JSON.stringify(v1Card)), await file('bram.png', pngWith([['chara', b64(v2Card)]])), '--workspace', 'ws']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.at(-1), path.join(work, 'ws', 'characters', 'bram-okafor.md'));
    assert.match(r.stderr, /imported ada\.json as ada-quill/);
    for (const format of ['png', 'json', 'charx']) {
      const e = await run(['export-card', 'bram-okafor', '--workspace', 'ws', '--format', format]);
      assert.equal(e.code, 0, e.stderr);
      const out = e.stdout.trim().split('\n').at(-1)!;
      assert.equal(out, path.join(work, 'ws', 'exports', `bram-okafor.${format}`));
      const back = await run(['import-card', out, '--workspace', `again-${format}`]);
      assert.equal(back.code, 0, back.stderr);
      assert.equal(await fs.readFile(back.stdout.trim(), 'utf8'), await fs.readFile(lines.at(-1)!, 'utf8'));
    }
    const custom = await run(['export-card', 'ada-quill', '--workspace', 'ws', '--out', 'cards/ada.card.png']);
    assert.equal(custom.stdout.trim(), path.join(work, 'cards', 'ada.card.png'));
  });

  const bad: Array<[string, () => Promise<string[]>, RegExp]> = [
    ['a PNG without a card', async () => ['import-card', await file('plain.png', pngWith())], /no character card/],
    ['corrupt base64', async () => ['import-card', await file('b.png', pngWith([['chara', '!!!']]))], /not valid base64/],
    ['corrupt JSON', async () => ['import-card', await file('c.json', '{"name":')], /not valid JSON/],
    ['a card with no name', async () => ['import-card', await file('n.json', JSON.stringify({ ...v1Card, name: '' }))], /no name/],
    [
      'an oversized file',
      async () => {
        const f = await file('big.png', pngWith());
        await fs.truncate(f, 60 * 1024 * 1024);
        return ['import-card', f];
      },
      /larger than any card/,
    ],
    ['a bomb-like archive', async () => ['import-card', await file('bomb.charx', zipOfDeflated([{ name: 'card.json', raw: Buffer.from(JSON.stringify(v2Card)) }, { name: 'x', raw: Buffer.alloc(40 << 20) }]))], /zip bomb/],
    ['no file named', async () => ['import-card'], /usage: import-card FILE/],
    ['an unknown character to export', async () => ['export-card', 'nobody'], /no character "nobody"/],
    ['an unknown export format', async () => ['export-card', 'ada-quill', '--format', 'gif'], /--format must be one of png, json, charx/],
  ];
  for (const [what, args, message] of bad) {
    it(`refuses ${what}: one line, exit 2, nothing written`, async () => {
      const a = await args();
      const before = await tree(work);
      const r = await run([...a, '--workspace', 'ws']);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.deepEqual(await tree(work), before, 'nothing written');
    });
  }

  it('refuses an id that exists unless --replace', async () => {
    const f = await file('ada.json', JSON.stringify(v1Card));
    assert.equal((await run(['import-card', f, '--workspace', 'ws'])).code, 0);
    const md = path.join(work, 'ws', 'characters', 'ada-quill.md');
    await fs.appendFile(md, '\n'); // a local edit that a refused import must not touch
    const edited = await fs.readFile(md, 'utf8');
    const again = await run(['import-card', f, '--workspace', 'ws']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /^error: ada\.json: character "ada-quill" already exists .*use --replace to overwrite it\n$/);
    assert.equal(await fs.readFile(md, 'utf8'), edited);
    const replaced = await run(['import-card', f, '--workspace', 'ws', '--replace']);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.notEqual(await fs.readFile(md, 'utf8'), edited);
  });
});
