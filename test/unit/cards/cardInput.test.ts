import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { zipSync } from 'fflate';
import { loadLibrary } from '../../../src/engine/cast/characters';
import { CardError, exportCard, importCards, readCardFile } from '../../../src/engine/cards/characterCards';
import { findText, readPngChunks, writePngChunks } from '../../../src/engine/cards/pngChunks';
import { b64, pngWith, v1Card, v2Card, v3Card, zipOfDeflated } from './cardBuilders';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'cards');

describe('cards: real-world quirks and bad input', () => {
  let work: string;
  let chars: string;
  beforeEach(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-cardin-'));
    chars = path.join(work, 'characters');
  });
  afterEach(() => fs.rm(work, { recursive: true, force: true }));

  async function source(name: string, bytes: Uint8Array | string): Promise<string> {
    const file = path.join(work, name);
    await fs.writeFile(file, bytes);
    return file;
  }
  async function read(bytes: Uint8Array | string, name = 'card.bin') {
    const r = await readCardFile(await source(name, bytes));
    assert.equal(r.kind, 'card');
    return r.kind === 'card' ? r.normal : assert.fail();
  }

  it('reads the committed SillyTavern-style V2 PNG: CRLF, string numbers, V1 mirror, regex-flagged keys', async () => {
    const [r] = await importCards([path.join(FIXTURES, 'sillytavern-v2-harbourmaster.png')], chars);
    assert.equal(r!.id, 'harbourmaster-ilse-brandt');
    const lib = await loadLibrary(chars);
    assert.deepEqual(lib.problems, []);
    const ilse = lib.characters.get('harbourmaster-ilse-brandt')!;
    assert.doesNotMatch(await fs.readFile(r!.file, 'utf8'), /\r/, 'line ends are \\n');
    assert.match(ilse.profile, /The harbour office smells of diesel/, 'the constant entry is in the materials');
    assert.deepEqual(ilse.lore!.map((e) => [e.key, e.name, e.caseSensitive]), [['1', 'Captain Pike', true], ['0', 'The lighthouse', false]]);
    const card = JSON.parse(/```json\n([\s\S]*)\n```/.exec(await fs.readFile(r!.file, 'utf8'))![1]!);
    assert.equal(card.data.character_book.entries[0].insertion_order, 100, '"100" became a number');
    assert.equal(card.data.character_book.entries[1].enabled, true, '"true" became a boolean');
    assert.equal(card.data.extensions.talkativeness, '0.5', 'an extension field is kept exactly as written');
    assert.equal(card.talkativeness, '0.5');
    assert.equal(card.create_date, '2024-5-3 @12h 30m 12s 345ms');
    assert.equal(card.name, undefined, 'the V1 mirror identical to data is regenerated on export, not kept twice');
    const out = await exportCard(chars, r!.id, 'png', path.join(work, 'again.png'));
    const v2 = JSON.parse(Buffer.from(findText(readPngChunks(await fs.readFile(out.file)), 'chara')!, 'base64').toString('utf8'));
    assert.equal(v2.description, v2.data.description);
    assert.equal(v2.data.extensions.world, 'Kettleby');
  });

  it('tolerates a chara chunk holding V3, upper-case keywords, V1 fields on top, tags as a string, nulls', async () => {
    const v3InChara = await read(pngWith([['Chara', b64(v3Card)]]), 'a.png');
    assert.equal(v3InChara.from, 'v3');
    assert.equal(v3InChara.card.data.nickname, 'Tides');
    const preferred = await read(pngWith([['CHARA', b64(v2Card)], ['CCV3', b64(v3Card)]]), 'b.png');
    assert.equal(preferred.card.data.name, 'Chen Wei');
    const messy = await read(JSON.stringify({ ...v2Card, name: 'Bram Okafor', data: { ...v2Card.data, tags: 'harbour, ferry', creator: null, alternate_greetings: 'Hello' } }), 'c.json');
    assert.deepEqual(messy.card.data.tags, ['harbour', 'ferry']);
    assert.equal(messy.card.data.creator, '');
    assert.deepEqual(messy.card.data.alternate_greetings, ['Hello']);
    const v1 = await read(JSON.stringify({ ...v1Card, description: 'a\r\nb\rc' }), 'd.json');
    assert.equal(v1.from, 'v1');
    assert.equal(v1.card.data.description, 'a\nb\nc');
    assert.deepEqual(v1.card.data.group_only_greetings, []);
  });

  it('keeps a field whose text contains one of the file\'s headings in the JSON block, exactly', async () => {
    const tricky = { ...v2Card, data: { ...v2Card.data, personality: 'calm\n## Scenario\nnot a section', character_book: undefined } };
    const [r] = await importCards([await source('t.json', JSON.stringify(tricky))], chars);
    const text = await fs.readFile(r!.file, 'utf8');
    assert.doesNotMatch(text, /^## Personality$/m);
    const lib = await loadLibrary(chars);
    assert.match(lib.characters.get('bram-okafor')!.profile, /## Personality\n\ncalm\n## Scenario\nnot a section/);
    const out = await exportCard(chars, 'bram-okafor', 'json', path.join(work, 'out.json'));
    assert.equal(JSON.parse(await fs.readFile(out.file, 'utf8')).data.personality, tricky.data.personality);
  });

  describe('bad input: one clear error, nothing written', () => {
    async function refused(files: string[], code: CardError['code'], pattern: RegExp, o: { replace?: boolean } = {}): Promise<void> {
      const before = await fs.readdir(chars).catch(() => null);
      await assert.rejects(importCards(files, chars, o), (e: unknown) => {
        assert.ok(e instanceof CardError, String(e));
        assert.equal(e.code, code, e.message);
        assert.match(e.message, pattern);
        assert.doesNotMatch(e.message, /\n/, 'one line');
        return true;
      });
      assert.deepEqual(await fs.readdir(chars).catch(() => null), before, 'nothing written');
    }

    it('a PNG without a card', () => source('plain.png', pngWith()).then((f) => refused([f], 'not-a-card', /no character card/)));
    it('corrupt base64', () => source('b64.png', pngWith([['chara', '@@not base64@@']])).then((f) => refused([f], 'bad-base64', /not valid base64/)));
    it('corrupt JSON inside a PNG', () => source('json.png', pngWith([['chara', b64('{"spec": "chara_card_v2", ')]])).then((f) => refused([f], 'bad-json', /not valid JSON/)));
    it('corrupt JSON file', () => source('bad.json', '{"name": "x",').then((f) => refused([f], 'bad-json', /not valid JSON/)));
    it('a card with no name', () => source('anon.json', JSON.stringify({ ...v2Card, data: { ...v2Card.data, name: '  ' } })).then((f) => refused([f], 'no-name', /no name/)));
    it('a name with nothing to make an id from', () => source('dots.json', JSON.stringify({ ...v1Card, name: '???' })).then((f) => refused([f], 'no-name', /file name/)));
    it('a file that is none of the forms', () => source('x.txt', 'hello').then((f) => refused([f], 'not-a-card', /expected a PNG, a CHARX archive or a JSON object/)));
    it('a PNG with a bad CRC', async () => {
      const png = pngWith([['chara', b64(v2Card)]]);
      png[png.length - 20] ^= 0xff; // inside the chara chunk's data
      await refused([await source('crc.png', png)], 'corrupt', /bad CRC/);
    });
    it('a truncated PNG', () => source('cut.png', pngWith([['chara', b64(v2Card)]]).subarray(0, 100)).then((f) => refused([f], 'corrupt', /truncated|past the end/)));
    it('an oversized file, refused before it is read', async () => {
      const f = path.join(work, 'huge.png');
      await fs.writeFile(f, pngWith());
      await fs.truncate(f, 60 * 1024 * 1024); // sparse: cheap to make
      const t = Date.now();
      await refused([f], 'too-large', /larger than any card/);
      assert.ok(Date.now() - t < 1000);
    });
    for (const [what, mb, pattern] of [
      ['compresses 1000:1', 40, /zip bomb/],
      ['inflates past the entry limit', 60, /inflates to \d+ bytes/],
      ['inflates past the archive limit', 0, /inflates to more than/],
    ] as const) {
      it(`a zip bomb that ${what}, refused before inflating`, async () => {
        const card = { name: 'card.json', raw: new TextEncoder().encode(JSON.stringify(v3Card)) };
        // The archive limit: many entries of just under 1 MiB each, too small for the ratio rule to judge.
        const small = Buffer.alloc(1024 * 1024 - 1);
        const entries = what.includes('archive')
          ? [card, ...Array.from({ length: 101 }, (_, i) => ({ name: `assets/${i}.bin`, raw: small }))]
          : [card, { name: 'x.bin', raw: Buffer.alloc(mb * 1024 * 1024) }];
        const bomb = zipOfDeflated(entries);
        const f = await source('bomb.charx', bomb);
        const t = Date.now();
        await refused([f], 'too-large', pattern);
        assert.ok(Date.now() - t < 500, `refused in ${Date.now() - t} ms`);
      });
    }
    it('an archive with too many entries', async () => {
      const entries: Record<string, Uint8Array> = { 'card.json': new TextEncoder().encode(JSON.stringify(v3Card)) };
      for (let i = 0; i < 1100; i++) entries[`assets/${i}.txt`] = new Uint8Array(1);
      await refused([await source('many.charx', zipSync(entries))], 'too-large', /more than 1000 entries/);
    });
    it('a CHARX without card.json, and a damaged archive', async () => {
      await refused([await source('empty.charx', zipSync({ 'readme.txt': new Uint8Array(3) }))], 'not-a-card', /no card\.json/);
      const zip = zipSync({ 'card.json': new TextEncoder().encode(JSON.stringify(v3Card)) });
      await refused([await source('cut.charx', zip.subarray(0, zip.length - 30))], 'corrupt', /not a readable CHARX/);
    });
    it('an id that exists, unless --replace; and a batch with one bad card writes none of them', async () => {
      const good = await source('ada.json', JSON.stringify(v1Card));
      await importCards([good], chars);
      await refused([good], 'exists', /already exists.*--replace/);
      await importCards([good], chars, { replace: true });
      const bad = await source('bad.json', '{');
      const other = await source('bram.json', JSON.stringify(v2Card));
      await refused([other, bad], 'bad-json', /not valid JSON/);
      await refused([other, await source('bram2.json', JSON.stringify(v2Card))], 'exists', /both "bram-okafor"/);
    });
  });

  it('the chunk walker writes what it reads, byte for byte, with valid CRCs', () => {
    const png = pngWith([['chara', b64(v2Card)], ['ccv3', b64(v3Card)]]);
    assert.deepEqual(writePngChunks(readPngChunks(png)), png);
  });
});
