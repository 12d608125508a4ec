import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseCharacterFile } from '../../../src/engine/cast/characters';
import { auditSessions } from '../../../src/engine/store/sessionAudit';
import { locateJsonPath, parseJsonPath } from '../../../src/extension/sessions/jsonLocator';
import { auditDiagnostics, characterDiagnostics, loadProblemRange, type FileDiagnostic } from '../../../src/extension/sessions/problemRanges';
import { removeTempDirs, tempDir, writeSession } from './extensionSessions';

const reader = (files: Record<string, string>) => async (file: string) => files[file];
const readDisk = (file: string) => fs.readFile(file, 'utf8').then((t) => t, () => undefined);

describe('extension: problems -> diagnostics', () => {
  after(removeTempDirs);

  describe('character files (LoadProblem -> range)', () => {
    it('converts 1-based line/column to a 0-based range to the end of the line', () => {
      const text = '---\nname: Mara\nglyph: TOOLONG\n---\nProfile';
      assert.deepEqual(loadProblemRange({ file: 'f', line: 3, column: 8, message: 'glyph' }, text), {
        startLine: 2, startCharacter: 7, endLine: 2, endCharacter: 14,
      });
    });

    it('stays inside the file when the position is past its end or the line is empty', () => {
      const text = 'a\n\n';
      assert.deepEqual(loadProblemRange({ file: 'f', line: 2, column: 5, message: '' }, text), { startLine: 1, startCharacter: 0, endLine: 1, endCharacter: 1 });
      assert.deepEqual(loadProblemRange({ file: 'f', line: 40, column: 1, message: '' }, text).startLine, 2);
      assert.deepEqual(loadProblemRange({ file: 'f', line: 0, column: 0, message: '' }, undefined), { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 1 });
    });

    it('maps a real parse problem onto the offending line', async () => {
      const file = '/ws/characters/mara.md';
      const text = '---\nname: Mara Voss\nglyph: WXYZ\n---\nShe builds piers.\n';
      const parsed = parseCharacterFile(file, text);
      assert.equal(parsed.ok, false);
      const byFile = await characterDiagnostics(parsed.ok ? [] : parsed.problems, reader({ [file]: text }));
      const diags = byFile.get(file)!;
      assert.ok(diags.length >= 1);
      assert.equal(diags[0]!.range.startLine, 2, 'the glyph line');
      assert.match(diags[0]!.message, /glyph/);
    });

    it('groups problems by file', async () => {
      const byFile = await characterDiagnostics(
        [
          { file: '/a.md', line: 1, column: 1, message: 'one' },
          { file: '/b.md', line: 2, column: 1, message: 'two' },
          { file: '/a.md', line: 3, column: 1, message: 'three' },
        ],
        reader({}),
      );
      assert.deepEqual([...byFile.keys()], ['/a.md', '/b.md']);
      assert.deepEqual(byFile.get('/a.md')!.map((d) => d.message), ['one', 'three']);
    });
  });

  describe('JSON paths in event-log.json', () => {
    const text = JSON.stringify({ schema_version: 1, events: [{ seq: 1, type: 'intro' }, { seq: 2, type: 'speak', speaker: 'ghost', text: 'a "quoted" [x]' }], totals: { usd: 1 } }, null, 2);

    it('parses paths', () => {
      assert.deepEqual(parseJsonPath('events[12].speaker'), ['events', 12, 'speaker']);
      assert.deepEqual(parseJsonPath('$'), []);
      assert.deepEqual(parseJsonPath('["odd key"].x'), ['odd key', 'x']);
      assert.equal(parseJsonPath('events[x]'), null);
    });

    it('finds the line of a nested property', () => {
      const at = locateJsonPath(text, 'events[1].speaker')!;
      const line = text.split('\n')[at.line]!;
      assert.match(line, /"speaker": "ghost"/);
      assert.equal(line.indexOf('"speaker"'), at.character);
      assert.equal(at.exact, true);
    });

    it('falls back to the nearest ancestor for a missing member or cut-off text, and null when it cannot scan', () => {
      const at = locateJsonPath(text, 'totals.input_tokens')!;
      assert.equal(at.exact, false);
      assert.match(text.split('\n')[at.line]!, /"totals"/);
      assert.deepEqual(locateJsonPath('{\n "events": [', 'events[0]'), { line: 1, character: 1, exact: false });
      assert.equal(locateJsonPath('{"a": nope, "events": []}', 'events'), null);
      assert.deepEqual(locateJsonPath(text, '$'), { line: 0, character: 0, exact: true });
    });
  });

  describe('audit problems', () => {
    it('puts a real audit finding on the line of the bad speaker, and a missing transcript on the log', async () => {
      const sessions = await tempDir('audit');
      const dir = await writeSession(sessions, { title: 'Harbour', started: '2026-11-22T04:07:00Z' });
      const logFile = path.join(dir, 'event-log.json');
      const log = JSON.parse(await fs.readFile(logFile, 'utf8')) as { events: Array<{ type: string; speaker?: string }> };
      const speakIndex = log.events.findIndex((e) => e.type === 'speak');
      log.events[speakIndex]!.speaker = 'ghost';
      await fs.writeFile(logFile, JSON.stringify(log, null, 2));
      await fs.rm(path.join(dir, 'transcript.md'));

      const result = await auditSessions(sessions);
      const byFile = await auditDiagnostics(result.problems, sessions, readDisk);
      assert.deepEqual([...byFile.keys()], [logFile]);
      const diags: FileDiagnostic[] = byFile.get(logFile)!;
      const lines = (await fs.readFile(logFile, 'utf8')).split('\n');
      const speaker = diags.find((d) => d.message.includes(`events[${speakIndex}].speaker`));
      assert.ok(speaker, `a diagnostic for the speaker among: ${diags.map((d) => d.message).join(' | ')}`);
      assert.match(lines[speaker.range.startLine]!, /"speaker": "ghost"/);
      const transcript = diags.find((d) => /transcript/.test(d.message));
      assert.ok(transcript, 'missing transcript reported');
      assert.equal(transcript.range.startLine, 0);
    });

    it('a corrupt log gets its diagnostic on line 1', async () => {
      const sessions = await tempDir('corrupt');
      const dir = await writeSession(sessions, { title: 'Broken', started: '2026-11-22T05:00:00Z' });
      await fs.writeFile(path.join(dir, 'event-log.json'), '{"events": [\n  {"seq": 1,\n');
      const result = await auditSessions(sessions);
      assert.ok(result.problems.length > 0);
      const byFile = await auditDiagnostics(result.problems, sessions, readDisk);
      for (const d of byFile.get(path.join(dir, 'event-log.json'))!) assert.equal(d.range.startLine, 0);
    });

    it('resolves relative folders against the sessions folder and keeps file-named problems on their file', async () => {
      const files = { '/s/a/transcript.md': '# T\n', '/s/a/event-log.json': '{}' };
      const byFile = await auditDiagnostics(
        [{ folder: 'a', path: 'transcript.md', message: 'out of date' }],
        '/s',
        reader(files),
      );
      assert.deepEqual([...byFile.keys()], ['/s/a/transcript.md']);
      assert.equal(byFile.get('/s/a/transcript.md')![0]!.message, 'out of date (transcript.md)');
    });
  });
});
