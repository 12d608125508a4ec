import type { MemberView } from '../protocol';
import { el } from './elements';

/**
 * Every member the panel has ever been told about (cast or library), so a message from a member who has
 * since retired — or a replayed session's former cast — still shows the right name, glyph and colour.
 */
export class MemberDirectory {
  private readonly known = new Map<string, MemberView>();

  remember(members: readonly MemberView[]): void {
    for (const m of members) this.known.set(m.id, m);
  }

  /** The member, or a stand-in derived from the id when the host never described it. */
  get(id: string): MemberView {
    const found = this.known.get(id);
    if (found) return found;
    const name = id.replace(/-/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
    return { id, name, glyph: (name[0] ?? '?').toUpperCase(), color: colorFromId(id) };
  }

  name(id: string): string {
    return this.get(id).name;
  }

  /**
   * First word of the name, past a leading article ("The Tycoon" is "Tycoon", not "The"): what `@` completion
   * writes and short labels (roster chips, the drawer, passes) show.
   */
  shortName(id: string): string {
    const words = this.get(id).name.trim().split(/\s+/);
    const article = words.length > 1 && /^(the|a|an)$/i.test(words[0]!);
    return (article ? words[1] : words[0]) || id;
  }
}

function colorFromId(id: string): string {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return `hsl(${h} 45% 45%)`;
}

// A colour comes from a character file; anything but a plain colour value (e.g. `url(...)`, or a value
// with `;`) is ignored so a file cannot make the page fetch something or restyle other properties.
function safeColor(color: string): string | null {
  const c = color.trim();
  if (c.length > 64 || /[;{}()\\]/.test(c.replace(/^(rgba?|hsla?|oklch|lab|lch)\([^()]*\)$/, ''))) return null;
  if (/url\s*\(/i.test(c)) return null;
  return typeof CSS !== 'undefined' && CSS.supports('color', c) ? c : null;
}

/** Gives an element (and its descendants) the member's colour as `--member`; CSSOM, so CSP allows it. */
export function paintMember(node: HTMLElement, member: MemberView): void {
  const color = safeColor(member.color);
  if (color) node.style.setProperty('--member', color);
  else node.style.removeProperty('--member');
}

/** The round glyph avatar in the member's colour; decorative (the name is always next to it). */
export function glyphAvatar(member: MemberView, extraClass = ''): HTMLElement {
  const avatar = el('span', { class: `glyph ${extraClass}`.trim(), 'aria-hidden': 'true' }, member.glyph);
  paintMember(avatar, member);
  // An imported character's picture, over the glyph (which shows again if the image cannot load). Only a
  // resource URI the host made is used; the CSP's img-src (the webview's own source) is the real guard.
  if (member.avatar && /^(https:|vscode-webview-resource:|vscode-resource:)/.test(member.avatar)) {
    const img = el('img', { src: member.avatar, alt: '', class: 'avatar-image' });
    img.addEventListener('error', () => img.remove());
    avatar.append(img);
  }
  return avatar;
}
