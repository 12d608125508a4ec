import { strict as assert } from 'node:assert';
import { PromptCache, countTokens, flattenPrompt } from '../../standIn/promptCache.js';
import type { CacheControl, MessagesRequestBody, RequestContentBlock } from '../../standIn/requestBody.js';

// Prompt-cache accounting without HTTP: these figures feed the bench, so each rule gets a case.

const FIVE_MIN = 5 * 60_000;
const mark: CacheControl = { type: 'ephemeral' };
const tokens = (n: number) => 'abcd'.repeat(n); // exactly n tokens
const text = (t: string, cache_control?: CacheControl): RequestContentBlock => ({ type: 'text', text: t, ...(cache_control ? { cache_control } : {}) });

function request(system: RequestContentBlock[], messages: MessagesRequestBody['messages'], extra: Partial<MessagesRequestBody> = {}): MessagesRequestBody {
  return { model: 'm', max_tokens: 100, system, messages, ...extra };
}

function setup() {
  const clock = { t: 0 };
  return { clock, cache: new PromptCache(1024, () => clock.t) };
}

function usageOf(cache: PromptCache, body: MessagesRequestBody) {
  const result = cache.account(body);
  assert.ok(result.ok, result.ok ? '' : result.message);
  const u = result.usage;
  assert.equal(u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens, result.promptTokens, 'usage adds up to the prompt');
  assert.equal(u.cache_creation.ephemeral_5m_input_tokens + u.cache_creation.ephemeral_1h_input_tokens, u.cache_creation_input_tokens);
  const { input_tokens, cache_creation_input_tokens, cache_read_input_tokens } = u;
  return { input: input_tokens, write: cache_creation_input_tokens, read: cache_read_input_tokens, split: u.cache_creation };
}

describe('standIn prompt cache', () => {
  it('counts tokens as ceil(utf8 bytes / 4)', () => {
    assert.equal(countTokens(''), 0);
    assert.equal(countTokens('abcd'), 1);
    assert.equal(countTokens('abcde'), 2);
    assert.equal(countTokens('é'), 1);
    assert.equal(countTokens('日本'), 2);
  });

  it('lays the prompt out as tools, system, messages and sums their tokens', () => {
    const body = request([text(tokens(10))], [{ role: 'user', content: tokens(3) }], { tools: [{ name: 't', input_schema: { type: 'object' } }] });
    const blocks = flattenPrompt(body);
    const toolTokens = countTokens(JSON.stringify({ name: 't', input_schema: { type: 'object' } }));
    assert.deepEqual(blocks.map((b) => b.prefixTokens), [toolTokens, toolTokens + 10, toolTokens + 13]);
  });

  it('writes on the first call and reads everything on an identical second call', () => {
    const { cache } = setup();
    const body = request([text(tokens(2000), mark)], [{ role: 'user', content: tokens(10) }]);
    assert.deepEqual(usageOf(cache, body), { input: 10, write: 2000, read: 0, split: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 0 } });
    assert.deepEqual(usageOf(cache, body), { input: 10, write: 0, read: 2000, split: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 } });
  });

  it('reads the old prefix and writes only the new tail when two messages are appended and the breakpoint moves', () => {
    const { cache } = setup();
    const system = [text(tokens(2000), mark)];
    const turn1 = request(system, [{ role: 'user', content: [text(tokens(100), mark)] }]);
    assert.deepEqual(usageOf(cache, turn1), { input: 0, write: 2100, read: 0, split: { ephemeral_5m_input_tokens: 2100, ephemeral_1h_input_tokens: 0 } });
    const turn2 = request(system, [
      { role: 'user', content: [text(tokens(100))] },
      { role: 'assistant', content: tokens(200) },
      { role: 'user', content: [text(tokens(50), mark)] },
    ]);
    assert.deepEqual(usageOf(cache, turn2), { input: 0, write: 250, read: 2100, split: { ephemeral_5m_input_tokens: 250, ephemeral_1h_input_tokens: 0 } });
  });

  it('treats a string content and a one-text-block array as the same prefix', () => {
    const { cache } = setup();
    usageOf(cache, request([], [{ role: 'user', content: [text(tokens(1500), mark)] }]));
    const again = request([], [{ role: 'user', content: tokens(1500) }, { role: 'assistant', content: 'ok' }, { role: 'user', content: [text('next', mark)] }]);
    assert.equal(usageOf(cache, again).read, 1500);
  });

  it('neither writes nor reads a prefix under the minimum', () => {
    const { cache } = setup();
    const body = request([text(tokens(1023), mark)], [{ role: 'user', content: tokens(5) }]);
    assert.deepEqual(usageOf(cache, body), { input: 1028, write: 0, read: 0, split: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 } });
    assert.deepEqual(usageOf(cache, body), { input: 1028, write: 0, read: 0, split: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 } });
  });

  it('expires an entry after its TTL, and a hit refreshes it', () => {
    const { cache, clock } = setup();
    const body = request([text(tokens(2000), mark)], [{ role: 'user', content: 'hi' }]);
    assert.equal(usageOf(cache, body).write, 2000);
    clock.t = FIVE_MIN - 1;
    assert.equal(usageOf(cache, body).read, 2000, 'still alive just before 5 minutes');
    clock.t += FIVE_MIN - 1;
    assert.equal(usageOf(cache, body).read, 2000, 'the hit refreshed it');
    clock.t += FIVE_MIN;
    assert.deepEqual(usageOf(cache, body), { input: 1, write: 2000, read: 0, split: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 0 } });
  });

  it('keeps a 1h entry past 5 minutes and reports its write as ephemeral_1h', () => {
    const { cache, clock } = setup();
    const body = request([text(tokens(2000), { type: 'ephemeral', ttl: '1h' })], [{ role: 'user', content: [text(tokens(1000), mark)] }]);
    assert.deepEqual(usageOf(cache, body).split, { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 });
    clock.t = 30 * 60_000;
    const later = request(body.system as RequestContentBlock[], [{ role: 'user', content: [text(tokens(999), mark)] }]);
    assert.deepEqual(usageOf(cache, later), { input: 0, write: 999, read: 2000, split: { ephemeral_5m_input_tokens: 999, ephemeral_1h_input_tokens: 0 } });
    clock.t = 91 * 60_000;
    assert.equal(usageOf(cache, later).read, 0);
  });

  it('looks back at most 20 blocks from a breakpoint', () => {
    const { cache } = setup();
    usageOf(cache, request([text(tokens(2000), mark)], [{ role: 'user', content: 'first' }]));
    const many = (n: number) => Array.from({ length: n }, (_, i) => text(`block ${i}`));
    const near = request([text(tokens(2000))], [{ role: 'user', content: [...many(19), text('last', mark)] }]);
    assert.equal(usageOf(cache, near).read, 2000, 'system is 20 blocks back');
    cache.reset();
    usageOf(cache, request([text(tokens(2000), mark)], [{ role: 'user', content: 'first' }]));
    const far = request([text(tokens(2000))], [{ role: 'user', content: [...many(20), text('last', mark)] }]);
    assert.equal(usageOf(cache, far).read, 0, 'system is 21 blocks back');
  });

  it('keys the cache on content and model, not on where the markers sit', () => {
    const { cache } = setup();
    usageOf(cache, request([text(tokens(2000), mark)], [{ role: 'user', content: 'hi' }]));
    assert.equal(usageOf(cache, request([text(tokens(2000), mark)], [{ role: 'user', content: 'hi' }], { model: 'other' })).read, 0);
    assert.equal(usageOf(cache, request([text(tokens(1999) + 'abcx', mark)], [{ role: 'user', content: 'hi' }])).read, 0);
    const swappedRole = request([], [{ role: 'user', content: [text(tokens(1500), mark)] }]);
    usageOf(cache, swappedRole);
    const asAssistant = request([], [{ role: 'user', content: 'x' }, { role: 'assistant', content: [text(tokens(1500), mark)] }]);
    assert.equal(usageOf(cache, asAssistant).read, 0);
  });

  it('refuses more than 4 breakpoints, and a 1h breakpoint after a 5m one', () => {
    const { cache } = setup();
    const five = request(Array.from({ length: 5 }, (_, i) => text(`s${i}`, mark)), [{ role: 'user', content: 'hi' }]);
    const refused = cache.account(five);
    assert.ok(!refused.ok && /maximum of 4/.test(refused.message));
    const four = request(Array.from({ length: 4 }, (_, i) => text(`s${i}`, mark)), [{ role: 'user', content: 'hi' }]);
    assert.ok(cache.account(four).ok);
    const misordered = request([text('a', mark), text('b', { type: 'ephemeral', ttl: '1h' })], [{ role: 'user', content: 'hi' }]);
    assert.ok(!cache.account(misordered).ok);
  });
});
