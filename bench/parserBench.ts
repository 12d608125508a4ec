import { createTagParser, type ParserRoster } from '../src/engine/parse/tagParser';
import { figure, median, type Figure } from './figures';

/** Sizes of the parser benchmark; the defaults are the (10 KB vs 1 MB, 16-byte chunks). */
export interface ParserBenchOptions {
  smallBytes?: number;
  largeBytes?: number;
  chunkBytes?: number;
  /** Timed samples per size (after warm-up). */
  samples?: number;
  /** Stop sampling after this long (at least one sample is always taken): a quadratic parser must not stall the run. */
  budgetMs?: number;
}

const ROSTER: ParserRoster = {
  present: [
    { id: 'mara', name: 'Mara Voss' },
    { id: 'oskar', name: 'Oskar Lind' },
    { id: 'ilse', name: 'Ilse Brandt' },
  ],
  retired: [],
};

// ASCII only, so a 16-character chunk is 16 bytes; a little markdown and punctuation like real replies.
const SENTENCE = "The marina stays, the berth stays & the co-op gets **twelve** moorings - that's the deal we can sign.\n";

/**
 * A well-formed panel reply of about `bytes` bytes: a confer of four lines, two responses and a pass. The
 * elements grow with the size (rather than their number), because one long element spanning thousands of
 * chunks is where a parser that re-joins what it holds goes quadratic.
 */
export function panelReply(bytes: number): string {
  const skeleton = ['mara', 'oskar', 'ilse', 'mara'].map((w) => `<line who="${w}">`).join('') + '<speak who="oskar"><speak who="mara">';
  const perElement = Math.max(1, Math.floor((bytes - skeleton.length - 80) / 6 / SENTENCE.length));
  const body = SENTENCE.repeat(perElement).trimEnd();
  const line = (who: string) => `<line who="${who}">${body}</line>`;
  const speak = (who: string) => `<speak who="${who}">${body}</speak>`;
  return ['<confer>', line('mara'), line('oskar'), line('ilse'), line('mara'), '</confer>', speak('oskar'), speak('mara'), '<pass who="ilse"/>'].join('\n');
}

function chunksOf(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Parses `repeat` copies of the reply, each with a fresh parser; returns ns elapsed and a checksum of the events. */
function parseRounds(chunks: readonly string[], repeat: number): { ns: number; checksum: number } {
  let checksum = 0;
  const start = process.hrtime.bigint();
  for (let r = 0; r < repeat; r++) {
    const parser = createTagParser(ROSTER, (e) => {
      checksum += 'text' in e ? e.text.length : 1;
    });
    for (const c of chunks) parser.feed(c);
    parser.end('stop');
  }
  return { ns: Number(process.hrtime.bigint() - start), checksum };
}

/**
 * parser.per_chunk_ratio: per-chunk cost of a large reply over a small one, same chunk size (1 = linear).
 * The small reply is parsed enough times per sample to cover the same bytes as one large sample, and the
 * samples alternate, so both sizes see the same machine noise.
 */
export function runParserBench(o: ParserBenchOptions = {}): Figure[] {
  const chunkBytes = o.chunkBytes ?? 16;
  const small = chunksOf(panelReply(o.smallBytes ?? 10 * 1024), chunkBytes);
  const large = chunksOf(panelReply(o.largeBytes ?? 1024 * 1024), chunkBytes);
  const largeBytes = large.reduce((n, c) => n + Buffer.byteLength(c), 0);
  const smallRepeat = Math.max(1, Math.round(large.length / small.length));
  const samples = o.samples ?? 15;

  // Each size must produce the same events every time: a checksum mismatch means the timing measured nonsense.
  const deadline = Date.now() + (o.budgetMs ?? 30_000);
  const expectSmall = parseRounds(small, 1).checksum;
  const check = parseRounds(large, 1);
  const slow = check.ns > 1e9;
  for (let w = 0; w < 2; w++) {
    parseRounds(small, smallRepeat);
    if (!slow) parseRounds(large, 1);
  }
  const smallNs: number[] = [];
  // A parse that takes seconds is not short enough for warm-up to matter, so the check run counts as a sample.
  const largeNs: number[] = slow ? [check.ns / large.length] : [];
  for (let s = 0; s < samples && (s === 0 || Date.now() < deadline); s++) {
    const a = parseRounds(small, smallRepeat);
    if (a.checksum !== expectSmall * smallRepeat) throw new Error('parser benchmark: the parser gave different events for the same input');
    smallNs.push(a.ns / (smallRepeat * small.length));
    if (slow && largeNs.length > 0 && Date.now() + check.ns / 1e6 > deadline) continue;
    const b = parseRounds(large, 1);
    if (b.checksum !== check.checksum) throw new Error('parser benchmark: the parser gave different events for the same input');
    largeNs.push(b.ns / large.length);
  }
  const perChunkSmall = median(smallNs);
  const perChunkLarge = median(largeNs);
  return [
    figure('parser.per_chunk_ratio', perChunkLarge / perChunkSmall),
    figure('parser.throughput_mb_s', largeBytes / 1e6 / ((perChunkLarge * large.length) / 1e9)),
    figure('parser.per_chunk_ns_small', perChunkSmall),
    figure('parser.per_chunk_ns_large', perChunkLarge),
  ];
}
