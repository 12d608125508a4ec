// In the real extension host: a character file that does not parse shows up in the Problems panel (via
// the file watcher, not a command), with its line, and the rest of the library stays usable.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activeExtension, charactersDir, closeAllEditors, waitFor } from './extensionUnderTest';

/** Line 3 (index 2) has an unclosed flow sequence: YAML cannot parse the front matter. */
const BROKEN_CHARACTER = ['---', 'name: Broken Bea', 'tagline: [never closed', 'glyph: B', '---', 'A profile nobody can read.', ''].join('\n');

describe('character file diagnostics', () => {
  const file = (): string => path.join(charactersDir(), 'broken.md');
  before(() => activeExtension());
  after(() => fs.rmSync(file(), { force: true }));

  it('reports characters/broken.md with bad YAML in the Problems panel, at the front matter', async () => {
    const uri = vscode.Uri.file(file());
    assert.deepEqual(vscode.languages.getDiagnostics(uri), [], 'no diagnostics before the file exists');
    fs.writeFileSync(file(), BROKEN_CHARACTER);

    const diagnostics = await waitFor(() => {
      const found = vscode.languages.getDiagnostics(uri);
      return found.length > 0 ? found : undefined;
    }, 'a diagnostic on characters/broken.md');
    const first = diagnostics[0]!;
    assert.equal(first.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(first.source, 'Dialogue');
    assert.ok(first.range.start.line >= 1 && first.range.start.line <= 4, `reported at line ${first.range.start.line + 1}, outside the front matter`);
    assert.ok(first.message.length > 0);
  });

  it('keeps the valid characters usable while one file is broken', async () => {
    const dir = await vscode.commands.executeCommand<string>('dialogue.startPanel', { cast: ['mara'] });
    assert.ok(dir);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('dialogue.startPanel', { cast: ['broken'] })), /unknown character "broken"/);
    await closeAllEditors();
  });

  it('clears the diagnostic once the file is fixed', async () => {
    const uri = vscode.Uri.file(file());
    fs.writeFileSync(file(), BROKEN_CHARACTER.replace('[never closed', 'Fixed now'));
    await waitFor(() => vscode.languages.getDiagnostics(uri).length === 0, 'the diagnostic to clear');
    assert.ok(await vscode.commands.executeCommand<string>('dialogue.startPanel', { cast: ['broken'] }));
    await closeAllEditors();
  });
});
