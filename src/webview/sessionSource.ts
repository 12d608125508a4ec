import type { HostMessage, SessionView } from '../protocol';
import type { SessionEvent } from './sessionEvent';
import type { HostBridge } from './hostBridge';

/** A standalone page's facts about its session: everything but the events. */
export type SessionFacts = Omit<SessionView, 'events'>;

/**
 * What the page around the panel can do, so components ask for a capability rather than "am I in VS Code".
 * Must hold: `requests` is true only when something answers the bridge's posts (a live host).
 */
export interface SourceCapabilities {
  /** someone answers `say`, `retire`, `regenerate`…: the controls that ask for things may be shown. */
  requests: boolean;
  /** the page itself offers a theme switch (in VS Code the setting decides). */
  chooseTheme: boolean;
  /** the facts a reader without the editor needs (model, dates, cast spans, links); null in the live panel. */
  sessionFacts: SessionFacts | null;
}

/**
 * Where the session comes from, chosen once at boot: the VS Code host (postMessage both ways) or data
 * embedded in the page. Every message either delivers is a validated `HostMessage`; the same PanelApp renders both.
 */
export interface SessionSource {
  readonly capabilities: SourceCapabilities;
  readonly bridge: HostBridge;
  /** Starts delivery: the host source listens and says `ready`; the embedded one delivers its `init` at once. */
  connect(target: SessionTarget): void;
}

/** Where a source delivers: validated messages, and (embedded) the rest of a long history after `init`. */
export interface SessionTarget {
  handle(msg: HostMessage): void;
  appendHistory(events: readonly SessionEvent[]): void;
}
