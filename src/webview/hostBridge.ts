import type { WebviewMessage } from '../protocol';

/** What the panel keeps across hidden tabs and reloads, in VS Code's per-webview state. */
export interface PanelUiState {
  drawerOpen: boolean;
  draft: string;
  target: string | null;
}

/** The webview's only way out: typed messages to the host, and its saved UI state. */
export interface HostBridge {
  post(msg: WebviewMessage): void;
  loadState(): PanelUiState;
  saveState(patch: Partial<PanelUiState>): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** Call once: VS Code allows acquireVsCodeApi a single time per page. */
export function connectHost(): HostBridge {
  const api = acquireVsCodeApi();
  const stored = (): Record<string, unknown> => {
    const s = api.getState();
    return s && typeof s === 'object' ? (s as Record<string, unknown>) : {};
  };
  return {
    post: (msg) => api.postMessage(msg),
    loadState: () => {
      const s = stored();
      return {
        drawerOpen: s.drawerOpen === true,
        draft: typeof s.draft === 'string' ? s.draft : '',
        target: typeof s.target === 'string' ? s.target : null,
      };
    },
    // Merge, not replace: the host side may keep its own keys (e.g. the session folder) in the same state.
    saveState: (patch) => api.setState({ ...stored(), ...patch }),
  };
}
