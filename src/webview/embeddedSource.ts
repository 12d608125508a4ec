import { PAGE_DATA_ID, pageDataSchema, type HostMessage, type MemberView, type PageData, type SessionView, type Theme } from '../protocol';
import type { HostBridge, PanelUiState } from './hostBridge';
import type { SessionSource } from './sessionSource';

/** What a page's inline data turned out to be: nothing (a live panel), valid data, or a reason it is unusable. */
export type EmbeddedData = { kind: 'none' } | { kind: 'data'; data: PageData } | { kind: 'invalid'; reason: string };

/**
 * Reads the page's inert `<script type="application/json">` (never executed: JSON.parse, then the same kind of
 * zod check the host's messages get). The exporter writes `<` as `\u003c`, so no text in it can close the element.
 */
export function readEmbeddedData(doc: Document): EmbeddedData {
  const node = doc.getElementById(PAGE_DATA_ID);
  if (!node) return { kind: 'none' };
  let json: unknown;
  try {
    json = JSON.parse(node.textContent ?? '');
  } catch (err) {
    return { kind: 'invalid', reason: `the page's data is not JSON: ${String(err)}` };
  }
  const parsed = pageDataSchema.safeParse(json);
  if (!parsed.success) return { kind: 'invalid', reason: `the page's data does not match the viewer: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  return { kind: 'data', data: parsed.data };
}

const THEME_KEY = 'dialogue-viewer-theme';
const THEMES: readonly Theme[] = ['cream', 'light', 'dark', 'eink'];

/** The reader's last theme choice on this device, if the browser lets a file:// page keep one. */
export function storedTheme(): Theme {
  try {
    const t = window.localStorage.getItem(THEME_KEY) as Theme | null;
    return t && THEMES.includes(t) ? t : 'cream';
  } catch {
    return 'cream';
  }
}

export function storeTheme(theme: Theme): void {
  try {
    window.localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Storage refused (private mode, some file:// policies): the choice lasts for this visit only.
  }
}

function member(m: SessionView['cast'][number]): MemberView {
  return { id: m.id, name: m.name, glyph: m.glyph, color: m.color };
}

/** A closed session carried in the page: read-only, nothing to post to, the same `init` a replay gets. */
export function embeddedSource(view: SessionView): SessionSource {
  let state: PanelUiState = { drawerOpen: false, draft: '', target: null };
  const bridge: HostBridge = {
    post: (msg) => {
      // No host: requests have nobody to answer them (the controls that make them are not shown); the
      // webview's own error reports go to the console.
      if (msg.type === 'log') console.error(msg.message);
    },
    loadState: () => state,
    saveState: (patch) => { state = { ...state, ...patch }; },
  };
  return {
    capabilities: { requests: false, chooseTheme: true, sessionFacts: view },
    bridge,
    connect(deliver: (msg: HostMessage) => void): void {
      deliver({
        type: 'init',
        title: view.title,
        brief: view.brief,
        cast: view.cast.filter((m) => m.leftTurn === null).map(member),
        // Everyone who ever took part, so messages of members who left keep their name, glyph and colour.
        library: view.cast.map(member),
        theme: storedTheme(),
        readOnly: true,
        canContinue: false,
        events: view.events,
        answering: false,
        meter: null,
      });
    },
  };
}
