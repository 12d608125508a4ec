import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { PageData, SiteComparison, SiteEntry, SiteIndex } from '../../protocol';
import { SESSION_FILES, writeFileAtomic } from '../store/sessionFiles';
import type { EventLog } from '../store/sessionSchema';
import { compareView, type CompareReplicate, type CompareSubject } from './compareView';
import { ExportError, exportSession, VIEW_FILE } from './exportSession';
import { sessionView } from './sessionView';
import { readStamp, renderViewerPage, type ViewerAssets } from './viewerPage';

/** The site's front page. */
export const INDEX_FILE = 'index.html';

/** Folder names a relative link may carry as is (session folders are made of these). */
const LINKABLE = /^[A-Za-z0-9._ -]+$/;

/** One experiment condition to compare: its replicates' session folders (names directly under the sessions folder). */
export interface CompareGroup extends CompareSubject {
  replicates: Array<{ replicate: number; folder: string }>;
}

/** A compare page's file name: `compare-<condition id>.html` (ids are `c-` and hex; anything else is made safe). */
export const compareFile = (conditionId: string): string => `compare-${conditionId.replace(/[^A-Za-z0-9._-]/g, '_')}.html`;

/** What a site build did; `skipped` are folders whose log could not be read (one line each). */
export interface SiteResult {
  index: string;
  written: string[];
  unchanged: string[];
  skipped: Array<{ folder: string; reason: string }>;
}

function entry(name: string, log: EventLog): SiteEntry {
  const view = sessionView(log);
  return {
    sessionId: view.sessionId, href: `${name}/${VIEW_FILE}`, title: view.title, brief: view.brief?.title ?? null,
    startedAt: view.startedAt, model: view.model, turns: view.turns, usd: view.totalUsd,
    cast: view.cast.map((m) => ({ id: m.id, name: m.name, glyph: m.glyph, color: m.color })),
  };
}

/**
 * Builds the static site: a `view.html` per session folder directly under `sessionsDir` (beside its log when
 * `outDir` is the sessions folder, else in `outDir/<folder>/`) and `index.html` listing them. Incremental: a
 * page whose stamp matches its log and the renderer is not rewritten, nor is an index that would not change.
 */
export async function buildSite(sessionsDir: string, assets: ViewerAssets, outDir = sessionsDir, groups: readonly CompareGroup[] = []): Promise<SiteResult> {
  const entries = await fs.readdir(sessionsDir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    throw new ExportError(err.code === 'ENOENT' ? `no such folder: ${sessionsDir}` : `cannot read ${sessionsDir}: ${String(err)}`);
  });
  const folders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  const result: SiteResult = { index: path.join(outDir, INDEX_FILE), written: [], unchanged: [], skipped: [] };
  const rows: SiteEntry[] = [];
  const logs = new Map<string, EventLog>();
  for (const name of folders) {
    const folder = path.join(sessionsDir, name);
    if (!(await fs.stat(path.join(folder, SESSION_FILES.log)).catch(() => null))?.isFile()) continue;
    if (!LINKABLE.test(name)) {
      result.skipped.push({ folder, reason: 'the folder name has characters a relative link cannot carry as is' });
      continue;
    }
    const out = path.join(outDir, name, VIEW_FILE);
    try {
      if (outDir !== sessionsDir) await fs.mkdir(path.dirname(out), { recursive: true });
      const r = await exportSession(folder, assets, { out, skipUnchanged: true });
      (r.written ? result.written : result.unchanged).push(out);
      rows.push(entry(name, r.log));
      logs.set(name, r.log);
    } catch (err) {
      if (!(err instanceof ExportError)) throw err;
      result.skipped.push({ folder, reason: err.message });
    }
  }
  rows.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const comparisons: SiteComparison[] = [];
  for (const g of groups) {
    const replicates: CompareReplicate[] = [];
    for (const r of g.replicates) {
      const log = logs.get(r.folder);
      if (log?.mode === 'interactive') replicates.push({ replicate: r.replicate, folder: r.folder, log });
    }
    if (replicates.length === 0) continue;
    const href = compareFile(g.conditionId);
    await writePage(path.join(outDir, href), compareView(g, replicates), g.title, assets, result);
    comparisons.push({ href, title: g.title, replicates: replicates.length });
  }
  const data: SiteIndex = { kind: 'index', title: 'Dialogue sessions', sessions: rows, ...(comparisons.length > 0 ? { comparisons } : {}) };
  await writePage(result.index, data, data.title, assets, result);
  return result;
}

/** Writes a page unless the one there was made from the same data and renderer (its stamp says so). */
async function writePage(file: string, data: PageData, title: string, assets: ViewerAssets, result: SiteResult): Promise<void> {
  const stamp = createHash('sha256').update(assets.digest).update('\0').update(JSON.stringify(data)).digest('hex');
  const existing = await fs.readFile(file, 'utf8').catch(() => null);
  if (existing === null || readStamp(existing) !== stamp) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, renderViewerPage(data, title, assets, stamp));
    result.written.push(file);
  } else {
    result.unchanged.push(file);
  }
}
