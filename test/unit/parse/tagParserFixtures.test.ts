/**
 * Recorded replies and their expected (normalised) events. The .json files are the oracle: they were generated
 * once with UPDATE_REPLY_FIXTURES=1, read by eye, and are only regenerated on purpose.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EndReason, ParseEvent, ParserRoster } from '../../../src/engine/parse/tagParser.js';
import { assertWellFormed, fixedChunks, normalise, parseChunks, randomChunks, seededRandom } from './tagParserHarness.js';

const DIR = join(__dirname, '..', '..', 'fixtures', 'replies');
const UPDATE = process.env['UPDATE_REPLY_FIXTURES'] === '1';

interface Fixture { roster: ParserRoster; reason: EndReason; events: ParseEvent[] }

/** One event per line, so a changed expectation reads as a one-line diff. */
function formatFixture(f: Fixture): string {
  const events = f.events.map((e) => `    ${JSON.stringify(e)}`).join(',\n');
  return `{\n  "roster": ${JSON.stringify(f.roster)},\n  "reason": ${JSON.stringify(f.reason)},\n  "events": [\n${events}\n  ]\n}\n`;
}

const names = readdirSync(DIR).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4)).sort();

describe('tagParser fixtures', () => {
  it('has the recorded replies', () => assert.ok(names.length >= 10, `only ${names.length} fixtures`));

  for (const name of names) {
    describe(name, () => {
      const text = readFileSync(join(DIR, `${name}.txt`), 'utf8');
      const fixture = JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as Fixture;
      const parse = (chunks: readonly string[]): ParseEvent[] => {
        const events = parseChunks(fixture.roster, chunks, fixture.reason);
        assertWellFormed(events);
        return normalise(events);
      };
      const expectSame = (chunks: readonly string[], label: string): void => {
        const got = parse(chunks);
        // Comparing strings first keeps thousands of runs fast; deepEqual only runs to explain a failure.
        if (JSON.stringify(got) !== expectedJson) assert.deepStrictEqual(got, fixture.events, label);
      };
      const expectedJson = JSON.stringify(fixture.events);

      it('fed whole, gives the recorded events', () => {
        const got = parse([text]);
        if (UPDATE) writeFileSync(join(DIR, `${name}.json`), formatFixture({ ...fixture, events: got }));
        else assert.deepStrictEqual(got, fixture.events);
      });

      it('split into two chunks at every index, gives the same events', function () {
        if (UPDATE) this.skip();
        for (let i = 0; i <= text.length; i++) expectSame([text.slice(0, i), text.slice(i)], `split at ${i}`);
      });

      it('fed one character at a time, gives the same events', function () {
        if (UPDATE) this.skip();
        expectSame(fixedChunks(text, 1), 'one char per chunk');
      });

      it('in 200 random chunkings (sizes 1-40), gives the same events', function () {
        if (UPDATE) this.skip();
        const random = seededRandom([...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7));
        for (let run = 0; run < 200; run++) {
          const chunks = randomChunks(text, random, 40);
          expectSame(chunks, `run ${run}: ${JSON.stringify(chunks.map((c) => c.length))}`);
        }
      });
    });
  }
});
