import type { SessionUpdate } from '../../engine/session/panelSession';
import type { BannerAction, HostMessage } from '../../protocol';
import { describeError } from '../logSink';

/**
 * What the researcher sees when something goes wrong, and the one button that fixes it. Engine errors
 * carry a `code` (EngineError); matching on the code rather than the class keeps this module free of the
 * engine at run time.
 */

type Banner = Extract<HostMessage, { type: 'banner' }>;
type Notice = Extract<SessionUpdate, { kind: 'notice' }>;

const NOTICE_ACTIONS: Record<NonNullable<Notice['action']>, BannerAction[]> = {
  setApiKey: ['setApiKey', 'tryDemo'],
  retry: ['retry'],
  raiseBudget: ['raiseBudget'],
  carryOver: ['carryOver'],
};

export function bannerForNotice(n: Notice): Banner {
  return { type: 'banner', level: n.level, message: n.message, actions: n.action ? NOTICE_ACTIONS[n.action] : [] };
}

/** The engine's warning that the context nears the window: the way forward is a fresh session. */
export function bannerForContextWarning(n: Notice): Banner {
  return { type: 'banner', level: n.level, message: n.message, actions: ['carryOver'] };
}

/** The model declined a turn and the session set it aside: the three ways on (SPEC §5, issue 19). */
export function bannerForRefusal(category: string | null): Banner {
  const message = `The model declined this turn${category ? ` (${category})` : ''}. It was set aside.`;
  return { type: 'banner', level: 'warning', message, actions: ['editRefused', 'retryRefused', 'fallbackModel'] };
}

/** The `code` of an EngineError (or any error carrying a string code), else undefined. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function bannerForError(err: unknown): Banner {
  const message = describeError(err);
  switch (errorCode(err)) {
    case 'no-key':
      return { type: 'banner', level: 'error', message, actions: ['setApiKey', 'tryDemo'] };
    case 'budget':
      return { type: 'banner', level: 'warning', message, actions: ['raiseBudget'] };
    case 'context-full':
      return { type: 'banner', level: 'warning', message, actions: ['carryOver'] };
    case 'closed':
      return { type: 'banner', level: 'info', message, actions: ['continueSession'] };
    case 'busy':
    case 'unknown-character':
    case 'last-member':
    case 'bad-input':
      return { type: 'banner', level: 'warning', message, actions: [] };
    default:
      return { type: 'banner', level: 'error', message: `${message} (details in the "Dialogue Panel" log)`, actions: [] };
  }
}
