import type { SessionConditions } from './sessionSchema';

/** The journal's header and participant display data: shared by the journal, its line codec and the log builder. */

/** What a session is before anything happens in it. `session_id` may be '' to derive it from time and title. */
export interface SessionHeader {
  session_id: string;
  title: string;
  started_at: string;
  model: string;
  brief: { id: string; title: string } | null;
  /** The session this one was carried over from (its folder name, next to this one); written into the log. */
  continues_from?: string;
  /** Set only when a closed session that was already carried over is continued again, so the link survives. */
  continued_in?: string;
  /** The run's conditions as the session opened (SPEC 9), journaled first so a recovered log keeps them. */
  conditions?: SessionConditions;
}

/** Display data for a participant id (the latest note wins); ids without a note show as themselves. */
export interface ParticipantInfo {
  id: string;
  name: string;
  glyph?: string;
  color?: string;
}
