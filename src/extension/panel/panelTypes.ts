import type { Library } from '../../engine/cast/characters';
import type { PanelSession } from '../../engine/session/panelSession';
import type { SessionEvent } from '../../engine/store/sessionSchema';
import type { HostMessage, Theme } from '../../protocol';
import type { LogSink } from '../logSink';
import type { AvatarUri, RosterView } from './memberViews';
import type { SetTimer } from './panelMeter';

/**
 * The part of PanelSession a panel uses. `carryOver` hands back the next session as a LiveSession too, so a
 * test double can stand in for both ends of a carry-over.
 */
export type LiveSession = Pick<
  PanelSession,
  | 'id' | 'dir' | 'title' | 'brief' | 'events' | 'answering' | 'closed' | 'castView' | 'meter' | 'onUpdate'
  | 'queueJoin' | 'queueRetire' | 'queueRevise' | 'setCacheTtl' | 'setModel' | 'setBudget' | 'setWarmth' | 'setApiKey'
  | 'say' | 'retry' | 'stop' | 'close'
  | 'regenerate' | 'edit' | 'rewindPreview' | 'rewind' | 'selectSample' | 'askRefusedAgain'
> & {
  carryOver(o: Parameters<PanelSession['carryOver']>[0]): Promise<{ closedDir: string; next: LiveSession }>;
};

/** What a carry-over left behind: the closed folder, and the folder the panel now continues in. */
export interface CarryOverResult {
  closedDir: string;
  nextDir: string;
}

/** A closed session shown read-only; `events` are the log's, in order. */
export interface ReplaySource {
  dir: string;
  title: string;
  brief: { id: string; title: string } | null;
  events: readonly SessionEvent[];
  roster: RosterView;
  canContinue: boolean;
}

export interface PanelControllerDeps {
  post(msg: HostMessage): void;
  log: LogSink;
  library(): Library | null;
  theme(): Theme;
  /** Runs the "set API key" flow; the host hands the new key to every live session itself. */
  setApiKey(): Promise<void>;
  openSettings(query: string): void;
  /** `dialogue.fallbackModel`: the model "Try on another model" asks a refused turn of; null when unset. */
  fallbackModel(): string | null;
  /** Re-opens a closed session for new turns; undefined when it could not (the host explains why). */
  continueSession(dir: string): Promise<LiveSession | undefined>;
  /** Whether a session folder is a demo's (the header then shows the Demo badge); absent: never. */
  isDemo?: (dir: string) => boolean;
  /** Opens a panel on the built-in demo ("Try the demo", offered when there is no key). */
  tryDemo?: () => void;
  /** Avatar files as webview URIs (only those under the webview's resource roots). */
  avatarUri?: AvatarUri;
  now?: () => number;
  setTimer?: SetTimer;
}
