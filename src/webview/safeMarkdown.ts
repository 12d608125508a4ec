import MarkdownIt from 'markdown-it';

type Token = MarkdownIt.Token;

// html:false makes raw HTML plain text; linkify off so nothing the model writes becomes a link on its own.
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

// The only elements model text can produce. Headings are demoted: a `#` in a chat reply should not
// out-shout the panel's own header.
const BLOCK_TAGS: Record<string, keyof HTMLElementTagNameMap> = {
  paragraph: 'p',
  bullet_list: 'ul',
  ordered_list: 'ol',
  list_item: 'li',
  blockquote: 'blockquote',
  table: 'table',
  thead: 'thead',
  tbody: 'tbody',
  tr: 'tr',
  th: 'th',
  td: 'td',
};
const INLINE_TAGS: Record<string, keyof HTMLElementTagNameMap> = {
  strong: 'strong',
  em: 'em',
  s: 's',
};

/**
 * Renders markdown to a DOM fragment built only with createElement/textContent: no HTML string is ever
 * parsed, so `<script>` or `<img onerror>` in model text stays literal text. Links are not navigable:
 * their text is shown followed by the URL.
 */
export function renderMarkdown(source: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const stack: Node[] = [fragment];
  const top = (): Node => stack[stack.length - 1]!;
  for (const token of md.parse(source, {})) {
    if (token.type === 'inline') {
      renderInline(token.children ?? [], top());
      continue;
    }
    // Tight lists mark their paragraphs hidden: the text goes straight into the <li>.
    if (token.hidden && token.nesting !== 0) continue;
    const name = token.type.replace(/_(open|close)$/, '');
    if (token.nesting === 1) {
      const node = openBlock(name, token);
      top().appendChild(node);
      stack.push(node);
    } else if (token.nesting === -1) {
      if (stack.length > 1) stack.pop();
    } else {
      const leaf = blockLeaf(token);
      if (leaf) top().appendChild(leaf);
    }
  }
  return fragment;
}

function openBlock(name: string, token: Token): HTMLElement {
  if (name === 'heading') {
    const p = document.createElement('p');
    p.className = `md-heading md-${token.tag}`;
    return p;
  }
  const tag = BLOCK_TAGS[name] ?? 'div';
  const node = document.createElement(tag);
  if (tag === 'ol') {
    const start = Number(token.attrGet('start'));
    if (Number.isInteger(start) && start > 1) node.setAttribute('start', String(start));
  }
  return node;
}

function blockLeaf(token: Token): Node | null {
  if (token.type === 'fence' || token.type === 'code_block') {
    const pre = document.createElement('pre');
    const code = document.createElement('code');
    code.textContent = token.content.replace(/\n$/, '');
    pre.appendChild(code);
    return pre;
  }
  if (token.type === 'hr') return document.createElement('hr');
  // html_block cannot occur with html:false, but if it ever did it would still only be text.
  if (token.content) return document.createTextNode(token.content);
  return null;
}

function renderInline(tokens: readonly Token[], parent: Node): void {
  const stack: Node[] = [parent];
  const top = (): Node => stack[stack.length - 1]!;
  const links: string[] = [];
  for (const token of tokens) {
    switch (token.type) {
      case 'text':
      case 'html_inline':
        top().appendChild(document.createTextNode(token.content));
        break;
      case 'code_inline': {
        const code = document.createElement('code');
        code.textContent = token.content;
        top().appendChild(code);
        break;
      }
      case 'softbreak':
        top().appendChild(document.createTextNode('\n'));
        break;
      case 'hardbreak':
        top().appendChild(document.createElement('br'));
        break;
      case 'image': {
        const alt = token.children?.map((c: Token) => c.content).join('') ?? token.content;
        top().appendChild(linkText(`[image: ${alt}]`, String(token.attrGet('src') ?? '')));
        break;
      }
      case 'link_open': {
        links.push(String(token.attrGet('href') ?? ''));
        const span = document.createElement('span');
        span.className = 'md-link';
        top().appendChild(span);
        stack.push(span);
        break;
      }
      case 'link_close': {
        if (stack.length > 1) stack.pop();
        const href = links.pop() ?? '';
        if (href) top().appendChild(urlNote(href));
        break;
      }
      default: {
        const name = token.type.replace(/_(open|close)$/, '');
        const tag = INLINE_TAGS[name];
        if (!tag) {
          if (token.content) top().appendChild(document.createTextNode(token.content));
        } else if (token.nesting === 1) {
          const node = document.createElement(tag);
          top().appendChild(node);
          stack.push(node);
        } else if (token.nesting === -1 && stack.length > 1) {
          stack.pop();
        }
      }
    }
  }
}

function linkText(text: string, url: string): DocumentFragment {
  const f = document.createDocumentFragment();
  const span = document.createElement('span');
  span.className = 'md-link';
  span.textContent = text;
  f.appendChild(span);
  if (url) f.appendChild(urlNote(url));
  return f;
}

function urlNote(url: string): HTMLElement {
  const note = document.createElement('span');
  note.className = 'md-url';
  note.textContent = ` (${url})`;
  return note;
}
