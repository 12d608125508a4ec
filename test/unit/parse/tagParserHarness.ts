import { strict as assert } from 'node:assert';
import { createTagParser, type EndReason, type ParseEvent, type ParserRoster } from '../../../src/engine/parse/tagParser.js';

export const HARBOUR: ParserRoster = {
  present: [
    { id: 'mara', name: 'Mara Voss' },
    { id: 'oskar', name: 'Oskar Lind' },
    { id: 'ilse', name: 'Ilse Brandt' },
  ],
  retired: [],
};

/** Feeds the chunks in order, ends the stream, and returns every event as emitted. */
export function parseChunks(roster: ParserRoster, chunks: readonly string[], reason: EndReason = 'stop'): ParseEvent[] {
  const events: ParseEvent[] = [];
  const parser = createTagParser(roster, (e) => events.push(e));
  for (const chunk of chunks) parser.feed(chunk);
  parser.end(reason);
  return events;
}

const isDelta = (e: ParseEvent): e is Extract<ParseEvent, { type: 'line-delta' | 'speak-delta' }> =>
  e.type === 'line-delta' || e.type === 'speak-delta';

/** Merges adjacent deltas of the same element: the only part of the sequence that may depend on chunking. */
export function normalise(events: readonly ParseEvent[]): ParseEvent[] {
  const out: ParseEvent[] = [];
  for (const e of events) {
    const prev = out[out.length - 1];
    if (isDelta(e) && prev !== undefined && isDelta(prev) && prev.type === e.type && prev.speaker === e.speaker
      && (prev.type === 'line-delta' || (e.type === 'speak-delta' && prev.order === e.order))) {
      out[out.length - 1] = { ...prev, text: prev.text + e.text };
    } else out.push({ ...e });
  }
  return out;
}

/** Structural promises every event sequence must keep, whatever the input was. */
export function assertWellFormed(events: readonly ParseEvent[]): void {
  let inConfer = false;
  let open: { type: 'line' | 'speak'; speaker: string; text: string } | null = null;
  let lastOrder = 0;
  for (const e of events) {
    switch (e.type) {
      case 'confer-start': assert.ok(!inConfer && open === null, 'confer-start inside confer or element'); inConfer = true; break;
      case 'confer-end': assert.ok(inConfer && open === null, 'confer-end without confer'); inConfer = false; break;
      case 'line-start': case 'speak-start':
        assert.equal(open, null, `${e.type} while an element is open`);
        assert.equal(inConfer, e.type === 'line-start', `${e.type} on the wrong side of the confer`);
        if (e.type === 'speak-start') { assert.equal(e.order, lastOrder + 1, 'orders run 1, 2, 3...'); lastOrder = e.order; }
        open = { type: e.type === 'line-start' ? 'line' : 'speak', speaker: e.speaker, text: '' };
        break;
      case 'line-delta': case 'speak-delta': {
        assert.ok(open !== null && e.type.startsWith(open.type) && open.speaker === e.speaker, 'delta outside its element');
        assert.notEqual(e.text, '', 'empty delta');
        if (open.text === '') assert.equal(e.text, e.text.trimStart(), 'leading whitespace emitted');
        const last = e.text.charCodeAt(e.text.length - 1);
        assert.ok(!(last >= 0xd800 && last <= 0xdbff), 'delta ends in half a surrogate pair');
        open.text += e.text;
        break;
      }
      case 'line-end': case 'speak-end':
        assert.ok(open !== null && e.type.startsWith(open.type) && open.speaker === e.speaker, 'end without start');
        assert.equal(open.text, e.text, 'deltas do not add up to the end text');
        assert.equal(e.text, e.text.trim(), 'end text not trimmed');
        open = null;
        break;
      case 'pass': assert.equal(open, null); assert.equal(e.order, lastOrder + 1); lastOrder = e.order; break;
      case 'anomaly': assert.ok(e.detail.length > 0, 'anomaly without detail'); break;
    }
  }
  assert.equal(open, null, 'element left open after end()');
  assert.equal(inConfer, false, 'confer left open after end()');
}

/** mulberry32: tiny seeded PRNG so a failing random chunking can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomChunks(text: string, random: () => number, maxSize: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length;) {
    const size = 1 + Math.floor(random() * maxSize);
    chunks.push(text.slice(i, i + size));
    i += size;
  }
  return chunks;
}

export function fixedChunks(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}
