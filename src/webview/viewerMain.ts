import { renderComparePage } from './comparePage';
import { el } from './elements';
import { embeddedSource, readEmbeddedData } from './embeddedSource';
import { mountPageChrome } from './pageChrome';
import { PanelApp } from './panelApp';
import { SessionSummary, summarisedTarget } from './sessionSummary';
import { renderSiteIndex } from './siteIndexPage';

// The standalone pages' entry (`export`, `site`: dist/viewer.js): the same panel renderer as main.ts, fed from
// the data embedded in the page, plus the page's own chrome, the site index and the
// experiments' compare pages. Kept out of the panel's bundle.
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
const embedded = readEmbeddedData(document);
if (embedded.kind === 'invalid' || embedded.kind === 'none') {
  root.replaceChildren(el('p', { class: 'page-error', role: 'alert' }, embedded.kind === 'none' ? 'This page holds no session data.' : embedded.reason));
} else if (embedded.data.kind === 'index') {
  renderSiteIndex(root, embedded.data);
} else if (embedded.data.kind === 'compare') {
  renderComparePage(root, embedded.data);
} else {
  const source = embeddedSource(embedded.data);
  const app = new PanelApp(root, source.bridge, document.body.dataset.title ?? 'Dialogue Panel');
  const summary = new SessionSummary();
  const target = summarisedTarget(app, summary);
  // The page's extras are mounted first: the summary must be there when the history's last slice lands.
  mountPageChrome(root, source.capabilities, summary, target.handle);
  source.connect(target);
}
