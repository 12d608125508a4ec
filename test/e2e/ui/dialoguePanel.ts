// The Dialogue panel as a UI test sees it from outside VS Code: the webview's controls found by their
// accessible names (SPEC 8), the session folder on disk, and the workbench steps around them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { readJournal } from '../../../src/engine/store/journalLines';
import { SESSION_FILES } from '../../../src/engine/store/sessionFiles';
import type { SessionEvent } from '../../../src/engine/store/sessionSchema';
import { chooseCommand, webviewFrame } from '../runInCodeServer';
import { setup } from '../standInSetup';
import { startUiSession, UI_ENV, type UiSession } from '../uiSession';

/** Screenshots above this are too heavy to commit; the test fails rather than bloat the repository. */
const MAX_SCREENSHOT_BYTES = 250 * 1024;

export class DialoguePanel {
  constructor(readonly page: Page) {}

  get frame(): FrameLocator {
    return webviewFrame(this.page);
  }

  /** The panel's own document as a Frame (for code that runs in it, e.g. axe-core), not only a locator scope. */
  async contentFrame(): Promise<Frame> {
    const body = await this.frame.locator('body').elementHandle();
    const frame = await body?.ownerFrame();
    if (!frame) throw new Error('the panel frame is not there');
    return frame;
  }

  get input(): Locator {
    return this.frame.getByRole('textbox', { name: 'Message the panel' });
  }

  button(name: string): Locator {
    return this.frame.getByRole('button', { name, exact: true });
  }

  /** Every response bubble of one turn, in delivery order. */
  messages(turn: number): Locator {
    return this.frame.locator(`article.msg[data-turn="${turn}"]`);
  }

  /** The "floor returns" marker that ends a turn. */
  floorReturns(turn: number): Locator {
    return this.frame.locator(`.floor-return[data-turn="${turn}"]`);
  }

  /** The confer lines of one turn in the deliberation drawer. */
  conferLines(turn: number): Locator {
    return this.frame.locator(`#deliberation-drawer .confer-turn[data-turn="${turn}"] .confer-line`);
  }

  /**
   * Waits for the panel's input; if VS Code shows an error notification first (the panel failed to open),
   * fails at once with its text instead of timing out.
   */
  async waitUntilOpen(): Promise<void> {
    const errorToast = this.page.locator('.notification-toast', { has: this.page.locator('.codicon-error') }).first();
    const failed = errorToast.waitFor().then(async () => {
      throw new Error(`the panel did not open; VS Code showed: ${(await errorToast.innerText()).trim()}`);
    });
    await Promise.race([this.input.waitFor(), failed]);
  }

  /**
   * Starts noting, inside the webview, every response seen while still streaming (partial text, not yet
   * rendered as final markdown). Polling from outside could miss a message that streams in half a second.
   */
  async watchStreaming(): Promise<void> {
    await this.frame.locator('body').evaluate((body) => {
      const seen = new Set<string>();
      (window as unknown as { streamedSpeakers: Set<string> }).streamedSpeakers = seen;
      new MutationObserver(() => {
        for (const text of body.querySelectorAll('article.msg .msg-text.streaming')) {
          const speaker = text.closest('article')?.getAttribute('data-speaker');
          if (speaker && (text.textContent ?? '').trim()) seen.add(speaker);
        }
      }).observe(body, { subtree: true, childList: true, characterData: true });
    });
  }

  /** The speakers whose response was seen streaming since watchStreaming(). */
  async streamedSpeakers(): Promise<string[]> {
    return this.frame.locator('body').evaluate(() => [...(window as unknown as { streamedSpeakers: Set<string> }).streamedSpeakers].sort());
  }

  /** Types a line and clicks Send, as a person would. */
  async say(text: string): Promise<void> {
    await this.input.fill(text);
    await this.button('Send').click();
  }

  /** The speakers of a finished turn, in order (waits for its floor marker first). */
  async speakersOf(turn: number): Promise<string[]> {
    await this.floorReturns(turn).waitFor();
    return this.messages(turn).evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.speaker ?? ''));
  }
}

/**
 * "Dialogue: Start Panel" from the command palette, answering its two quick picks: the brief by its title,
 * then the cast by the names shown (each click ticks one), then Enter.
 */
export async function startPanelFromPalette(page: Page, briefTitle: string, castNames: string[], beforeAccept?: () => Promise<void>): Promise<void> {
  await chooseCommand(page, 'Dialogue: Start Panel');
  const title = page.locator('.quick-input-widget .quick-input-title');
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const row = (text: string): Locator => rows.filter({ hasText: text }).first();
  await title.filter({ hasText: 'brief' }).waitFor();
  await row(briefTitle).click();
  await title.filter({ hasText: 'cast' }).waitFor();
  for (const name of castNames) {
    await row(name).click();
    await rows.filter({ hasText: name }).and(page.locator('[aria-checked="true"]')).waitFor();
  }
  await beforeAccept?.();
  await page.locator('.quick-input-widget input.input').first().press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** The one session folder under `workspace/sessions` (the UI run starts from an empty sessions folder). */
export function onlySessionFolder(workspace: string): string {
  const sessions = path.join(workspace, 'sessions');
  const folders = fs.readdirSync(sessions, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  assert.equal(folders.length, 1, `expected one session folder in ${sessions}, found ${folders.join(', ') || 'none'}`);
  return path.join(sessions, folders[0]!);
}

/** The events the running session has journaled so far. */
export async function journalEvents(sessionDir: string): Promise<SessionEvent[]> {
  return (await readJournal(path.join(sessionDir, SESSION_FILES.journal))).state.events;
}

/** Saves `docs/screenshots`-style `e2e-<step>.png` in `dir`, refusing one too heavy to commit. */
export async function saveScreenshot(page: Page, dir: string, step: string): Promise<string> {
  const file = path.join(dir, `e2e-${step}.png`);
  // Animations finished, so a toast sliding in is captured where it lands rather than half-faded.
  await page.screenshot({ path: file, animations: 'disabled' });
  const bytes = fs.statSync(file).size;
  assert.ok(bytes <= MAX_SCREENSHOT_BYTES, `${file} is ${Math.round(bytes / 1024)} KB (limit ${MAX_SCREENSHOT_BYTES / 1024} KB)`);
  return file;
}

/**
 * The server and browser a Dialogue UI file starts from: under run.mjs its shared ones (the stand-in already
 * runs); run alone, its own, with the stand-in and the sample workspace started here. close() ends all of it.
 */
export async function startDialogueUiSession(): Promise<UiSession> {
  const standIn = process.env[UI_ENV.url] ? undefined : await setup();
  const session = await startUiSession(standIn ? { env: standIn.env, ...(standIn.workspaceSource ? { workspaceSource: standIn.workspaceSource } : {}) } : {});
  return {
    ...session,
    async close() {
      await session.close();
      await standIn?.teardown?.();
    },
  };
}
