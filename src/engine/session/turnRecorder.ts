import type { StreamPart } from '../../protocol';
import type { NewEvent } from '../store/sessionSchema';
import type { ParseEvent } from '../parse/tagParser';

/** Where a turn's output goes: completed things to the journal, live fragments to whoever watches. */
export interface TurnSink {
  record(e: NewEvent): void;
  stream(p: StreamPart): void;
}

/**
 * Turns parser events into session events (completed lines and responses) and stream parts (live text).
 * Each delta is forwarded as-is: O(delta) per chunk, nothing re-sent.
 */
export class TurnRecorder {
  private lineIndex = 0;
  private spokeIds = new Set<string>();
  /** Members who began a response (speak or pass) this turn: a second one is off-format. */
  private answered = new Set<string>();

  constructor(
    private readonly turn: number,
    private readonly sink: TurnSink,
    private readonly addressed: string | null,
    /** Present members this turn: with one member, as with an @address, the format has no confer. */
    private readonly memberCount = 2,
  ) {}

  /** ids that spoke or passed this turn. */
  get responders(): ReadonlySet<string> {
    return this.spokeIds;
  }

  handle(e: ParseEvent): void {
    const turn = this.turn;
    switch (e.type) {
      case 'confer-start':
        if (this.addressed !== null || this.memberCount === 1) {
          const why = this.addressed !== null ? `the turn was addressed to ${this.addressed}` : 'the panel has one member';
          this.sink.record({ type: 'anomaly', turn, kind: 'unexpected-confer', detail: `a <confer> was written although ${why}; its lines are kept as deliberation` });
        }
        return;
      case 'confer-end':
        return;
      case 'line-start':
        this.lineIndex++;
        this.sink.stream({ type: 'stream', turn, item: 'line', phase: 'start', speaker: e.speaker, order: this.lineIndex, text: '' });
        return;
      case 'line-delta':
        this.sink.stream({ type: 'stream', turn, item: 'line', phase: 'delta', speaker: e.speaker, order: this.lineIndex, text: e.text });
        return;
      case 'line-end':
        this.sink.stream({ type: 'stream', turn, item: 'line', phase: 'end', speaker: e.speaker, order: this.lineIndex, text: e.text, truncated: e.truncated });
        this.sink.record({ type: 'deliberation', turn, speaker: e.speaker, text: e.text });
        return;
      case 'speak-start':
        this.noteAnswer(e.speaker, 'spoke');
        if (this.addressed && e.speaker !== this.addressed) {
          this.sink.record({ type: 'anomaly', turn, kind: 'unaddressed-speaker', detail: `${e.speaker} spoke on a turn addressed to ${this.addressed}` });
        }
        this.sink.stream({ type: 'stream', turn, item: 'speak', phase: 'start', speaker: e.speaker, order: e.order, text: '' });
        return;
      case 'speak-delta':
        this.sink.stream({ type: 'stream', turn, item: 'speak', phase: 'delta', speaker: e.speaker, order: e.order, text: e.text });
        return;
      case 'speak-end':
        this.spokeIds.add(e.speaker);
        this.sink.stream({ type: 'stream', turn, item: 'speak', phase: 'end', speaker: e.speaker, order: e.order, text: e.text, truncated: e.truncated });
        this.sink.record({ type: 'speak', turn, speaker: e.speaker, text: e.text, order: e.order, truncated: e.truncated });
        return;
      case 'pass':
        this.noteAnswer(e.speaker, 'passed');
        this.spokeIds.add(e.speaker);
        this.sink.record({ type: 'pass', turn, speaker: e.speaker, order: e.order });
        return;
      case 'anomaly':
        this.sink.record({ type: 'anomaly', turn, kind: e.kind, detail: e.detail });
        return;
    }
  }

  private noteAnswer(speaker: string, how: 'spoke' | 'passed'): void {
    if (this.answered.has(speaker)) {
      this.sink.record({ type: 'anomaly', turn: this.turn, kind: 'repeat-response', detail: `${speaker} ${how} again: a member answers once per turn; both are kept` });
    }
    this.answered.add(speaker);
  }
}
