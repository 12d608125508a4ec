import * as path from 'node:path';

/**
 * Which panels are open, kept in the workspace Memento so that after a window reload the serializer can
 * give each restored webview its session back. The webview's own state cannot carry this: the webview
 * owns `setState` and may overwrite it at any time.
 */

/** `vscode.Memento` satisfies this. */
export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** One open panel; `sessionDir` is absolute and unique among records. */
export interface OpenPanelRecord {
  sessionDir: string;
  /** the panel tab's title when it was opened, to match restored panels to records. */
  panelTitle: string;
  /** live: the session was running (recover + resume after a reload); replay: a read-only closed log. */
  mode: 'live' | 'replay';
}

export const OPEN_PANELS_KEY = 'dialogue.openPanels';

function isRecord(v: unknown): v is OpenPanelRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.sessionDir === 'string' && typeof r.panelTitle === 'string' && (r.mode === 'live' || r.mode === 'replay');
}

export class OpenPanelRegistry {
  // Records already handed to a restored panel during this activation, so two panels never share one.
  private readonly claimed = new Set<string>();

  constructor(private readonly memento: MementoLike) {}

  list(): OpenPanelRecord[] {
    const raw = this.memento.get<unknown>(OPEN_PANELS_KEY);
    return Array.isArray(raw) ? raw.filter(isRecord) : [];
  }

  async put(record: OpenPanelRecord): Promise<void> {
    this.claimed.add(record.sessionDir);
    await this.memento.update(OPEN_PANELS_KEY, [...this.list().filter((r) => r.sessionDir !== record.sessionDir), record]);
  }

  /** The panel of `fromDir` now shows `record.sessionDir` (a carry-over): one update, so no reload sees both or neither. */
  async move(fromDir: string, record: OpenPanelRecord): Promise<void> {
    this.claimed.delete(fromDir);
    this.claimed.add(record.sessionDir);
    const others = this.list().filter((r) => r.sessionDir !== fromDir && r.sessionDir !== record.sessionDir);
    await this.memento.update(OPEN_PANELS_KEY, [...others, record]);
  }

  async remove(sessionDir: string): Promise<void> {
    this.claimed.delete(sessionDir);
    await this.memento.update(OPEN_PANELS_KEY, this.list().filter((r) => r.sessionDir !== sessionDir));
  }

  /**
   * The record for a panel being restored: the one named in its state if any, else the first unclaimed one
   * with the same title, else the first unclaimed one.
   */
  claim(hint: { sessionDir?: unknown; panelTitle: string }): OpenPanelRecord | undefined {
    const free = this.list().filter((r) => !this.claimed.has(r.sessionDir));
    const pick =
      free.find((r) => typeof hint.sessionDir === 'string' && r.sessionDir === hint.sessionDir) ??
      free.find((r) => r.panelTitle === hint.panelTitle) ??
      free[0];
    if (pick) this.claimed.add(pick.sessionDir);
    return pick;
  }

  /** Session folders a panel owns (claimed now or still to be restored): recovery must leave them alone. */
  ownedDirs(): Set<string> {
    return new Set([...this.list().map((r) => r.sessionDir), ...this.claimed]);
  }
}

/** Unclosed session folders nobody owns: not running in a panel, and not about to be restored into one. */
export function orphanedSessions(unclosed: readonly string[], owned: ReadonlySet<string>): string[] {
  const resolvedOwned = new Set([...owned].map((d) => path.resolve(d)));
  return unclosed.filter((d) => !resolvedOwned.has(path.resolve(d)));
}
