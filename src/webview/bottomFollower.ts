const PINNED_SLACK_PX = 48;

/**
 * Keeps a scroll container at its bottom while the reader is there, and leaves it alone once they scroll
 * up. At most one layout read per frame (`soon`), never one per streamed delta.
 */
export class BottomFollower {
  private pinned = true;
  private queued = false;
  /** Where our own last jump landed (-1: it did not move), so its scroll event is not taken for the reader's. */
  private autoTop = -1;
  private lastTop = 0;

  constructor(private readonly scroller: HTMLElement, content: HTMLElement) {
    // Reading layout here is fine: it happens on a scroll, never per delta.
    scroller.addEventListener('scroll', () => {
      const s = this.scroller;
      const wentUp = s.scrollTop < this.lastTop - 1;
      this.lastTop = s.scrollTop;
      // Our own jump to the bottom, or the browser moving the view while history above or below it takes its
      // real size (content-visibility placeholders, scroll anchoring): keep following. Only a move up can
      // mean the reader left the bottom.
      if (Math.abs(s.scrollTop - this.autoTop) < 1 || (this.pinned && !wentUp)) {
        this.soon();
        return;
      }
      this.pinned = s.scrollHeight - s.scrollTop - s.clientHeight < PINNED_SLACK_PX;
    }, { passive: true });
    // History that comes into view takes its real size only after the frame that scrolled to it (it was a
    // content-visibility placeholder until then), with no scroll event: follow those late growths too.
    new ResizeObserver(() => this.follow()).observe(content);
  }

  reset(): void {
    this.pinned = true;
    this.autoTop = -1;
    this.lastTop = 0;
  }

  /** Follow new content at the next frame, if the reader is at the bottom. */
  soon(): void {
    if (!this.pinned || this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      this.follow();
    });
  }

  private follow(): void {
    if (!this.pinned) return;
    const s = this.scroller;
    const before = s.scrollTop;
    s.scrollTop = s.scrollHeight;
    this.autoTop = s.scrollTop === before ? -1 : s.scrollTop;
    this.lastTop = s.scrollTop;
  }
}
