import type { CompareView, MemberView, SiteIndex, Theme } from '../protocol';
import { PAGE_DATA_ID, parsePageHead, parseViewEvents, type UncheckedSessionView } from './pageData';
import type { HostBridge, PanelUiState } from './hostBridge';
import type { SessionEvent } from './sessionEvent';
import type { SessionFacts, SessionSource, SessionTarget } from './sessionSource';

export type { UncheckedSessionView } from './pageData';

/** What a page's inline data turned out to be: nothing (a live panel), valid data, or a reason it is unusable. */
export type EmbeddedData =
  | { kind: 'none' }
  | { kind: 'data'; data: UncheckedSessionView | SiteIndex | CompareView }
  | { kind: 'invalid'; reason: string };

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
  const parsed = parsePageHead(json);
  if (!parsed.ok) return { kind: 'invalid', reason: `the page's data does not match the viewer: ${parsed.error}` };
  return { kind: 'data', data: parsed.head };
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

function member(m: UncheckedSessionView['cast'][number]): MemberView {
  return { id: m.id, name: m.name, glyph: m.glyph, color: m.color };
}

function factsOf(view: UncheckedSessionView): SessionFacts {
  const { events: _unchecked, ...facts } = view;
  return facts;
}

/** A closed session carried in the page: read-only, nothing to post to, the same `init` a replay gets. */
export function embeddedSource(view: UncheckedSessionView): SessionSource {
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
    capabilities: { requests: false, chooseTheme: true, sessionFacts: factsOf(view) },
    bridge,
    connect(target: SessionTarget): void {
      const slices = historySlices(view.events);
      const checked = (i: number): SessionEvent[] | null => {
        const r = parseViewEvents(slices[i] ?? []);
        if (r.ok) return r.events;
        document.body.dataset.history = 'invalid';
        const at = Number(/^\$?\.?events\[(\d+)\]/.exec(r.error)?.[1] ?? /\[(\d+)\]/.exec(r.error)?.[1] ?? 0);
        target.handle({ type: 'banner', level: 'error', actions: [], message: `This page's session data is damaged from about event ${i * SLICE_EVENTS + at + 1} on (${r.error}): what follows is not shown.` });
        return null;
      };
      const first = checked(0);
      if (!first) return;
      target.handle({
        type: 'init',
        title: view.title,
        brief: view.brief,
        cast: view.cast.filter((m) => m.leftTurn === null).map(member),
        // Everyone who ever took part, so messages of members who left keep their name, glyph and colour.
        library: view.cast.map(member),
        theme: storedTheme(),
        readOnly: true,
        canContinue: false,
        events: first,
        answering: false,
        meter: null,
      });
      // The rest a slice per task, so a 1,000-turn session paints its first turns at once and the page
      // answers scrolling and clicks while the remainder is laid in.
      let next = 1;
      const more = (): void => {
        if (next >= slices.length) {
          document.body.dataset.history = 'complete';
          return;
        }
        const slice = checked(next++);
        if (!slice) return;
        target.appendHistory(slice);
        setTimeout(more, 0);
      };
      more();
    },
  };
}

/** Events per slice: a few dozen turns, a few tens of milliseconds of DOM work. */
const SLICE_EVENTS = 400;

/** The history cut at turn boundaries into slices of about SLICE_EVENTS (a turn is never split), unchecked. */
export function historySlices(events: readonly unknown[]): unknown[][] {
  const slices: unknown[][] = [];
  let current: unknown[] = [];
  const turnOf = (ev: unknown): unknown => (typeof ev === 'object' && ev !== null ? (ev as { turn?: unknown }).turn : undefined);
  for (const ev of events) {
    const last = current[current.length - 1];
    if (current.length >= SLICE_EVENTS && last !== undefined && turnOf(ev) !== turnOf(last)) {
      slices.push(current);
      current = [];
    }
    current.push(ev);
  }
  if (current.length > 0) slices.push(current);
  return slices;
}
