import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unzipSync } from 'fflate';
import { loadLibrary } from '../../../src/engine/cast/characters';
import { exportCard, importCards, type CardFormat } from '../../../src/engine/cards/characterCards';
import { findText, readPngChunks } from '../../../src/engine/cards/pngChunks';
import { b64, charxWith, pngWith, v1Card, v2Card, v3Card } from './cardBuilders';

type Obj = Record<string, unknown>;

/** Every field of `original` is in `exported` with the same value (exported may add fields, never lose one). */
function assertKeeps(original: unknown, exported: unknown, where: string): void {
  if (original !== null && typeof original === 'object' && !Array.isArray(original)) {
    assert.ok(exported !== null && typeof exported === 'object', `${where} is an object`);
    for (const [k, v] of Object.entries(original)) if (v !== undefined) assertKeeps(v, (exported as Obj)[k], `${where}.${k}`);
  } else if (Array.isArray(original)) {
    assert.ok(Array.isArray(exported) && exported.length === original.length, `${where} keeps its ${original.length} items`);
    original.forEach((v, i) => assertKeeps(v, (exported as unknown[])[i], `${where}[${i}]`));
  } else {
    assert.deepEqual(exported, original, where);
  }
}

describe('cards: import and export round trips', () => {
  let work: string;
  let chars: string;
  beforeEach(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-cards-'));
    chars = path.join(work, 'a', 'characters');
  });
  afterEach(() => fs.rm(work, { recursive: true, force: true }));

  async function source(name: string, bytes: Uint8Array | string): Promise<string> {
    const file = path.join(work, name);
    await fs.writeFile(file, bytes);
    return file;
  }

  /** Every form the issue names, built in code. */
  async function allForms(): Promise<Record<string, string>> {
    return {
      'v1 json': await source('ada.json', JSON.stringify(v1Card)),
      'v2 png with a lorebook': await source('bram.png', pngWith([['chara', b64(v2Card)]])),
      'v3 png with both chunks': await source('chen.png', pngWith([['chara', b64({ ...v2Card, data: { ...v2Card.data, name: 'Wrong One' } })], ['ccv3', b64(v3Card)]])),
      'charx with an asset': await source('dora.charx', charxWith({ ...v3Card, data: { ...v3Card.data, name: 'Dora Lind' } }, pngWith([], [10, 20, 30]), pngWith([], [90, 90, 90]))),
    };
  }

  it('imports every form into character files the loader accepts, with avatars and assets', async () => {
    const files = await allForms();
    const results = await importCards(Object.values(files), chars);
    assert.deepEqual(results.map((r) => r.id), ['ada-quill', 'bram-okafor', 'chen-wei', 'dora-lind']);
    const lib = await loadLibrary(chars);
    assert.deepEqual(lib.problems, []);
    assert.deepEqual([...lib.characters.keys()].sort(), ['ada-quill', 'bram-okafor', 'chen-wei', 'dora-lind']);
    // ccv3 wins over chara.
    assert.equal(lib.characters.get('chen-wei')!.name, 'Chen Wei');
    // Macros are resolved in what the model reads, never in the file.
    const ada = lib.characters.get('ada-quill')!;
    assert.match(ada.profile, /^## Description\n\nAda Quill is a cartographer/);
    assert.match(ada.profile, /the floor meets Ada Quill at the harbour office/);
    assert.match(ada.profile, /\(example conversation\)\nthe floor: Where is the reef\?/);
    assert.doesNotMatch(ada.profile, /Mind the charts/, 'greetings are not materials');
    assert.match(await fs.readFile(path.join(chars, 'ada-quill.md'), 'utf8'), /\{\{char\}\} is a cartographer/);
    // The lorebook: constant entries join the materials, keyed ones wait for their keys, disabled ones are out.
    const bram = lib.characters.get('bram-okafor')!;
    assert.match(bram.profile, /## Lore\n\nBram Okafor always carries a brass compass\./);
    assert.deepEqual(bram.lore!.map((e) => e.key), ['1', '2', '3']);
    assert.deepEqual(bram.greetings, ['All aboard!', 'Ticket, please.', 'Late again?']);
    assert.equal(bram.avatar, path.join(chars, 'avatars', 'bram-okafor.png'));
    // The avatar is the card's image without the card chunks.
    const avatar = readPngChunks(await fs.readFile(bram.avatar!));
    assert.equal(findText(avatar, 'chara'), null);
    assert.deepEqual(await fs.readFile(path.join(chars, 'avatars', 'dora-lind.png')), pngWith([], [10, 20, 30]));
    assert.deepEqual(await fs.readFile(path.join(chars, 'assets', 'dora-lind', 'assets', 'emotion', 'images', 'smile.png')), pngWith([], [90, 90, 90]));
  });

  for (const format of ['png', 'json', 'charx'] as CardFormat[]) {
    it(`import(export(x)) gives back the same markdown, avatar and assets (${format})`, async () => {
      const files = await allForms();
      const first = await importCards(Object.values(files), chars);
      const again = path.join(work, 'b', 'characters');
      for (const r of first) {
        const exported = await exportCard(chars, r.id, format, path.join(work, 'out', `${r.id}.${format}`));
        assert.deepEqual(exported.warnings, []);
        const [back] = await importCards([exported.file], again);
        assert.equal(back!.id, r.id);
        assert.equal(await fs.readFile(back!.file, 'utf8'), await fs.readFile(r.file, 'utf8'), `${r.id}: the same markdown`);
      }
      for (const sub of ['avatars', path.join('assets', 'dora-lind', 'assets', 'emotion', 'images')]) {
        const names = await fs.readdir(path.join(chars, sub));
        if (format !== 'charx' && sub.startsWith('assets')) continue; // only a CHARX carries embeded assets
        for (const n of names) assert.deepEqual(await fs.readFile(path.join(again, sub, n)), await fs.readFile(path.join(chars, sub, n)), `${sub}/${n}`);
      }
    });
  }

  it('a card imported then exported keeps every field of its data (V2 and V3)', async () => {
    const files = await allForms();
    await importCards([files['v2 png with a lorebook']!, files['v3 png with both chunks']!], chars);
    for (const [id, original] of [['bram-okafor', v2Card], ['chen-wei', v3Card]] as const) {
      const out = await exportCard(chars, id, 'png', path.join(work, `${id}.png`));
      const chunks = readPngChunks(await fs.readFile(out.file));
      const v3 = JSON.parse(Buffer.from(findText(chunks, 'ccv3')!, 'base64').toString('utf8'));
      const v2 = JSON.parse(Buffer.from(findText(chunks, 'chara')!, 'base64').toString('utf8'));
      assert.equal(v3.spec, 'chara_card_v3');
      assert.equal(v2.spec, 'chara_card_v2', 'the chara chunk is a V2 backfill, not V3 relabelled');
      assertKeeps(original.data, v3.data, `${id} ccv3 data`);
      assertKeeps(original.data, v2.data, `${id} chara data`);
      assert.equal(v2.name, original.data.name, 'V1 fields mirrored at the top of the backfill');
    }
  });

  it('a V1 card keeps its fields: the six in data, the rest at the top level', async () => {
    const files = await allForms();
    await importCards([files['v1 json']!], chars);
    const out = await exportCard(chars, 'ada-quill', 'json', path.join(work, 'ada.json'));
    const card = JSON.parse(await fs.readFile(out.file, 'utf8'));
    for (const k of ['name', 'description', 'personality', 'scenario', 'first_mes', 'mes_example'] as const) assert.equal(card.data[k], v1Card[k]);
    assert.equal(card.talkativeness, '0.5', 'a field no spec defines is kept as written');
    assert.equal(card.fav, false);
  });

  it('a CHARX export holds card.json, the avatar as the main icon and every embeded asset', async () => {
    const files = await allForms();
    await importCards([files['charx with an asset']!], chars);
    const out = await exportCard(chars, 'dora-lind', 'charx', path.join(work, 'dora.charx'));
    const zip = unzipSync(await fs.readFile(out.file));
    assert.deepEqual(Object.keys(zip).sort(), ['assets/emotion/images/smile.png', 'assets/icon/images/main.png', 'card.json']);
    const card = JSON.parse(new TextDecoder().decode(zip['card.json']));
    assert.deepEqual(card.data.assets.map((a: { uri: string }) => a.uri), ['embeded://assets/icon/images/main.png', 'embeded://assets/emotion/images/smile.png']);
  });

  it('exports a character without an avatar on a generated glyph tile, and a hand-written character too', async () => {
    await fs.mkdir(chars, { recursive: true });
    await fs.writeFile(path.join(chars, 'mara.md'), '---\nname: Mara Voss\nglyph: MV\ncolor: "#c0563f"\ntagline: Harbour developer\n---\nMara builds piers.\n');
    const out = await exportCard(chars, 'mara', 'png', path.join(work, 'mara.png'));
    const chunks = readPngChunks(await fs.readFile(out.file));
    const ihdr = chunks[0]!.data;
    assert.deepEqual([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4)], [96, 96]);
    const v3 = JSON.parse(Buffer.from(findText(chunks, 'ccv3')!, 'base64').toString('utf8'));
    assert.equal(v3.data.description, 'Mara builds piers.');
    assert.deepEqual(v3.data.extensions.dialogue_panel, { id: 'mara', glyph: 'MV', color: '#c0563f', tagline: 'Harbour developer', generated_image: true });
    const [back] = await importCards([out.file], path.join(work, 'b', 'characters'));
    const lib = await loadLibrary(path.join(work, 'b', 'characters'));
    const mara = lib.characters.get(back!.id)!;
    assert.deepEqual([mara.id, mara.name, mara.glyph, mara.color, mara.tagline], ['mara', 'Mara Voss', 'MV', '#c0563f', 'Harbour developer']);
  });

  it('a standalone lorebook_v3 joins a character with --into, and only with --replace over an existing book', async () => {
    const files = await allForms();
    await importCards([files['v1 json']!, files['v2 png with a lorebook']!], chars);
    const book = await source('book.json', JSON.stringify({ spec: 'lorebook_v3', data: { name: 'Maps', extensions: {}, entries: [{ keys: ['chart'], content: 'Charts lie.', extensions: {}, enabled: true, insertion_order: 1 }] } }));
    await assert.rejects(importCards([book], chars), /--into ID/);
    await importCards([book], chars, { into: 'ada-quill' });
    const lib = await loadLibrary(chars);
    assert.deepEqual(lib.characters.get('ada-quill')!.lore!.map((e) => e.name), ['chart']);
    await assert.rejects(importCards([book], chars, { into: 'bram-okafor' }), /already has a lorebook/);
  });
});
