// Room `extension/characters`: the character library in VS Code — watching files, Problems-panel entries,
// new-character and sample commands, ids. May import: the engine, extension/sessions (problem ranges).
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { loadLibrary, type Library } from '../../engine/cast/characters';
import { describeError, type LogSink } from '../logSink';
import { characterDiagnostics, type FileDiagnostic } from '../sessions/problemRanges';

const RELOAD_DELAY_MS = 150;

/** Turns plain diagnostics into the Problems panel's, per file. */
export function setDiagnostics(collection: vscode.DiagnosticCollection, byFile: Map<string, FileDiagnostic[]>): void {
  collection.clear();
  for (const [file, list] of byFile) {
    collection.set(
      vscode.Uri.file(file),
      list.map((d) => {
        const r = d.range;
        const diagnostic = new vscode.Diagnostic(
          new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter),
          d.message,
          vscode.DiagnosticSeverity.Error,
        );
        diagnostic.source = 'Dialogue';
        return diagnostic;
      }),
    );
  }
}

const readText = (file: string): Promise<string | undefined> => fs.readFile(file, 'utf8').then((t) => t, () => undefined);

/**
 * The character library of the workspace, kept current: any change under the characters folder reloads it
 * (the whole folder — a few dozen small files — so there is one code path and no partial state), refreshes
 * the Problems panel, and tells open panels (which mark present members whose file changed as edited).
 */
export class CharacterLibrary implements vscode.Disposable {
  private library: Library | null = null;
  private folder: string | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private loading: Promise<Library> | undefined;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('dialogue-characters');
  private readonly changed = new vscode.EventEmitter<Library>();
  /** Fires after every reload. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: LogSink) {}

  get current(): Library | null {
    return this.library;
  }

  get charactersDir(): string | undefined {
    return this.folder;
  }

  /** Watches `dir` (absolute) instead of the previous folder, and loads it. */
  async setFolder(dir: string | undefined): Promise<void> {
    if (dir === this.folder && this.watcher) return;
    this.watcher?.dispose();
    this.watcher = undefined;
    this.folder = dir;
    if (!dir) {
      this.library = null;
      this.diagnostics.clear();
      return;
    }
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '**/*.md'));
    const schedule = (): void => this.scheduleReload();
    watcher.onDidCreate(schedule);
    watcher.onDidChange(schedule);
    watcher.onDidDelete(schedule);
    this.watcher = watcher;
    await this.reload();
  }

  /** The library, loading it first if nothing has been loaded yet. */
  async ensureLoaded(): Promise<Library> {
    if (this.library) return this.library;
    return this.loading ?? this.reload();
  }

  /** Reloads now (after writing files ourselves there is no reason to wait for the watcher). */
  reload(): Promise<Library> {
    const dir = this.folder;
    const run = async (): Promise<Library> => {
      const empty: Library = { characters: new Map(), briefs: new Map(), problems: [] };
      if (!dir) return empty;
      try {
        const library = await loadLibrary(dir);
        if (dir !== this.folder) return library; // the folder setting changed while loading
        this.library = library;
        setDiagnostics(this.diagnostics, await characterDiagnostics(library.problems, readText));
        this.log.info(`characters: ${library.characters.size} loaded, ${library.briefs.size} briefs, ${library.problems.length} problems (${dir})`);
        this.changed.fire(library);
        return library;
      } catch (err) {
        this.log.error(`loading characters from ${dir} failed: ${describeError(err)}`);
        return this.library ?? empty;
      }
    };
    // Chained so two reloads never interleave and the last one's result wins.
    const next = (this.loading ?? Promise.resolve(undefined)).then(run, run);
    this.loading = next;
    void next.finally(() => {
      if (this.loading === next) this.loading = undefined;
    });
    return next;
  }

  private scheduleReload(): void {
    if (this.timer) clearTimeout(this.timer);
    // Editors save in bursts (write, rename, touch); one reload per burst.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reload();
    }, RELOAD_DELAY_MS);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.dispose();
    this.diagnostics.dispose();
    this.changed.dispose();
  }
}
