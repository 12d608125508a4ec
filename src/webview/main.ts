import { el } from './elements';
import { embeddedSource, readEmbeddedData } from './embeddedSource';
import { hostSource } from './hostSource';
import { mountPageChrome } from './pageChrome';
import { PanelApp } from './panelApp';
import { SessionSummary } from './sessionSummary';
import type { SessionTarget } from './sessionSource';
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
  const target: SessionTarget = {
    handle: (msg) => {
      summary.observe(msg);
      app.handle(msg);
    },
    appendHistory: (events) => {
      summary.observeHistory(events);
      app.appendHistory(events);
    },
  };
  // The page's extras are mounted first: the summary must be there when the history's last slice lands.
  mountPageChrome(root, source.capabilities, summary, target.handle);
  source.connect(target);
}
