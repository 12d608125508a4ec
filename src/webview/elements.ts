/** Attribute values for `el`; `false`/`undefined` leave the attribute out, `true` sets it empty. */
export type Attrs = Record<string, string | number | boolean | undefined>;

/**
 * Creates an element the only way the panel does: attributes through setAttribute and children as nodes or
 * text nodes, so no string ever reaches the HTML parser.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) node.append(child);
  return node;
}

/** Shows or hides without removing (keeps focus targets and listeners stable). */
export function setShown(node: HTMLElement, shown: boolean): void {
  node.hidden = !shown;
}

/** `$0.042` for small sums, `$1.23` otherwise; `—` when the price is unknown. */
export function formatUsd(usd: number | null): string {
  if (usd === null || !Number.isFinite(usd)) return '—';
  return `$${usd.toFixed(usd < 0.995 ? 3 : 2)}`;
}

/** 1234 -> "1.2k", 200000 -> "200k". */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(n / 1000).toFixed(1)}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}
