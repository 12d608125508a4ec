import type { Character } from '../../engine/cast/characters';
import type { HostMessage, WebviewMessage } from '../../protocol';
import type { LogSink } from '../logSink';
import type { LiveSession } from './panelTypes';

/** What a live message needs besides its session: a way to answer the webview and the character library. */
export interface LiveMessageContext {
  send(msg: HostMessage): void;
  fromLibrary(id: string): Character;
  log: LogSink;
  refreshMeter(): void;
  carryOver(): Promise<unknown>;
}

/**
 * The webview's requests to a live session, one case per message type. Kept apart from the controller, which
 * owns the panel's mode (live or replay) and decides whether a message reaches here at all.
 */
export async function handleLiveMessage(session: LiveSession, msg: WebviewMessage, c: LiveMessageContext): Promise<void> {
  switch (msg.type) {
    case 'say':
      c.send({ type: 'clearBanner' });
      return session.say(msg.text, msg.target);
    case 'stop':
      return session.stop();
    case 'add':
      return session.queueJoin(c.fromLibrary(msg.id));
    case 'retire':
      return session.queueRetire(msg.id);
    case 'applyEdit':
      return session.queueRevise(c.fromLibrary(msg.id));
    case 'setTtl':
      session.setCacheTtl(msg.ttl);
      return c.refreshMeter();
    case 'regenerate':
      c.send({ type: 'clearBanner' });
      return session.regenerate();
    case 'edit':
      c.send({ type: 'clearBanner' });
      return session.edit(msg.text);
    case 'previewRewind':
      return c.send({ type: 'rewindPreview', preview: session.rewindPreview(msg.turn) });
    case 'rewind':
      c.send({ type: 'clearBanner' });
      await session.rewind(msg.turn);
      return;
    case 'selectSample':
      return session.selectSample(msg.turn);
    case 'carryOver':
      await c.carryOver();
      return;
    case 'editRefused':
      c.send({ type: 'clearBanner' });
      return session.askRefusedAgain({ text: msg.text });
    default:
      c.log.warn(`unhandled webview message "${msg.type}"`);
  }
  }

/**
 * The refusal banner's ways on (issue 19): "Try again" asks the declined turn unchanged, "Try on another model"
 * asks it of `dialogue.fallbackModel` (or opens that setting when it is unset). "Edit your line" is the
 * webview's own (the line goes into its composer) and comes back as the `editRefused` message.
 */
export async function askRefusedAgain(
  session: LiveSession,
  action: 'retryRefused' | 'fallbackModel' | 'editRefused',
  c: { send(msg: HostMessage): void; fallbackModel(): string | null; openSettings(query: string): void },
): Promise<void> {
  if (action === 'editRefused') return;
  const fallback = c.fallbackModel();
  if (action === 'fallbackModel' && !fallback) return c.openSettings('dialogue.fallbackModel');
  c.send({ type: 'clearBanner' });
  await session.askRefusedAgain(action === 'fallbackModel' ? { model: fallback! } : {});
}
