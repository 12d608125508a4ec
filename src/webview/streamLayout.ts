import { el } from './elements';
import type { SupersedeReason } from './turnLine';

/** Groups per chunk: enough that a chunk is several screens tall, few enough that a chunk lays out fast. */
const CHUNK_GROUPS = 25;

const REASON_WORDS: Record<SupersedeReason, string> = {
  regenerate: 'regenerated',
  edit: 'edited',
  rewind: 'rewound',
  select: 'another sample chosen',
  refusal: 'declined by the model',
};

/** The element holding one human turn's floor line, responses and floor marker. */
export interface TurnBlock {
  readonly turn: number;
  readonly element: HTMLElement;
  group: number;
  superseded: SupersedeReason | undefined;
}

/**
 * Where things sit in the chat. Each human turn is a block; a turn asked again (regenerated or edited) joins
 * the group of the turn it re-asks, so its answer appears in the same place. Groups are packed into chunks
 * that the browser skips entirely while off screen (content-visibility), so a streamed delta lays out a few
 * dozen boxes, not one per message ever shown.
 *
 * Superseded blocks stay in the DOM, collapsed: within a group they come before the live block, and each run
 * of consecutive superseded blocks shows one marker that expands the whole run.
 */
export class StreamLayout {
  readonly list = el('div', { class: 'stream-list', role: 'group' });
  private chunk: HTMLElement | null = null;
  private chunkGroups = 0;
  private readonly blocks = new Map<number, TurnBlock>();
  private readonly groups = new Map<number, HTMLElement>();
  /** Turns heading an expanded run (the run is shown whole). */
  private readonly expanded = new Set<number>();

  reset(): void {
    this.list.replaceChildren();
    this.chunk = null;
    this.chunkGroups = 0;
    this.blocks.clear();
    this.groups.clear();
    this.expanded.clear();
  }

  /**
   * Switches off the per-line actions (Rewind to here) while answering or read-only. One class and one
   * aria-disabled (inherited by every control inside) on the list, not a `disabled` per button: toggling
   * `:disabled` on hundreds of buttons restyles them all, twice per turn, and grows with the session.
   */
  setDisabled(disabled: boolean): void {
    this.list.classList.toggle('busy', disabled);
    this.list.setAttribute('aria-disabled', String(disabled));
  }

  get disabled(): boolean {
    return this.list.classList.contains('busy');
  }

  /** Outside any turn: the session opening, a rewind and the cast changes it brings back. */
  appendTop(node: HTMLElement): void {
    node.classList.add('top-note');
    this.currentChunk().append(node);
  }

  get(turn: number): TurnBlock | undefined {
    return this.blocks.get(turn);
  }

  /** The turn's block, created at the end of its group (a new group at the end of the chat unless given). */
  block(turn: number, group = turn): TurnBlock {
    let b = this.blocks.get(turn);
    if (b) {
      if (b.group !== group) this.move(b, group);
      return b;
    }
    b = { turn, element: el('div', { class: 'turn', 'data-turn': turn }), group, superseded: undefined };
    this.blocks.set(turn, b);
    this.groupElement(group).append(b.element);
    return b;
  }

  /** Marks a block (un)superseded and puts it back in order: superseded blocks first, the live one last. */
  setSuperseded(turn: number, reason: SupersedeReason | undefined): void {
    const b = this.blocks.get(turn);
    if (!b) return;
    b.superseded = reason;
    b.element.classList.toggle('superseded', reason !== undefined);
    if (reason === undefined) b.element.classList.remove('shown');
    this.place(b);
  }

  /** Recomputes the run markers. Called once per supersede event, so a full walk is affordable. */
  refreshRuns(): void {
    const runs: TurnBlock[][] = [];
    let run: TurnBlock[] = [];
    for (const node of this.list.querySelectorAll<HTMLElement>('.turn, .top-note')) {
      const b = node.classList.contains('turn') ? this.blocks.get(Number(node.dataset.turn)) : undefined;
      if (b?.superseded !== undefined) {
        run.push(b);
        continue;
      }
      if (run.length > 0) runs.push(run);
      run = [];
    }
    if (run.length > 0) runs.push(run);
    for (const m of this.list.querySelectorAll('.sup-marker')) m.remove();
    for (const h of this.list.querySelectorAll('.run-head')) h.classList.remove('run-head');
    const heads = new Set<number>();
    for (const r of runs) {
      const head = r[0]!;
      heads.add(head.turn);
      const shown = this.expanded.has(head.turn);
      for (const b of r) b.element.classList.toggle('shown', shown);
      head.element.classList.add('run-head');
      head.element.prepend(this.marker(r, shown));
    }
    for (const t of this.expanded) if (!heads.has(t)) this.expanded.delete(t);
  }

  private marker(run: readonly TurnBlock[], shown: boolean): HTMLElement {
    const reasons = [...new Set(run.map((b) => REASON_WORDS[b.superseded!]))];
    const label = `${run.length === 1 ? 'Superseded turn' : `${run.length} superseded turns`} · ${reasons.join(', ')}`;
    // Reading is never disabled: the marker opts out of the list's aria-disabled.
    const details = el('details', { class: 'sup-marker', open: shown },
      el('summary', { title: 'Kept in the log; not part of what the panel carries forward', 'aria-disabled': 'false' }, label));
    details.addEventListener('toggle', () => {
      if (details.open) this.expanded.add(run[0]!.turn);
      else this.expanded.delete(run[0]!.turn);
      for (const b of run) b.element.classList.toggle('shown', details.open);
    });
    return details;
  }

  private place(b: TurnBlock): void {
    const group = this.groups.get(b.group);
    if (!group) return;
    if (b.superseded === undefined) {
      group.append(b.element);
      return;
    }
    const later = [...group.children].find((c) => {
      const other = this.blocks.get(Number((c as HTMLElement).dataset.turn));
      return other !== undefined && other !== b && (other.superseded === undefined || other.turn > b.turn);
    });
    group.insertBefore(b.element, later ?? null);
  }

  private move(b: TurnBlock, group: number): void {
    const oldKey = b.group;
    const old = this.groups.get(oldKey);
    b.group = group;
    this.groupElement(group).append(b.element);
    if (old && old.childElementCount === 0) {
      old.remove();
      this.groups.delete(oldKey);
    }
    this.place(b);
  }

  private groupElement(group: number): HTMLElement {
    let g = this.groups.get(group);
    if (g) return g;
    g = el('div', { class: 'turn-group', 'data-group': group });
    this.groups.set(group, g);
    this.currentChunk(true).append(g);
    return g;
  }

  private currentChunk(forGroup = false): HTMLElement {
    if (!this.chunk || (forGroup && this.chunkGroups >= CHUNK_GROUPS)) {
      this.chunk = el('div', { class: 'stream-chunk' });
      this.chunkGroups = 0;
      this.list.append(this.chunk);
    }
    if (forGroup) this.chunkGroups++;
    return this.chunk;
  }
}
