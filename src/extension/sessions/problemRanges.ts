import * as path from 'node:path';
import type { LoadProblem } from '../../engine/cast/characters';
import type { AuditProblem } from '../../engine/store/sessionAudit';
import { locateJsonPath } from './jsonLocator';

/**
 * Turns engine problems (character files that do not load, session folders that fail the audit) into
 * per-file diagnostics. Plain data: `characterWatcher.ts` and `auditCommand.ts` turn it into
 * `vscode.Diagnostic`s.
 */

/** 0-based, end exclusive, start <= end: what `new vscode.Range(...)` takes. */
export interface ProblemRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

/** One diagnostic for `file` (an absolute path). */
export interface FileDiagnostic {
  file: string;
  range: ProblemRange;
  message: string;
}

/** Reads a file's text; undefined when it cannot be read (missing, a folder, ...). */
export type TextReader = (file: string) => Promise<string | undefined>;

function lineRange(line: number, text: string | undefined, fromCharacter = 0): ProblemRange {
  const lines = text?.split(/\r?\n/);
  const safeLine = lines ? Math.min(Math.max(line, 0), Math.max(lines.length - 1, 0)) : Math.max(line, 0);
  const lineText = lines?.[safeLine];
  if (lineText === undefined) {
    return { startLine: safeLine, startCharacter: fromCharacter, endLine: safeLine, endCharacter: fromCharacter + 1 };
  }
  // A column past the end (or on an empty line) still underlines something visible.
  const start = fromCharacter < lineText.length ? fromCharacter : 0;
  const end = Math.max(lineText.length, start + 1);
  return { startLine: safeLine, startCharacter: start, endLine: safeLine, endCharacter: end };
}

/** LoadProblem lines/columns are 1-based; the range runs from the column to the end of that line. */
export function loadProblemRange(p: LoadProblem, text: string | undefined): ProblemRange {
  return lineRange(Math.max(p.line, 1) - 1, text, Math.max(p.column, 1) - 1);
}

function push(map: Map<string, FileDiagnostic[]>, d: FileDiagnostic): void {
  const list = map.get(d.file);
  if (list) list.push(d);
  else map.set(d.file, [d]);
}

/** Diagnostics for the character library, grouped by file. */
export async function characterDiagnostics(
  problems: readonly LoadProblem[],
  readText: TextReader,
): Promise<Map<string, FileDiagnostic[]>> {
  const byFile = new Map<string, FileDiagnostic[]>();
  const texts = new Map<string, string | undefined>();
  for (const p of problems) {
    if (!texts.has(p.file)) texts.set(p.file, await readText(p.file));
    push(byFile, { file: p.file, range: loadProblemRange(p, texts.get(p.file)), message: p.message });
  }
  return byFile;
}

const LOG_FILE = 'event-log.json';

/**
 * Diagnostics for audit problems. A problem whose `path` is a JSON path lands on that spot in the folder's
 * event-log.json (line 1 when it cannot be found); one naming a file lands on that file, or on the log when
 * the file itself is missing (a diagnostic on a file that does not exist cannot be opened).
 */
export async function auditDiagnostics(
  problems: readonly AuditProblem[],
  sessionsDir: string,
  readText: TextReader,
): Promise<Map<string, FileDiagnostic[]>> {
  const byFile = new Map<string, FileDiagnostic[]>();
  const texts = new Map<string, string | undefined>();
  const read = async (file: string): Promise<string | undefined> => {
    if (!texts.has(file)) texts.set(file, await readText(file));
    return texts.get(file);
  };
  for (const p of problems) {
    const folder = path.resolve(sessionsDir, p.folder);
    const logFile = path.join(folder, LOG_FILE);
    const message = p.path ? `${p.message} (${p.path})` : p.message;
    const namesFile = /^[^[\]]+\.(?:json|jsonl|md)$/.test(p.path);
    if (namesFile) {
      const file = path.join(folder, p.path);
      const text = await read(file);
      if (text !== undefined) push(byFile, { file, range: lineRange(0, text), message });
      else push(byFile, { file: logFile, range: lineRange(0, await read(logFile)), message });
      continue;
    }
    const text = await read(logFile);
    const at = text === undefined ? null : locateJsonPath(text, p.path);
    push(byFile, { file: logFile, range: lineRange(at?.line ?? 0, text, at?.character ?? 0), message });
  }
  return byFile;
}
