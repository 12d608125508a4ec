import { connectHost } from './hostBridge';
import { parseHostMessage } from './hostMessages';
import { PanelApp } from './panelApp';

const host = connectHost();
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
const app = new PanelApp(root, host, document.body.dataset.title ?? 'Dialogue Panel');

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseHostMessage(event.data);
  if (!parsed.ok) {
    const type = typeof event.data === 'object' && event.data !== null ? String((event.data as { type?: unknown }).type) : typeof event.data;
    host.post({ type: 'log', level: 'error', message: `webview dropped an invalid "${type}" message: ${parsed.error}`.slice(0, 10_000) });
    return;
  }
  try {
    app.handle(parsed.msg);
  } catch (err) {
    host.post({ type: 'log', level: 'error', message: `webview failed on "${parsed.msg.type}": ${String(err)}`.slice(0, 10_000) });
  }
});

host.post({ type: 'ready' });
