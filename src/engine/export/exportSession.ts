import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SESSION_FILES, writeFileAtomic } from '../store/sessionFiles';
import { parseEventLog, type EventLog } from '../store/sessionSchema';
import { sessionView } from './sessionView';
import { readStamp, renderViewerPage, sourceStamp, type ViewerAssets } from './viewerPage';

/** The page a session folder gets by default, beside its log. */
export const VIEW_FILE = 'view.html';

/** Why an export could not be made; the message is one line for the researcher. */
export class ExportError extends Error {}

/** A session's log, read and validated (a folder without a closed log cannot be exported). */
export async function readSessionLog(sessionDir: string): Promise<{ log: EventLog; text: string }> {
  const file = path.join(sessionDir, SESSION_FILES.log);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ExportError(code === 'ENOENT' ? `${sessionDir} has no ${SESSION_FILES.log} (is the session closed? run \`recover\` first)` : `cannot read ${file}: ${String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ExportError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = parseEventLog(json);
  if (!parsed.ok) throw new ExportError(`${file}: ${parsed.issues[0]!.path}: ${parsed.issues[0]!.message} (run \`audit\` for all problems)`);
  return { log: parsed.log, text };
}

/** What one export did: the page's path, and whether it was (re)written or already up to date. */
export interface ExportResult {
  file: string;
  written: boolean;
  log: EventLog;
}

/**
 * Writes the session's one-file page (atomically). With `skipUnchanged`, a page whose stamp says it was made
 * from these very bytes by this very renderer is left alone (the static site's incremental rebuild).
 */
export async function exportSession(sessionDir: string, assets: ViewerAssets, opts: { out?: string; skipUnchanged?: boolean } = {}): Promise<ExportResult> {
  const { log, text } = await readSessionLog(sessionDir);
  const file = opts.out ?? path.join(sessionDir, VIEW_FILE);
  const stamp = sourceStamp(text, assets);
  if (opts.skipUnchanged) {
    const existing = await fs.readFile(file, 'utf8').catch(() => null);
    if (existing !== null && readStamp(existing) === stamp) return { file, written: false, log };
  }
  const view = sessionView(log);
  await writeFileAtomic(file, renderViewerPage(view, view.title, assets, stamp));
  return { file, written: true, log };
}
