import { readFileSync } from 'node:fs';
import type { Frame, Page } from 'playwright-core';
import type { AxeResults, Result } from 'axe-core';

/**
 * axe-core (the open-source accessibility engine) run inside any page or frame Playwright holds: the panel in
 * the webview harness, the panel's frame in real VS Code, the exported session page. The source is evaluated
 * through the DevTools protocol, which the page's CSP does not govern, so the page under test keeps its own
 * strict policy (nonce'd scripts only) while it is checked.
 */

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The rule sets checked: WCAG 2.0/2.1 A and AA, plus axe's best practices (landmarks, headings, regions). */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] as const;

export type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

/** One violated rule on one page, with the nodes that break it (selector and axe's one-line reason). */
export interface AxeViolation {
  rule: string;
  impact: Impact;
  help: string;
  nodes: Array<{ target: string; summary: string }>;
}

/**
 * A violation known and accepted: the rule id, optionally narrowed to nodes whose selector matches, and why.
 * Every entry must say why it is acceptable; the checks fail on anything not listed.
 */
export interface AxeAllowance {
  rule: string;
  target?: RegExp;
  reason: string;
}

/**
 * tsx compiles test files with keepNames, so a function shipped to the page calls esbuild's `__name` helper; a
 * page the webview harness did not open (the panel's frame in VS Code, an exported file) lacks it. A string is
 * evaluated as is, so this one cannot need the helper itself.
 */
export async function ensureNameHelper(where: Page | Frame): Promise<void> {
  await where.evaluate('globalThis.__name = globalThis.__name || ((f) => f); undefined');
}

/** Loads axe into the page or frame once (a reload or navigation drops it; checking again reloads it). */
async function ensureAxe(where: Page | Frame): Promise<void> {
  await ensureNameHelper(where);
  const loaded = await where.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!loaded) await where.evaluate(AXE_SOURCE);
}

/**
 * Runs axe on the document of `where` (or only `include`, a CSS selector) and returns its violations.
 * Finite animations finish first: axe reads computed colours, and a drawer mid-slide has none yet.
 */
export async function runAxe(where: Page | Frame, include?: string): Promise<AxeViolation[]> {
  await ensureAxe(where);
  const results = await where.evaluate(async ({ include, tags }) => {
    // Finite ones only: the streaming caret blinks forever.
    const finite = document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity);
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
    const axe = (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<AxeResults> } }).axe;
    const context = include ? { include: [include] } : document;
    return axe.run(context, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
  }, { include, tags: [...AXE_TAGS] });
  return results.violations.map((v: Result) => ({
    rule: v.id,
    impact: (v.impact ?? 'minor') as Impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: (n.failureSummary ?? '').split('\n').slice(1, 2).join(' ').trim() })),
  }));
}

/** The violations (node by node) no allowance covers. */
export function unexplained(violations: AxeViolation[], allowed: readonly AxeAllowance[]): AxeViolation[] {
  const out: AxeViolation[] = [];
  for (const v of violations) {
    const nodes = v.nodes.filter((n) => !allowed.some((a) => a.rule === v.rule && (!a.target || a.target.test(n.target))));
    if (nodes.length > 0) out.push({ ...v, nodes });
  }
  return out;
}

/** Node counts by impact: what the closing note reports per theme. */
export function countByImpact(violations: AxeViolation[]): Record<Impact, number> {
  const counts: Record<Impact, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of violations) counts[v.impact] += v.nodes.length;
  return counts;
}

/** A readable failure message: rule, impact, then each node and why. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.rule} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target} — ${n.summary}`).join('\n')}`).join('\n');
}
