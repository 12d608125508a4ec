import * as path from 'node:path';
import type { SessionView } from '../../protocol';
import { SESSION_FILES } from '../../engine/store/sessionFiles';
import { INDEX_FILE } from '../../engine/export/sessionSite';

/**
 * What one publish commits and how the commit is named: plain decisions, apart from Git and VS Code, so they
 * are tested as they are.
 */

/** Where a one-file export goes unless the researcher says otherwise: beside the session folder, named after it. */
export function defaultExportFile(sessionDir: string): string {
  return path.join(path.dirname(sessionDir), `${path.basename(sessionDir)}.html`);
}

/** What the site build reported, as far as choosing the commit's paths goes. */
export interface PublishInputs {
  /** the session folder being published (absolute). */
  sessionDir: string;
  /** the folder holding it, with `index.json` and the site's `index.html` (absolute). */
  sessionsDir: string;
  /** every page the site build (re)wrote (absolute). */
  written: readonly string[];
  /** which of `written` the repository already tracks (absolute). */
  tracked: ReadonlySet<string>;
}

function inside(folder: string, file: string): boolean {
  const rel = path.relative(folder, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * The paths a publish commits: the whole session folder, `index.json`, the site's `index.html`, and the pages of
 * sessions published before that this build refreshed (a new renderer rewrites them all; leaving them behind
 * would leave the published site mixed). Pages of sessions never published stay out: publishing one session
 * publishes no other.
 */
export function publishPaths(p: PublishInputs): { paths: string[]; refreshed: string[] } {
  const index = path.join(p.sessionsDir, INDEX_FILE);
  const refreshed = [...new Set(p.written.filter((f) => f !== index && !inside(p.sessionDir, f) && p.tracked.has(f)))].sort();
  return { paths: [p.sessionDir, path.join(p.sessionsDir, SESSION_FILES.index), index, ...refreshed], refreshed };
}

const SUBJECT_MAX = 72;

/** One line of log text fit for a commit subject: whitespace folded, length capped. */
function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/**
 * The commit message: the session's title and id on the subject line (the id alone when the title is the id),
 * then what a reader of `git log` wants to know about it.
 */
export function publishMessage(view: Pick<SessionView, 'title' | 'sessionId' | 'cast' | 'turns' | 'model'>, refreshedPages = 0): string {
  const title = oneLine(view.title, SUBJECT_MAX);
  const subject = title === view.sessionId ? `Publish session ${view.sessionId}` : `Publish session "${title}" (${view.sessionId})`;
  const facts = [
    view.cast.length > 0 ? `Cast: ${view.cast.map((m) => oneLine(m.name, 40)).join(', ')}` : null,
    `${view.turns} turn${view.turns === 1 ? '' : 's'}`,
    view.model ? `model ${oneLine(view.model, 60)}` : null,
  ].filter((x): x is string => x !== null);
  const lines = [subject, '', `${facts.join(' · ')}.`];
  if (refreshedPages > 0) lines.push(`Refreshes ${refreshedPages} page${refreshedPages === 1 ? '' : 's'} of sessions published before (the renderer changed).`);
  return `${lines.join('\n')}\n`;
}
