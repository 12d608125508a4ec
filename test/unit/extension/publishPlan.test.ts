import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { defaultExportFile, publishMessage, publishPaths } from '../../../src/extension/sessions/publishPlan';

const root = path.resolve('/viewer', 'sessions');
const at = (...parts: string[]): string => path.join(root, ...parts);
const member = (name: string) => ({ id: name.toLowerCase(), name, glyph: name[0]!, color: '#333', joinedTurn: 0, leftTurn: null });

describe('publishing: what is committed and how it is named', () => {
  it('exports beside the session folder by default, named after it', () => {
    assert.equal(defaultExportFile(at('2026-11-22T0407Z-harbour')), at('2026-11-22T0407Z-harbour.html'));
  });

  it('commits the session folder, index.json, index.html and only the refreshed pages of sessions already published', () => {
    const session = at('b-session');
    const written = [at('a-old', 'view.html'), at('c-never', 'view.html'), at('b-session', 'view.html'), at('index.html'), at('a-old', 'view.html')];
    const tracked = new Set([at('a-old', 'view.html'), at('index.html')]);
    const { paths, refreshed } = publishPaths({ sessionDir: session, sessionsDir: root, written, tracked });
    assert.deepEqual(paths, [session, at('index.json'), at('index.html'), at('a-old', 'view.html')]);
    assert.deepEqual(refreshed, [at('a-old', 'view.html')]);
    // A session never published before: its page stays out even though the build wrote it.
    assert.ok(!paths.includes(at('c-never', 'view.html')));
  });

  it('with nothing else rewritten, commits just the session, the index and the front page', () => {
    const { paths, refreshed } = publishPaths({ sessionDir: at('x'), sessionsDir: root, written: [], tracked: new Set() });
    assert.deepEqual(paths, [at('x'), at('index.json'), at('index.html')]);
    assert.deepEqual(refreshed, []);
  });

  it('names the session by title and id, with its cast, turns and model below', () => {
    const message = publishMessage({ title: 'Harbour deal', sessionId: '2026-11-22T0407Z-harbour', cast: [member('Mara'), member('Oskar')], turns: 3, model: 'claude-sonnet-5-5' });
    assert.equal(message, 'Publish session "Harbour deal" (2026-11-22T0407Z-harbour)\n\nCast: Mara, Oskar · 3 turns · model claude-sonnet-5-5.\n');
  });

  it('keeps the subject one line of bounded length whatever the title holds, and says when older pages were refreshed', () => {
    const title = `Line one\nline\ttwo ${'x'.repeat(200)}`;
    const message = publishMessage({ title, sessionId: 'id-1', cast: [], turns: 1, model: 'm' }, 2);
    const [subject, blank, facts, refreshed] = message.split('\n');
    assert.match(subject!, /^Publish session "Line one line two x+…" \(id-1\)$/);
    assert.ok(subject!.length < 100);
    assert.equal(blank, '');
    assert.equal(facts, '1 turn · model m.');
    assert.match(refreshed!, /Refreshes 2 pages of sessions published before/);
  });

  it('names a session by its id alone when it has no title of its own', () => {
    assert.match(publishMessage({ title: 'id-2', sessionId: 'id-2', cast: [], turns: 0, model: 'm' }), /^Publish session id-2\n/);
  });
});
