// Room `engine/store`: everything on disk for a session — the schema (sessionSchema), journal, closed log,
// transcript, audit, index, recovery and carry-over links. Imports no other engine room: the format stands alone.
import * as fsSync from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  HUMAN_ID,
  formatJsonPath,
  interactiveEventSchema,
  interactiveLogSchema,
  type InteractiveLog,
  type NewEvent,
  type SessionConditions,
  type SessionEvent,
} from './sessionSchema';
import { applyJournalLine, emptyState, encodeJournalLine, JOURNAL_VERSION, type JournalLine, type JournalState } from './journalLines';
import { SESSION_FILES, fsyncDir, isSessionFolderName, makeSessionId, pathExists, writeFileAtomic } from './sessionFiles';
import type { ParticipantInfo, SessionHeader } from './sessionHeader';
import { buildInteractiveLog, removeJournal, writeSessionArtefacts } from './sessionLog';
import { SessionLock } from './sessionLock';

export type { ParticipantInfo, SessionHeader } from './sessionHeader';

const MAX_SUFFIX = 999;

/**
 * The running session's journal. Every event is one line written with a synchronous `write(2)` before
 * `append` returns, so a process killed right afterwards has lost nothing (the kernel holds the bytes);
 * `turnBoundary` fsyncs so a power cut loses at most the turn in progress. `close` turns it into the
 * session's `event-log.json` and `transcript.md`.
 */
export class SessionJournal {
  private fd: number | null;
  private size: number;
  private closing = false;
  private isClosed = false;
  private broken: Error | null = null;

  private constructor(
    readonly dir: string,
    readonly header: SessionHeader,
    fd: number,
    size: number,
    private readonly state: JournalState,
    private readonly lock: SessionLock,
  ) {
    this.fd = fd;
    this.size = size;
  }

  /** Makes `sessionsDir/<id>/` (adding -2, -3 ... if taken) and writes the header line, durably. */
  static async create(sessionsDir: string, header: SessionHeader): Promise<SessionJournal> {
    const started = new Date(header.started_at);
    if (Number.isNaN(started.getTime())) throw new Error(`started_at is not an ISO time: "${header.started_at}"`);
    const base = header.session_id || makeSessionId(started, header.title);
    if (!isSessionFolderName(base)) throw new Error(`"${base}" cannot be a session folder name`);
    if (header.continues_from !== undefined && !isSessionFolderName(header.continues_from)) {
      throw new Error(`continues_from "${header.continues_from}" is not a session folder name`);
    }
    await fs.mkdir(sessionsDir, { recursive: true });
    let id = base;
    for (let n = 2; ; n++) {
      try {
        await fs.mkdir(path.join(sessionsDir, id));
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n > MAX_SUFFIX) throw err;
        id = `${base}-${n}`;
      }
    }
    const dir = path.join(sessionsDir, id);
    const full: SessionHeader = { ...header, session_id: id };
    const line = encodeJournalLine({ kind: 'header', journal_version: JOURNAL_VERSION, header: full });
    let fd: number | null = null;
    let lock: SessionLock | null = null;
    try {
      lock = await SessionLock.acquire(dir);
      fd = fsSync.openSync(path.join(dir, SESSION_FILES.journal), 'ax');
      writeAll(fd, Buffer.from(line, 'utf8'));
      fsSync.fsyncSync(fd);
      await fsyncDir(dir);
      await fsyncDir(sessionsDir);
    } catch (err) {
      if (fd !== null) fsSync.closeSync(fd);
      await fs.rm(dir, { recursive: true, force: true });
      throw err;
    }
    return new SessionJournal(dir, full, fd, Buffer.byteLength(line), emptyState(full), lock);
  }

  /**
   * Reopens a closed session for more turns: the journal is re-seeded from `event-log.json` (atomically, so a
   * crash mid-seed leaves no half journal) and the caller appends a `resume` event. The folder's lock is taken
   * first, so a second process refuses (`SessionBusyError`); a folder that already has a journal is unclosed
   * and is refused too. A refusal leaves the folder as it was.
   */
  static async resume(sessionDir: string, o: { conditions?: SessionConditions; lock?: SessionLock } = {}): Promise<SessionJournal> {
    const lock = o.lock ?? (await SessionLock.acquire(sessionDir));
    try {
      return await SessionJournal.reseed(sessionDir, o, lock);
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  private static async reseed(sessionDir: string, o: { conditions?: SessionConditions }, lock: SessionLock): Promise<SessionJournal> {
    const journalFile = path.join(sessionDir, SESSION_FILES.journal);
    if (await pathExists(journalFile)) {
      throw new Error(`${sessionDir} has an unclosed journal (a crash, or the session is open elsewhere): recover it before continuing`);
    }
    const logFile = path.join(sessionDir, SESSION_FILES.log);
    const json: unknown = JSON.parse(await fs.readFile(logFile, 'utf8'));
    if (typeof json === 'object' && json !== null && (json as { mode?: unknown }).mode !== 'interactive') {
      throw new Error(`${logFile} is a batch log: only interactive sessions can be continued`);
    }
    const r = interactiveLogSchema.safeParse(json);
    if (!r.success) {
      const i = r.error.issues[0];
      throw new Error(`${logFile} is not a valid event log (${formatJsonPath(i.path)}: ${i.message}): audit it first`);
    }
    const log = r.data;
    const header: SessionHeader = {
      session_id: log.session_id,
      title: log.title ?? log.session_id,
      started_at: log.started_at,
      model: log.model,
      brief: log.brief,
      ...(log.continues_from !== undefined ? { continues_from: log.continues_from } : {}),
      ...(log.continued_in !== undefined ? { continued_in: log.continued_in } : {}),
      ...(log.conditions !== undefined ? { conditions: log.conditions } : {}),
    };
    // A log from before conditions were recorded gets them now, holding from the resume event on.
    if (!header.conditions && o.conditions) header.conditions = { ...o.conditions, since_seq: (log.events.at(-1)?.seq ?? 0) + 1 };
    const state = emptyState(header);
    const lines: JournalLine[] = [{ kind: 'header', journal_version: JOURNAL_VERSION, header }];
    for (const p of log.participants) {
      const info: ParticipantInfo = { id: p.id, name: p.name, ...(p.glyph !== undefined ? { glyph: p.glyph } : {}), ...(p.color !== undefined ? { color: p.color } : {}) };
      lines.push({ kind: 'participant', participant: info });
    }
    for (const event of log.events) lines.push({ kind: 'event', event });
    for (const l of lines.slice(1)) applyJournalLine(state, l);
    const text = lines.map(encodeJournalLine).join('');
    await writeFileAtomic(journalFile, text);
    const fd = fsSync.openSync(journalFile, 'a');
    return new SessionJournal(sessionDir, header, fd, Buffer.byteLength(text), state, lock);
  }

  get events(): readonly SessionEvent[] {
    return this.state.events;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The model of the latest turn (the log's `model`). */
  get model(): string {
    return this.state.model;
  }

  /** Records name/glyph/colour for an id that appears in intro/join events (or HUMAN_ID to name the human). */
  noteParticipant(p: ParticipantInfo): void {
    const prev = this.state.participants.get(p.id);
    if (prev && prev.name === p.name && prev.glyph === p.glyph && prev.color === p.color) return;
    const info: ParticipantInfo = { id: p.id, name: p.name, ...(p.glyph !== undefined ? { glyph: p.glyph } : {}), ...(p.color !== undefined ? { color: p.color } : {}) };
    this.writeLine({ kind: 'participant', participant: info });
    this.state.participants.set(p.id, info);
  }

  /** The model may change between turns; the log's `model` is the latest. */
  setModel(model: string): void {
    if (model === this.state.model) return;
    this.writeLine({ kind: 'model', model });
    this.state.model = model;
  }

  /**
   * Stamps `seq` (last + 1) and `at`, validates, writes the line, and returns the stored event. Throws, writing
   * nothing, on an invalid event, a turn earlier than the last event's, or a closed journal; throws on a
   * failed write (after cutting any partial line off, so the journal never has a torn line in the middle).
   */
  append(e: NewEvent): SessionEvent {
    const last = this.state.events[this.state.events.length - 1];
    if (last && e.turn < last.turn) throw new Error(`journal: a ${e.type} event for turn ${e.turn} after turn ${last.turn}: turns never go back`);
    if (e.type === 'intro' && e.cast.includes(HUMAN_ID)) throw new Error(`journal: "${HUMAN_ID}" is the human's id, not a character's`);
    const r = interactiveEventSchema.safeParse({ ...e, seq: (last?.seq ?? 0) + 1, at: new Date().toISOString() });
    if (!r.success) {
      const i = r.error.issues[0];
      throw new Error(`journal: invalid ${e.type} event (${formatJsonPath(i.path)}: ${i.message})`);
    }
    this.writeLine({ kind: 'event', event: r.data });
    this.state.events.push(r.data);
    return r.data;
  }

  /** Forces everything written so far to disk. Call at each turn boundary. */
  async turnBoundary(): Promise<void> {
    const fd = this.openFd();
    await new Promise<void>((resolve, reject) => fsSync.fsync(fd, (err) => (err ? reject(err) : resolve())));
  }

  /**
   * Writes `event-log.json` and `transcript.md` (each atomically, the log validated first) and removes the
   * journal. A failure leaves the journal open and intact, so close can be retried or the folder recovered.
   */
  async close(): Promise<InteractiveLog> {
    if (this.isClosed) throw new Error(`session ${this.header.session_id} is already closed (${this.dir})`);
    if (this.closing) throw new Error(`session ${this.header.session_id} is already closing`);
    this.closing = true;
    try {
      await this.turnBoundary();
      const log = buildInteractiveLog(this.state, { endedAt: new Date().toISOString() });
      await writeSessionArtefacts(this.dir, log);
      fsSync.closeSync(this.openFd());
      this.fd = null;
      this.isClosed = true;
      await removeJournal(this.dir);
      await this.lock.release();
      return log;
    } finally {
      this.closing = false;
    }
  }

  /**
   * Ends the journal without a log, removing it and the lock: for a resume that is being undone (the closed
   * log was never touched, so the folder is as it was) or a start that failed (the caller removes the folder).
   */
  async abandon(): Promise<void> {
    if (this.isClosed) return;
    if (this.fd !== null) fsSync.closeSync(this.fd);
    this.fd = null;
    this.isClosed = true;
    await removeJournal(this.dir);
    await this.lock.release();
  }

  private openFd(): number {
    if (this.fd === null) throw new Error(`session ${this.header.session_id} is closed`);
    return this.fd;
  }

  private writeLine(line: JournalLine): void {
    if (this.isClosed || this.closing) throw new Error(`journal: session ${this.header.session_id} is ${this.isClosed ? 'closed' : 'closing'}`);
    if (this.broken) throw new Error(`journal: an earlier write failed and could not be undone (${this.broken.message}); recover the session`);
    const fd = this.openFd();
    const buf = Buffer.from(encodeJournalLine(line), 'utf8');
    try {
      writeAll(fd, buf);
    } catch (err) {
      try {
        fsSync.ftruncateSync(fd, this.size);
      } catch (cutErr) {
        this.broken = cutErr as Error;
      }
      throw new Error(`journal: write failed in ${this.dir}: ${(err as Error).message}`, { cause: err });
    }
    this.size += buf.length;
  }
}

// writeSync may write fewer bytes than asked (a full disk, a signal); loop until the whole line is down.
function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += fsSync.writeSync(fd, buf, off, buf.length - off);
}
