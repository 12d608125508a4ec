import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

/** The CLI from source (so it finds the package root and the built renderer in dist/, as the shipped one does). */
function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI: export and site', function () {
  this.timeout(120_000);
  let dir: string;

  before(async () => {
    // `npm test` builds first; a lone run of this file builds the renderer the export inlines.
    if (!(await stat(join(ROOT, 'dist/webview.js')).catch(() => null))) spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT });
    dir = await mkdtemp(join(tmpdir(), 'dp-export-cli-'));
    await cp(join(ROOT, 'test/fixtures/sessions/interactive'), dir, { recursive: true });
    await cp(join(ROOT, 'test/fixtures/sessions/batch'), dir, { recursive: true });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('export SESSION_DIR writes SESSION_DIR/view.html and prints its path last; --out writes elsewhere', async () => {
    const session = join(dir, '2026-11-22T0407Z-harbour-deal');
    const r = cli('export', session);
    assert.equal(r.code, 0, r.stderr);
    const last = r.stdout.trim().split('\n').pop();
    assert.equal(last, join(session, 'view.html'));
    assert.match(await readFile(last!, 'utf8'), /default-src 'none'|default-src &#39;none&#39;/);
    const out = join(dir, 'elsewhere.html');
    const r2 = cli('export', session, '--out', out);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(r2.stdout.trim().split('\n').pop(), out);
  });

  it('a folder without a log: one line on stderr, exit 2, nothing written', async () => {
    const r = cli('export', join(dir, 'nope'));
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^error: .*has no event-log\.json/);
    assert.equal(await stat(join(dir, 'nope', 'view.html')).catch(() => null), null);
  });

  it('site SESSIONS_DIR writes index.html and the pages in place; audit still passes', () => {
    const r = cli('site', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').pop(), join(dir, 'index.html'));
    const again = cli('site', dir);
    assert.match(again.stdout, /^0 page\(s\) written, 5 unchanged/);
    const audit = cli('audit', dir);
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
  });
});
