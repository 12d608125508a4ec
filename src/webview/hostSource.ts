import { connectHost } from './hostBridge';
import { parseHostMessage } from './hostMessages';
import type { SessionSource, SessionTarget } from './sessionSource';

/** The live panel's source: VS Code's host, reached through acquireVsCodeApi and window messages. */
export function hostSource(): SessionSource {
  const host = connectHost();
  return {
    capabilities: { requests: true, chooseTheme: false, sessionFacts: null },
    bridge: host,
    connect(target: SessionTarget): void {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const parsed = parseHostMessage(event.data);
        if (!parsed.ok) {
          const type = typeof event.data === 'object' && event.data !== null ? String((event.data as { type?: unknown }).type) : typeof event.data;
          host.post({ type: 'log', level: 'error', message: `webview dropped an invalid "${type}" message: ${parsed.error}`.slice(0, 10_000) });
          return;
        }
        try {
          target.handle(parsed.msg);
        } catch (err) {
          host.post({ type: 'log', level: 'error', message: `webview failed on "${parsed.msg.type}": ${String(err)}`.slice(0, 10_000) });
        }
      });
      host.post({ type: 'ready' });
    },
  };
}
