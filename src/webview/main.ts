// First: configures zod before protocol.ts builds its schemas (see the module for why).
import './cspSafeZod';
import { el } from './elements';
import { embeddedSource, readEmbeddedData } from './embeddedSource';
import { hostSource } from './hostSource';
import { mountPageChrome } from './pageChrome';
import { PanelApp } from './panelApp';
import { SessionSummary } from './sessionSummary';
import { renderSiteIndex } from './siteIndexPage';

// The data source is chosen once, here: data embedded in the page (an export, the site's index) or the host.
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
const embedded = readEmbeddedData(document);
if (embedded.kind === 'invalid') {
  root.replaceChildren(el('p', { class: 'page-error', role: 'alert' }, embedded.reason));
} else if (embedded.kind === 'data' && embedded.data.kind === 'index') {
  renderSiteIndex(root, embedded.data);
} else {
  const source = embedded.kind === 'data' && embedded.data.kind === 'session' ? embeddedSource(embedded.data) : hostSource();
  const app = new PanelApp(root, source.bridge, document.body.dataset.title ?? 'Dialogue Panel');
  const summary = new SessionSummary();
  const deliver = (msg: Parameters<PanelApp['handle']>[0]): void => {
    summary.observe(msg);
    app.handle(msg);
  };
  source.connect(deliver);
  mountPageChrome(root, source.capabilities, summary, deliver);
}
