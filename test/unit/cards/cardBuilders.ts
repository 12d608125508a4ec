import { zipSync } from 'fflate';
import { crc32, deflateRawSync, deflateSync } from 'node:zlib';

/**
 * Cards of every form, built byte by byte here (independently of the code under test) the way the tools that
 * write them do: V1 JSON, V2 PNG with a lorebook, V3 PNG with both chunks, CHARX with an asset.
 */

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid 2x2 RGB PNG of one colour, with optional `tEXt` chunks inserted before IEND. */
export function pngWith(texts: Array<[keyword: string, text: string]> = [], rgb: [number, number, number] = [200, 80, 60]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.from([0, ...rgb, ...rgb]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat([row, row]))),
    ...texts.map(([k, t]) => chunk('tEXt', Buffer.concat([Buffer.from(k, 'latin1'), Buffer.from([0]), Buffer.from(t, 'latin1')]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8').toString('base64');

export const v1Card = {
  name: 'Ada Quill',
  description: '{{char}} is a cartographer who maps coastlines nobody else bothers with.',
  personality: 'dry, exact, curious',
  scenario: '{{user}} meets {{char}} at the harbour office.',
  first_mes: 'Mind the charts, they are still wet.',
  mes_example: '<START>\n{{user}}: Where is the reef?\n{{char}}: Two fathoms under your confidence.',
  talkativeness: '0.5',
  fav: false,
};

export const lorebook = {
  name: 'Harbour lore',
  extensions: {},
  entries: [
    { keys: ['lighthouse'], content: '{{char}} knows the Old Lighthouse has been dark since the storm of 1998.', extensions: {}, enabled: true, insertion_order: 10, id: 1, comment: 'Old Lighthouse' },
    { keys: ['Pike'], case_sensitive: true, content: 'Captain Pike owes {{char}} money.', extensions: {}, enabled: true, insertion_order: 20, id: 2, name: 'Pike' },
    { keys: ['reef'], secondary_keys: ['storm', 'wreck'], selective: true, content: 'The reef sank the Marigold.', extensions: {}, enabled: true, insertion_order: 30, id: 3 },
    { keys: [], constant: true, content: '{{char}} always carries a brass compass.', extensions: {}, enabled: true, insertion_order: 0, id: 4 },
    { keys: ['ghost'], content: 'Disabled entry.', extensions: {}, enabled: false, insertion_order: 40, id: 5 },
  ],
};

export const v2Card = {
  spec: 'chara_card_v2',
  spec_version: '2.0',
  data: {
    name: 'Bram Okafor',
    description: '{{char}} runs the ferry.\n## Not a heading of ours',
    personality: 'warm',
    scenario: '',
    first_mes: 'All aboard!',
    mes_example: '',
    creator_notes: 'A ferryman for harbour scenes.\nSecond line.',
    system_prompt: 'Stay in character.',
    post_history_instructions: '',
    alternate_greetings: ['Ticket, please.', 'Late again?'],
    character_book: lorebook,
    tags: ['harbour', 'ferry'],
    creator: 'test',
    character_version: '1.2',
    extensions: { depth_prompt: { prompt: 'x', depth: 4 }, custom_tool: { nested: [1, 2, { deep: true }] } },
  },
};

export const v3Card = {
  spec: 'chara_card_v3',
  spec_version: '3.0',
  data: {
    ...v2Card.data,
    name: 'Chen Wei',
    description: 'Chen keeps the tide tables.',
    character_book: undefined,
    group_only_greetings: ['Everyone, quiet: the tide turns.'],
    nickname: 'Tides',
    creator_notes_multilingual: { de: 'Gezeiten' },
    source: ['https://example.org/chen'],
    creation_date: 1700000000,
    modification_date: 1700000500,
    assets: [{ type: 'background', uri: 'https://example.org/bg.png', name: 'harbour', ext: 'png' }],
  },
};

/** A CHARX: card.json naming its icon and one other asset as embeded:// entries. */
export function charxWith(card: Record<string, unknown> & { data: Record<string, unknown> }, icon: Uint8Array, asset: Uint8Array): Uint8Array {
  const withAssets = {
    ...card,
    data: {
      ...card.data,
      assets: [
        { type: 'icon', uri: 'embeded://assets/icon/images/main.png', name: 'main', ext: 'png' },
        { type: 'emotion', uri: 'embeded://assets/emotion/images/smile.png', name: 'smile', ext: 'png' },
      ],
    },
  };
  return zipSync({
    'card.json': new TextEncoder().encode(JSON.stringify(withAssets)),
    'assets/icon/images/main.png': icon,
    'assets/emotion/images/smile.png': asset,
  });
}

/**
 * A zip of already-deflated entries, written by hand so a test can build a bomb with native zlib in
 * milliseconds (fflate would deflate hundreds of MB in JavaScript). Sizes and CRCs are the true ones.
 */
export function zipOfDeflated(entries: Array<{ name: string; raw: Uint8Array }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = deflateRawSync(e.raw);
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(e.raw);
    const fields = (h: Buffer, at: number): void => {
      h.writeUInt16LE(20, at); // version needed
      h.writeUInt16LE(0, at + 2); // flags
      h.writeUInt16LE(8, at + 4); // deflate
      h.writeUInt32LE(0, at + 6); // time, date
      h.writeUInt32LE(crc, at + 10);
      h.writeUInt32LE(data.length, at + 14);
      h.writeUInt32LE(e.raw.length, at + 18);
      h.writeUInt16LE(name.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    fields(local, 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by
    fields(central, 6);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
