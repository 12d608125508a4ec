import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ExportError, exportSession } from '../../../src/engine/export/exportSession';
import { sessionView } from '../../../src/engine/export/sessionView';
import { viewerAssets } from '../../../src/engine/export/viewerAssets';
import { inertJson, readStamp, renderViewerPage } from '../../../src/engine/export/viewerPage';
import { parseEventLog } from '../../../src/engine/store/sessionSchema';
import { pageDataSchema } from '../../../src/protocol';

const ROOT = resolve(__dirname, '../../..');
const ASSETS = viewerAssets('console.log("viewer");\n//# sourceMappingURL=webview.js.map\n', ['body{color:red}', '.x{color:blue}']);

async function logOf(folder: string): Promise<unknown> {
  return JSON.parse(await readFile(join(ROOT, folder, 'event-log.json'), 'utf8'));
}

describe('export (engine)', () => {
  it('writes JSON that cannot leave its <script> element and parses back unchanged', () => {
    const data = { text: '</script><script>alert(1)</script> <!-- \u2028' };
    const json = inertJson(data);
    assert.ok(!json.includes('<'));
    assert.deepEqual(JSON.parse(json), data);
  });

  it('puts the hashes of exactly the inlined script and styles in the CSP, and drops the source map comment', () => {
    const parsed = parseEventLog(JSON.parse(JSON.stringify({ session_id: 's', started_at: 'x', ended_at: null, model: 'm', participants: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }], events: [] })));
    assert.ok(parsed.ok);
    const view = sessionView(parsed.log);
    const html = renderViewerPage(view, 'T <x>', ASSETS, 'f'.repeat(64));
    assert.ok(!ASSETS.script.includes('sourceMappingURL'));
    const hash = (s: string): string => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    const csp = /content="(default-src[^"]+)"/.exec(html)![1]!.replace(/&#39;/g, "'");
    assert.ok(csp.includes(`script-src ${hash(ASSETS.script)}`), csp);
    assert.ok(csp.includes(`style-src ${hash('body{color:red}')} ${hash('.x{color:blue}')}`), csp);
    assert.ok(html.includes(`<script>${ASSETS.script}</script>`));
    assert.ok(html.includes('<title>T &lt;x&gt;</title>'));
    assert.equal(readStamp(html), 'f'.repeat(64));
  });

  it('refuses a renderer that would end its own <script> early', () => {
    const bad = viewerAssets('var s = "</script>";', ['']);
    const parsed = parseEventLog({ session_id: 's', started_at: 'x', ended_at: null, model: 'm', participants: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }], events: [] });
    assert.ok(parsed.ok);
    assert.throws(() => renderViewerPage(sessionView(parsed.log), 't', bad, 'f'.repeat(64)), /cannot be inlined/);
  });

  it('maps the legacy batch log to the viewer events: speech as responses, thoughts as deliberation', async () => {
    const parsed = parseEventLog(await logOf('test/fixtures/sessions/batch/2026-09-14T1010Z-batch-pricing'));
    assert.ok(parsed.ok);
    const view = sessionView(parsed.log);
    assert.equal(view.form, 'batch');
    assert.deepEqual(view.cast.map((m) => [m.id, m.name, m.glyph]), [['tycoon', 'The Tycoon', 'T'], ['hotelier', 'The Hotelier', 'T']]);
    assert.deepEqual(view.events.map((e) => `${e.turn}:${e.type}`), ['1:deliberation', '1:speak', '2:deliberation', '2:speak']);
    assert.ok(pageDataSchema.safeParse(view).success, 'the page data passes the webview schema');
  });

  it('links a carried-over session to its sibling by a relative path', async () => {
    const parsed = parseEventLog(await logOf('test/fixtures/sessions/interactive/2026-11-23T0941Z-the-harbour-deal-again'));
    assert.ok(parsed.ok);
    const view = sessionView(parsed.log);
    assert.deepEqual(view.links, [{ rel: 'continues', session: '2026-11-23T0915Z-the-harbour-deal-again', href: '../2026-11-23T0915Z-the-harbour-deal-again/view.html' }]);
    assert.ok(pageDataSchema.safeParse(view).success);
  });

  it('says in one line why a folder cannot be exported, and writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dp-export-'));
    try {
      await assert.rejects(exportSession(dir, ASSETS), (e: unknown) => e instanceof ExportError && /has no event-log\.json/.test(e.message));
      await mkdir(join(dir, 'bad'));
      await writeFile(join(dir, 'bad', 'event-log.json'), '{"mode":"interactive"}');
      await assert.rejects(exportSession(join(dir, 'bad'), ASSETS), (e: unknown) => e instanceof ExportError && !e.message.includes('\n'));
      await assert.rejects(readFile(join(dir, 'bad', 'view.html')), /ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
