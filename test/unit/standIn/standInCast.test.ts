import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import Anthropic from '@anthropic-ai/sdk';
import { castAutoReply } from '../../standIn/messagesStandIn.js';
import { readTurn } from '../../standIn/castAutoReply.js';
import type { MessagesRequestBody } from '../../standIn/requestBody.js';

const SYSTEM = [
  'You voice a panel. Answer in <confer>/<speak>/<pass> tags.',
  '<character id="mara" name="Mara Voss">Harbour developer.</character>',
  '<character id="oskar" name="Oskar Lind">Union rep.</character>',
  '<character id="ilse" name="Ilse Brandt">Mayor.</character>',
].join('\n');

/** A request after `floors.length` human turns; each entry is one user message's text. */
function afterTurns(floors: string[], system: string = SYSTEM): MessagesRequestBody {
  const messages: MessagesRequestBody['messages'] = [];
  for (const [i, floor] of floors.entries()) {
    if (i > 0) messages.push({ role: 'assistant', content: '<speak who="mara">...</speak>' });
    messages.push({ role: 'user', content: [{ type: 'text', text: floor, cache_control: { type: 'ephemeral' } }] });
  }
  return { model: 'm', max_tokens: 1000, system: [{ type: 'text', text: system }], messages };
}

const floor = (said: string) => `From the floor: "${said}"`;
const speakers = (text: string) => [...text.matchAll(/<(speak|pass) who="([^"]+)"/g)].map((m) => `${m[1]}:${m[2]}`);
const conferLines = (text: string) => [...text.matchAll(/<line who="([^"]+)">/g)].map((m) => m[1]);

describe('standIn castAutoReply', () => {
  it('answers a 3-member cast with a confer and one speak each, in a rotating order', () => {
    const turn1 = castAutoReply(afterTurns([floor('Should we sell the harbour lease to the developers now?')])).text!;
    assert.match(turn1, /^<confer>\n(<line who="\w+">[^<]+<\/line>\n){2,4}<\/confer>\n/);
    assert.deepEqual(speakers(turn1), ['speak:mara', 'speak:oskar', 'speak:ilse']);
    assert.match(turn1, /<speak who="mara">(?=[^<]*Mara Voss)(?=[^<]*"Should we sell the harbour lease)/);
    assert.match(turn1, /<speak who="ilse">[^<]*Ilse Brandt/);

    const turn2 = castAutoReply(afterTurns([floor('a'), floor('b')])).text!;
    assert.deepEqual(speakers(turn2), ['speak:oskar', 'speak:ilse', 'speak:mara']);
    const lines = conferLines(turn2);
    assert.ok(lines.length >= 2 && lines.length <= 4);
  });

  it('has the last member of the order pass every third turn', () => {
    const turn3 = castAutoReply(afterTurns([floor('a'), floor('b'), floor('c')])).text!;
    assert.deepEqual(speakers(turn3), ['speak:ilse', 'speak:mara', 'pass:oskar']);
    assert.match(turn3, /<pass who="oskar"\/>$/);
  });

  it('answers an addressed turn with only that member, no confer', () => {
    const text = castAutoReply(afterTurns([floor('hello'), `${floor('Oskar, what do the dockers say?')}\n<address id="oskar"/>`])).text!;
    assert.deepEqual(speakers(text), ['speak:oskar']);
    assert.doesNotMatch(text, /<confer>/);
    assert.match(text, /Oskar Lind/);
  });

  it('drops a retired member and adds a joined one, scanning user messages in order', () => {
    const body = afterTurns([
      floor('opening'),
      `${floor('goodbye Ilse')}\n<retire id="ilse"/>`,
      `<join id="pia" name="Pia Kaur">Shipping analyst.</join>\n${floor('welcome Pia')}`,
    ]);
    assert.deepEqual(readTurn(body).cast.map((m) => m.id), ['mara', 'oskar', 'pia']);
    const text = castAutoReply(body).text!;
    assert.deepEqual(new Set(speakers(text).map((s) => s.split(':')[1])), new Set(['mara', 'oskar', 'pia']));
    assert.doesNotMatch(text, /ilse/);
    assert.match(text, /Pia Kaur/);
  });

  it('speaks alone with no confer when one member is present', () => {
    const system = '<character name="Mara Voss" id="mara">Only her.</character>';
    const text = castAutoReply(afterTurns([floor('just you')], system)).text!;
    assert.equal(text.startsWith('<speak who="mara">'), true);
    assert.deepEqual(speakers(text), ['speak:mara']);
  });

  it('is deterministic, keeps the quote free of tags, and uses some markdown', () => {
    const body = afterTurns([floor('Is <b>this</b> a trick?')]);
    assert.equal(castAutoReply(body).text, castAutoReply(body).text);
    assert.doesNotMatch(castAutoReply(body).text!, /<b>/);
    const all = [1, 2, 3, 4].map((n) => castAutoReply(afterTurns(Array.from({ length: n }, () => floor('x')))).text!).join('\n');
    assert.match(all, /\*\*[^*]+\*\*/);
    assert.match(all, /`[^`]+`/);
  });
});

describe('standIn main process', () => {
  it('prints STANDIN_URL, serves castAutoReply, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/standIn/main.ts', '--port', '0', '--delay-ms', '1'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const url = /^STANDIN_URL=(http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];
      assert.ok(url, line);
      const client = new Anthropic({ apiKey: 'k', baseURL: url, maxRetries: 0 });
      const params = { model: 'm', max_tokens: 1000, system: SYSTEM, messages: [{ role: 'user' as const, content: floor('Anyone there?') }] };
      const message = await client.messages.stream(params).finalMessage();
      const text = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      assert.deepEqual(speakers(text), ['speak:mara', 'speak:oskar', 'speak:ilse']);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
