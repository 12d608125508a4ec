import type { HostMessage } from '../protocol';

/** A session event as the host sends it (the webview reaches the engine's types only through protocol.ts). */
export type SessionEvent = Extract<HostMessage, { type: 'event' }>['event'];
