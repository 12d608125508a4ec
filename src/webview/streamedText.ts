import { renderMarkdown } from './safeMarkdown';

/**
 * The body of one message (or confer line) while the model writes it. Deltas go into a single Text node
 * with appendData, so a delta costs the same whatever else is on screen; the markdown rendering happens
 * once, when the text is final.
 */
export class StreamedText {
  readonly element: HTMLElement;
  private live: Text | null;
  private buffer = '';
  private done = false;

  constructor(className: string, initial = '') {
    this.element = document.createElement('div');
    this.element.className = `${className} streaming`;
    this.live = document.createTextNode('');
    this.element.appendChild(this.live);
    if (initial) this.append(initial);
  }

  get text(): string {
    return this.buffer;
  }

  get finished(): boolean {
    return this.done;
  }

  append(delta: string): void {
    if (this.done || !delta || !this.live) return;
    this.buffer += delta;
    this.live.appendData(delta);
  }

  /** Replaces the streamed text with the final text rendered as safe markdown; later calls re-render. */
  finish(finalText: string): void {
    this.buffer = finalText;
    this.done = true;
    this.live = null;
    this.element.classList.remove('streaming');
    this.element.replaceChildren(renderMarkdown(finalText));
  }
}
