import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CastState, EngineError } from '../cast/castState';
import { ContextLog } from '../prompt/contextLog';
import { greetingMessages, openingSystem } from '../prompt/promptLayout';
import { resolveMacros } from '../cast/cardMacros';
import type { Character } from '../cast/characters';
import { SESSION_FILES } from '../store/sessionFiles';
import { SessionJournal } from '../store/sessionJournal';
import { SessionLock } from '../store/sessionLock';
import type { SessionEvent } from '../store/sessionSchema';
import { thinkTimesOf } from '../warmth/pastGaps';
import { conditionChanges, conditionsNow, depthOfSystem, runConditions } from './runConditions';
import type { PanelSessionOptions, ResumeOptions } from './sessionOptions';
import { restoreSession } from './sessionRestore';

/** Everything a session runs on once its folder is open: what `PanelSession` is built from. */
export interface OpenedSession {
  journal: SessionJournal;
  cast: CastState;
  ctx: ContextLog;
  opts: ResumeOptions;
  turn: number;
  /** set for a continued session: how to put its folder back exactly as it was (see `undoResume`). */
  resumedFrom?: { contextSize: number };
}

const NO_KEY = 'No API key: set ANTHROPIC_API_KEY (or, in VS Code, run "Dialogue: Set API Key").';

/**
 * A new session folder: the journal's header (with the run's conditions, so a recovered log keeps them), the
 * context's system blocks, then the intro with each opening member's profile hash. A failure after the folder
 * was made removes it: a start either happens or leaves nothing.
 */
export async function openNewSession(o: PanelSessionOptions): Promise<OpenedSession> {
  if (!o.apiKey && !o.client) throw new EngineError('no-key', NO_KEY);
  const cast = o.cast.map((id) => {
    const c = o.library.characters.get(id);
    if (!c) throw new EngineError('unknown-character', `unknown character "${id}" (known: ${[...o.library.characters.keys()].join(', ') || 'none'})`);
    return c;
  });
  if (new Set(o.cast).size !== o.cast.length) throw new EngineError('bad-input', 'the cast lists a character twice');
  const greeting = o.greeting === undefined ? null : openingGreeting(cast, o.greeting);
  const title = o.title ?? o.brief?.title ?? cast.map((c) => c.name).join(', ');
  const system = openingSystem(o.deliberationDepth, o.brief, cast, o.carriedOver);
  const journal = await SessionJournal.create(o.sessionsDir, {
    session_id: '',
    title,
    started_at: new Date().toISOString(),
    model: o.model,
    brief: o.brief ? { id: o.brief.id, title: o.brief.title } : null,
    ...(o.carriedOver ? { continues_from: o.carriedOver.from } : {}),
    conditions: runConditions({ ...o, system }),
  });
  let ctx: ContextLog | null = null;
  try {
    ctx = ContextLog.create(path.join(journal.dir, SESSION_FILES.context), system);
    for (const c of cast) journal.noteParticipant({ id: c.id, name: c.name, glyph: c.glyph, color: c.color });
    const profiles = Object.fromEntries(cast.map((c) => [c.id, c.sha256]));
    journal.append({ type: 'intro', turn: 0, brief: journal.header.brief, cast: cast.map((c) => c.id), profiles, ...(o.carriedOver ? { carried_over: o.carriedOver } : {}) });
    if (greeting) {
      for (const m of greetingMessages(greeting.character, greeting.text)) ctx.push(m);
      journal.append({ type: 'greeting', turn: 0, speaker: greeting.character.id, text: greeting.text, greeting: greeting.index });
    }
    await ctx.sync();
  } catch (err) {
    ctx?.close();
    await journal.abandon();
    await fs.rm(journal.dir, { recursive: true, force: true });
    throw err;
  }
  // The greeting opened this session only: a carry-over (which starts from these options) must not greet again.
  const { greeting: _opened, ...opts } = o;
  return { journal, cast: new CastState(cast), ctx, opts, turn: 0 };
}

/** The greeting a 1:1 session opens with, macros resolved as in every prompt; refused unless it exists. */
function openingGreeting(cast: readonly Character[], index: number): { character: Character; text: string; index: number } {
  if (cast.length !== 1) throw new EngineError('bad-input', 'a greeting opens a 1:1 session: the cast must be one character');
  const character = cast[0]!;
  const raw = character.greetings?.[index];
  if (raw === undefined) {
    const n = character.greetings?.length ?? 0;
    throw new EngineError('bad-input', n === 0 ? `${character.name} has no greeting (only imported character cards carry one)` : `${character.name} has ${n} greeting${n === 1 ? '' : 's'}; there is no greeting ${index}`);
  }
  return { character, text: resolveMacros(raw.trim(), character.name), index };
}

/**
 * A closed session reopened in its folder, with the context exactly as it was last sent. Everything that can
 * refuse is checked before anything is written; the folder's lock is taken before the first write, so a second
 * process refuses. The depth is the session's own (its rules block is part of the cached system prompt); any
 * other condition that differs is a `condition-change` event after the `resume`.
 */
export async function openClosedSession(sessionDir: string, o: ResumeOptions): Promise<OpenedSession> {
  if (!o.apiKey && !o.client) throw new EngineError('no-key', NO_KEY);
  const restored = await restoreSession(sessionDir, o.library);
  const contextFile = path.join(sessionDir, SESSION_FILES.context);
  const lock = await SessionLock.acquire(sessionDir);
  const contextSize = (await fs.stat(contextFile).catch(() => ({ size: 0 }))).size;
  let ctx: ContextLog | null = null;
  let journal: SessionJournal | null = null;
  try {
    ctx = ContextLog.open(contextFile);
    const depth = restored.conditions?.deliberation_depth ?? depthOfSystem(ctx.context.system) ?? o.deliberationDepth;
    const opts: ResumeOptions = { ...o, deliberationDepth: depth };
    const now = runConditions({ ...opts, system: ctx.context.system });
    journal = await SessionJournal.resume(sessionDir, { lock, ...(restored.conditions ? {} : { conditions: now }) });
    // auto learns from this session's own pace too (its gaps are the most recent the researcher showed); kept
    // whatever the mode, so switching to auto later in the session still knows them.
    opts.thinkTimeHistory = [...(o.thinkTimeHistory ?? []), ...thinkTimesOf(journal.events)];
    journal.setModel(o.model);
    journal.append({ type: 'resume', turn: restored.turn });
    const changes = conditionChanges(conditionsNow(journal.header.conditions!, journal.events), now);
    if (changes) journal.append({ type: 'condition-change', turn: restored.turn, changes });
    return { journal, cast: restored.cast, ctx, opts, turn: restored.turn, resumedFrom: { contextSize } };
  } catch (err) {
    await undoResume(sessionDir, { ctx, journal, lock, contextSize });
    throw err;
  }
}

/**
 * Puts a continued session's folder back exactly as it was before the resume: the context cut back to its old
 * length, the journal and the lock removed (the closed log and transcript were never touched).
 */
export async function undoResume(sessionDir: string, o: { ctx: ContextLog | null; journal: SessionJournal | null; lock: SessionLock | null; contextSize: number }): Promise<void> {
  o.ctx?.close();
  const contextFile = path.join(sessionDir, SESSION_FILES.context);
  const now = await fs.stat(contextFile).catch(() => null);
  if (now && now.size > o.contextSize) await fs.truncate(contextFile, o.contextSize);
  if (o.journal) await o.journal.abandon();
  await o.lock?.release();
}

/** Whether a call was billed (a `cost` event) since the last `resume`. */
export function billedSinceResume(events: readonly SessionEvent[]): boolean {
  for (let i = events.length - 1; i >= 0; i--) {
    if (events[i]!.type === 'cost') return true;
    if (events[i]!.type === 'resume') return false;
  }
  return false;
}
