// Room `engine/parse`: the incremental, forgiving reader of the model's reply (tagLexer, speakerMatch,
// tagParser). Imports nothing outside its room.
/**
 * Incremental, forgiving reader of the model's reply (SPEC section 3): chunks in, events out.
 * tagLexer.ts finds the tags; this file gives them structure (confer, lines, speaks, passes), decides who is
 * speaking, and turns every departure from the format into an `anomaly` event plus the best reading.
 */
import { createSpeakerMatcher } from './speakerMatch.js';
import { createTagLexer, type TagToken } from './tagLexer.js';

import type { ParserRoster } from './speakerMatch.js';

export type { ParserRoster, RosterEntry } from './speakerMatch.js';
/**
 * What the parser reports as off-format (every kind is documented in docs/session-format.md; a test checks it):
 * stray-text: non-whitespace text outside any tag (detail: the text, trimmed, max 500 chars);
 * unclosed-line: a <line> not closed before the next <line>/<speak>/</confer>/<pass>;
 * unclosed-speak: a <speak> not closed before the next tag;
 * speaker-by-name: who= matched a name (case-insensitive) instead of an id; the id is used;
 * unknown-speaker: who= matches nobody; its text is NOT emitted as speech (detail keeps who and the text);
 * retired-speaker: who= is a retired member; same treatment as unknown;
 * missing-speaker: no who attribute;
 * unterminated: the stream ended inside a tag/element (not for reason 'aborted');
 * malformed-tag: a tag-looking thing that could not be read (kept as text where it was).
 */
export const PARSER_ANOMALY_KINDS = [
  'stray-text',
  'unclosed-line',
  'unclosed-speak',
  'speaker-by-name',
  'unknown-speaker',
  'retired-speaker',
  'missing-speaker',
  'unterminated',
  'malformed-tag',
] as const;
export type AnomalyKind = (typeof PARSER_ANOMALY_KINDS)[number];
/**
 * One step of the reply. Starts and ends pair up; deltas of an element concatenate to its end `text`, which is
 * trimmed. `speaker` is always a present member's id. Line events only occur between confer-start and confer-end.
 */
export type ParseEvent =
  | { type: 'confer-start' }
  | { type: 'line-start'; speaker: string }
  | { type: 'line-delta'; speaker: string; text: string }
  | { type: 'line-end'; speaker: string; text: string; truncated: boolean }
  | { type: 'confer-end' }
  | { type: 'speak-start'; speaker: string; order: number }        // order: 1-based delivery order among speak AND pass
  | { type: 'speak-delta'; speaker: string; order: number; text: string }
  | { type: 'speak-end'; speaker: string; order: number; text: string; truncated: boolean }
  | { type: 'pass'; speaker: string; order: number }
  | { type: 'anomaly'; kind: AnomalyKind; detail: string };
/** Why the stream ended: `refusal` (the model declined) is no format problem, like `aborted`. */
export type EndReason = 'stop' | 'max_tokens' | 'dropped' | 'error' | 'aborted' | 'refusal';
/** feed() any number of times, then end() once; feed() after end() throws. */
export interface TagParser { feed(chunk: string): void; end(reason: EndReason): void }

const STRAY_DETAIL_MAX = 500;

/** An open <line> or <speak>. `speaker` null: the text is collected for the anomaly detail, never emitted. */
interface OpenElement {
  kind: 'line' | 'speak';
  raw: string;
  speaker: string | null;
  problem: 'unknown-speaker' | 'retired-speaker' | 'missing-speaker' | null;
  order: number;
  /** False until the first non-whitespace character, so leading whitespace is never emitted. */
  started: boolean;
  /** Trailing whitespace held back until more text shows it is not the end. */
  held: string;
  /** Text known to be content but not yet sent as a delta (sent at the end of each feed). */
  unsent: string;
  parts: string[];
}

// The same set String.prototype.trim removes, so the end text is exactly the trimmed content.
function isWs(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a)
    || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}
const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

export function createTagParser(roster: ParserRoster, onEvent: (e: ParseEvent) => void): TagParser {
  const matchSpeaker = createSpeakerMatcher(roster);
  let cur: OpenElement | null = null;
  let inConfer = false;
  /** The previous tag was a `<pass who=x>` without `/`, so one `</pass>` belongs to it. */
  let passOpen = false;
  let order = 0;
  let stray = '';
  let ended = false;

  /**
   * Every non-delta event first sends the open element's pending text, so the event lands after the same text
   * whether the input came whole (one delta per feed) or in many chunks.
   */
  const emit = (e: Exclude<ParseEvent, { type: 'line-delta' | 'speak-delta' }>): void => {
    if (cur !== null && cur.unsent !== '') sendDelta(cur, true);
    onEvent(e);
  };
  const anomaly = (kind: AnomalyKind, detail: string): void => emit({ type: 'anomaly', kind, detail });

  const flushStray = (): void => {
    let text = stray.trimEnd();
    stray = '';
    if (text === '') return;
    if (text.length > STRAY_DETAIL_MAX) text = text.slice(0, STRAY_DETAIL_MAX - (isHighSurrogate(text.charCodeAt(STRAY_DETAIL_MAX - 1)) ? 1 : 0));
    anomaly('stray-text', text);
  };

  const addStray = (text: string): void => {
    if (stray.length >= STRAY_DETAIL_MAX) return; // the detail is capped, so the rest need not be kept
    let start = 0;
    if (stray === '') while (start < text.length && isWs(text.charCodeAt(start))) start++;
    stray += text.slice(start, start + STRAY_DETAIL_MAX - stray.length);
  };

  const addText = (el: OpenElement, text: string): void => {
    let start = 0;
    if (!el.started) {
      while (start < text.length && isWs(text.charCodeAt(start))) start++;
      if (start === text.length) return;
      el.started = true;
    }
    let last = text.length;
    while (last > start && isWs(text.charCodeAt(last - 1))) last--;
    if (last === start) { el.held += text; return; }
    const piece = el.held + text.slice(start, last);
    el.held = text.slice(last);
    el.parts.push(piece);
    el.unsent += piece;
  };

  /** Sends the unsent text; mid-stream a dangling high surrogate waits so no delta ends in half an emoji. */
  const sendDelta = (el: OpenElement, final: boolean): void => {
    let text = el.unsent;
    if (!final && text !== '' && isHighSurrogate(text.charCodeAt(text.length - 1))) text = text.slice(0, -1);
    if (text === '') return;
    el.unsent = el.unsent.slice(text.length);
    if (el.speaker === null) return;
    if (el.kind === 'line') onEvent({ type: 'line-delta', speaker: el.speaker, text });
    else onEvent({ type: 'speak-delta', speaker: el.speaker, order: el.order, text });
  };

  const close = (el: OpenElement, truncated: boolean): void => {
    cur = null;
    sendDelta(el, true);
    const text = el.parts.join('');
    if (el.speaker === null) anomaly(el.problem ?? 'unknown-speaker', text === '' ? el.raw : `${el.raw} ${text}`);
    else if (el.kind === 'line') emit({ type: 'line-end', speaker: el.speaker, text, truncated });
    else emit({ type: 'speak-end', speaker: el.speaker, order: el.order, text, truncated });
  };

  const closeUnclosed = (el: OpenElement, by: TagToken): void => {
    anomaly(el.kind === 'line' ? 'unclosed-line' : 'unclosed-speak', `${el.raw} not closed before ${by.raw}`);
    close(el, false);
  };

  const endConfer = (): void => {
    if (!inConfer) return;
    inConfer = false;
    emit({ type: 'confer-end' });
  };

  /** Resolves who= and reports how; returns the id to use, or null when the element's text must not be emitted. */
  const speakerOf = (tag: TagToken): { id: string | null; problem: OpenElement['problem'] } => {
    const match = matchSpeaker(tag.who);
    if (match.id === null) return { id: null, problem: match.problem };
    if (match.via === 'name') anomaly('speaker-by-name', `${tag.raw} read as ${match.id}`);
    if (match.via === 'sole-member') anomaly('missing-speaker', `${tag.raw} read as ${match.id}, the only member present`);
    return { id: match.id, problem: null };
  };

  const open = (kind: OpenElement['kind'], tag: TagToken): void => {
    const { id, problem } = speakerOf(tag);
    const el: OpenElement = { kind, raw: tag.raw, speaker: id, problem, order: 0, started: false, held: '', unsent: '', parts: [] };
    if (id !== null && kind === 'line') emit({ type: 'line-start', speaker: id });
    if (id !== null && kind === 'speak') {
      el.order = ++order;
      emit({ type: 'speak-start', speaker: id, order: el.order });
    }
    if (tag.selfClosing) close(el, false);
    else cur = el;
  };

  const onTag = (tag: TagToken): void => {
    flushStray();
    const pairedPassClose = passOpen && tag.closing && tag.name === 'pass';
    passOpen = false;
    if (pairedPassClose) return;

    if (tag.closing) {
      if (cur !== null && (tag.name === 'line' || tag.name === 'speak' || tag.name === 'pass')) {
        // A mismatched closer (`<speak ...>...</line>`) still shows where the model meant the element to end.
        if (tag.name === cur.kind) close(cur, false);
        else closeUnclosed(cur, tag);
        return;
      }
      if (cur !== null) closeUnclosed(cur, tag);
      if (tag.name === 'confer' && inConfer) endConfer();
      else addStray(tag.raw); // a closer with nothing to close is just text outside the format
      return;
    }

    if (cur !== null) closeUnclosed(cur, tag);
    switch (tag.name) {
      case 'confer':
        if (inConfer) { addStray(tag.raw); return; }
        inConfer = true;
        emit({ type: 'confer-start' });
        if (tag.selfClosing) endConfer();
        return;
      case 'line':
        if (!inConfer) { inConfer = true; emit({ type: 'confer-start' }); }
        open('line', tag);
        return;
      case 'speak':
        endConfer();
        open('speak', tag);
        return;
      case 'pass': {
        endConfer();
        const { id, problem } = speakerOf(tag);
        if (id !== null) emit({ type: 'pass', speaker: id, order: ++order });
        else anomaly(problem ?? 'unknown-speaker', tag.raw);
        passOpen = !tag.selfClosing;
        return;
      }
    }
  };

  const onText = (text: string): void => {
    if (cur !== null) addText(cur, text);
    else addStray(text);
  };

  const lexer = createTagLexer({
    text: onText,
    tag: onTag,
    malformed(raw) {
      anomaly('malformed-tag', raw.trimEnd());
      onText(raw);
    },
  });

  return {
    feed(chunk) {
      if (ended) throw new Error('tagParser: feed() after end()');
      lexer.feed(chunk);
      if (cur !== null) sendDelta(cur, false);
    },
    end(reason) {
      if (ended) throw new Error('tagParser: end() called twice');
      ended = true;
      // A fragment like `</spe` at the cut is markup the model never finished, not speech, so it is dropped.
      const fragment = lexer.finish();
      flushStray();
      const inside = [fragment && `unfinished tag ${fragment}`, cur?.raw, inConfer && '<confer>'].filter(Boolean);
      if (inside.length > 0 && reason !== 'aborted' && reason !== 'refusal') anomaly('unterminated', `stream ended (${reason}) inside ${inside.join(' in ')}`);
      if (cur !== null) close(cur, true);
      endConfer();
    },
  };
}
