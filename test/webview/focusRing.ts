import type { Frame, Page } from 'playwright-core';
import { ensureNameHelper } from './axeCheck';

/** What the focused element shows: its ring (outline or box-shadow), and that ring's contrast with what is behind. */
export interface FocusRing {
  /** Tag, accessible name or class: enough to say which control a failure is about. */
  element: string;
  /** `outline` or `box-shadow`, whichever draws the ring; null when neither does. */
  kind: 'outline' | 'box-shadow' | null;
  widthPx: number;
  color: string;
  background: string;
  /** WCAG contrast ratio of the ring against the nearest opaque background behind it (1.4.11 asks 3:1). */
  contrast: number;
}

/**
 * The focus ring of `document.activeElement` in a page or frame (the panel's frame in real VS Code too), or
 * null when nothing but <body> has focus. Colours are resolved through a canvas, so any CSS colour syntax the
 * theme uses (color-mix, oklch) is measured as painted.
 */
export async function focusRingOf(where: Page | Frame): Promise<FocusRing | null> {
  await ensureNameHelper(where);
  return where.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    if (!active || active === document.body) return null;
    const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    const rgba = (css: string): [number, number, number, number] => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const d = ctx.getImageData(0, 0, 1, 1).data;
      return [d[0]!, d[1]!, d[2]!, d[3]! / 255];
    };
    const lum = ([r, g, b]: number[]): number => {
      const f = (c: number): number => { const s = c / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    // The ring sits just outside the element (or inside it with a negative offset): behind it is the nearest
    // ancestor's opaque background.
    const st = getComputedStyle(active);
    const inset = parseFloat(st.outlineOffset) < 0;
    let bg = 'rgb(255, 255, 255)';
    for (let n: Element | null = inset ? active : active.parentElement; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (rgba(c)[3] > 0.9) { bg = c; break; }
    }
    let kind: 'outline' | 'box-shadow' | null = null;
    let width = 0;
    let color = '';
    if (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0 && rgba(st.outlineColor)[3] > 0.5) {
      kind = 'outline';
      width = parseFloat(st.outlineWidth);
      color = st.outlineColor;
    } else if (st.boxShadow && st.boxShadow !== 'none') {
      // `<color> 0px 0px 0px <spread>`: the spread is the ring's width.
      const m = /^(.*?\))\s+(-?[\d.]+)px\s+(-?[\d.]+)px\s+([\d.]+)px\s+([\d.]+)px/.exec(st.boxShadow);
      if (m && parseFloat(m[5]!) > 0) {
        kind = 'box-shadow';
        width = parseFloat(m[5]!);
        color = m[1]!;
      }
    }
    const l1 = kind ? lum(rgba(color)) : lum(rgba(bg));
    const l2 = lum(rgba(bg));
    const contrast = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const name = active.getAttribute('aria-label') ?? active.textContent?.trim().slice(0, 30) ?? '';
    return {
      element: `${active.tagName.toLowerCase()}.${[...active.classList].join('.')} "${name}"`,
      kind, widthPx: width, color, background: bg, contrast: Math.round(contrast * 100) / 100,
    };
  });
}

/** A visible ring: drawn, at least 1px wide, and 3:1 against what is behind it. */
export function isVisibleRing(ring: FocusRing | null): boolean {
  return ring !== null && ring.kind !== null && ring.widthPx >= 1 && ring.contrast >= 3;
}
