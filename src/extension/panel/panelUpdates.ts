import type { SessionUpdate } from '../../engine/session/panelSession';
import type { HostMessage } from '../../protocol';
import type { LogSink } from '../logSink';
import { bannerForContextWarning, bannerForNotice, bannerForRefusal } from './panelBanners';

/** The panel as a session update sees it: where to send, what to refresh, and the pending context warning. */
export interface UpdateTarget {
  readonly sessionDir: string;
  readonly log: LogSink;
  /** The engine journals a context warning as an anomaly, then notifies with the same text: that pairing is
   * how its notice is told apart from other warnings without matching on wording. */
  contextWarning: string | null;
  send(msg: HostMessage): void;
  refreshMeter(): void;
  sendCast(): void;
  changed(): void;
}

/** Forwards one engine update to the webview (host -> webview direction of the live path). */
export function forwardUpdate(u: SessionUpdate, t: UpdateTarget): void {
  switch (u.kind) {
    case 'event':
      t.send({ type: 'event', event: u.event });
      if (u.event.type === 'cost') {
        // The engine tells its watchers of a cost before it has counted it in its meter: read the meter
        // once the engine's own bookkeeping for this event is done.
        queueMicrotask(() => {
          t.refreshMeter();
          t.changed();
        });
      } else if (u.event.type === 'join' || u.event.type === 'leave' || u.event.type === 'revise') {
        t.sendCast();
        t.changed();
      } else if (u.event.type === 'supersede') {
        // A rewind or a sample choice changes what the context carries without a call.
        t.refreshMeter();
      } else if (u.event.type === 'anomaly' && u.event.kind === 'context-warning') {
        t.contextWarning = u.event.detail;
      } else if (u.event.type === 'refusal') {
        t.send(bannerForRefusal(u.event.category));
      }
      return;
    case 'stream':
      return t.send(u.part);
    case 'answering':
      t.send({ type: 'answering', answering: u.answering });
      // The floor is back: the meter can now say whether the idle cache is being kept warm.
      if (!u.answering) t.refreshMeter();
      return;
    case 'cast':
      t.sendCast();
      return t.changed();
    case 'notice': {
      t.log[u.level === 'warning' ? 'warn' : u.level](`session ${t.sessionDir}: ${u.message}`);
      const aboutContext = u.action === undefined && t.contextWarning === u.message;
      t.contextWarning = null;
      return t.send(aboutContext ? bannerForContextWarning(u) : bannerForNotice(u));
    }
  }
}
