import type { Library } from '../cast/characters';
import type { PanelSession } from './panelSession';
import type { ScriptAction } from './playScript';
import type { RewindPreview } from '../prompt/turnLedger';
import type { Clock } from '../warmth/clock';

/** What playing a script needs besides the session. */
export interface PlayContext {
  library: Library;
  /** Think time (`{"wait": S}`) passes on this clock: real sleep in a real run, advanced time in tests. */
  clock: Clock;
  /** Checked before each action: true stops the script (a fatal error, an interrupt). */
  stopped(): boolean;
  /** Aborts a pause in progress (Ctrl-C during a long wait). */
  signal?: AbortSignal;
  onRewind?(toTurn: number, undone: RewindPreview): void;
  /** after each action (the CLI asks a refused turn of the fallback model here). */
  afterAction?(): Promise<void>;
}

/** Plays the actions in order against the session; cast changes queue for the next turn boundary. */
export async function playActions(session: PanelSession, actions: readonly ScriptAction[], o: PlayContext): Promise<void> {
  for (const a of actions) {
    if (o.stopped()) return;
    if ('add' in a) session.queueJoin(o.library.characters.get(a.add)!);
    else if ('retire' in a) session.queueRetire(a.retire);
    else if ('regenerate' in a) await session.regenerate();
    else if ('edit' in a) await session.edit(a.edit);
    else if ('rewind' in a) o.onRewind?.(a.rewind, await session.rewind(a.rewind));
    else if ('wait' in a) {
      try {
        await o.clock.sleep(a.wait * 1000, o.signal);
      } catch {
        return; // interrupted while waiting: the caller knows why
      }
    } else await session.say(a.say, a.to ?? null);
    await o.afterAction?.();
  }
}
