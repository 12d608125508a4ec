// Room `extension/sessions`: starting, listing, picking, auditing and recovering sessions, and locating problems
// in their files. May import: the engine, extension/panel, the top-level services and settings.
import * as vscode from 'vscode';
import { PanelSession } from '../../engine/session/panelSession';
import { pastThinkTimes } from '../../engine/warmth/pastGaps';
import { demoResumeOptions, isDemoDir } from '../demo/demoCommand';
import { engineOptions } from '../settings';
import type { DialogueServices } from '../services';
import { NO_FOLDER_MESSAGE } from '../services';
import type { StartRequest } from './startRequest';

/**
 * Starting and continuing engine sessions with the current settings and key. Errors are thrown with a
 * message fit for the researcher (the callers show it); `undefined` means the researcher cancelled.
 */
export class SessionLauncher {
  constructor(private readonly s: DialogueServices) {}

  /** `resuming`: the folder being continued, whose own gaps the engine reads from its log (not counted twice). */
  private async base(interactive: boolean, resuming?: string) {
    const sessionsDir = this.s.sessionsDir();
    if (!sessionsDir) throw new Error(NO_FOLDER_MESSAGE);
    const apiKey = await this.s.apiKeys.require(interactive);
    if (apiKey === undefined) {
      if (interactive) return undefined;
      throw new Error('Dialogue: no Anthropic API key — run "Dialogue: Set API Key" or set ANTHROPIC_API_KEY.');
    }
    const library = await this.s.library.ensureLoaded();
    const options = engineOptions(this.s.settings(), { library, sessionsDir, apiKey });
    // auto learns the researcher's pace from earlier sessions too (it keeps learning from this one).
    if (options.warmth !== 'auto') return options;
    return { ...options, thinkTimeHistory: await pastThinkTimes(sessionsDir, resuming === undefined ? {} : { except: resuming }) };
  }

  async start(request: StartRequest, interactive: boolean): Promise<PanelSession | undefined> {
    const base = await this.base(interactive);
    if (!base) return undefined;
    const session = await PanelSession.start({
      ...base,
      cast: request.cast.map((c) => c.id),
      brief: request.brief,
      ...(request.title ? { title: request.title } : {}),
      ...(request.greeting !== undefined ? { greeting: request.greeting } : {}),
    });
    this.s.log.info(`session started: ${session.dir} (cast ${request.cast.map((c) => c.id).join(', ')}; model ${base.model})`);
    return session;
  }

  async resume(dir: string, interactive: boolean): Promise<PanelSession | undefined> {
    // A demo session continues as a demo: its scripted API, no key, its own folder.
    if (isDemoDir(this.s, dir)) {
      const session = await PanelSession.resume(dir, await demoResumeOptions(this.s));
      this.s.log.info(`demo session continued: ${dir}`);
      return session;
    }
    const base = await this.base(interactive, dir);
    if (!base) return undefined;
    const session = await PanelSession.resume(dir, base);
    this.s.log.info(`session continued: ${dir}`);
    return session;
  }

  /** `resume` for the panel's "Continue" button: failures become a message, not a rejection. */
  async resumeOrExplain(dir: string): Promise<PanelSession | undefined> {
    try {
      return await this.resume(dir, true);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.s.log.warn(`continuing ${dir} failed: ${message}`);
      void vscode.window.showErrorMessage(`Dialogue: cannot continue this session. ${message}`);
      return undefined;
    }
  }
}
