import { strict as assert } from 'node:assert';
import Anthropic, { AnthropicError, APIError, APIUserAbortError, AuthenticationError, BadRequestError, OverloadedError } from '@anthropic-ai/sdk';
import { countTokens, startStandIn, type StandIn, type StandInOptions } from '../../standIn/messagesStandIn.js';

// The real SDK against the stand-in: what the engine will see is what these tests see.

const MODEL = 'claude-standin-test';
const LONG_SYSTEM = 'The panel rules, repeated to be long enough to cache. '.repeat(100); // 1325 tokens

let standIn: StandIn | undefined;
async function start(opts: StandInOptions = {}): Promise<{ standIn: StandIn; client: Anthropic }> {
  standIn = await startStandIn(opts);
  return { standIn, client: new Anthropic({ apiKey: 'test-key', baseURL: standIn.url, maxRetries: 0 }) };
}
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

function streamOf(client: Anthropic, content = 'Hello panel', extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}) {
  return client.messages.stream({ model: MODEL, max_tokens: 1000, messages: [{ role: 'user', content }], ...extra });
}

/** Runs a stream to its end, returning the text delivered before it ended or failed. */
async function collect(stream: ReturnType<Anthropic['messages']['stream']>): Promise<{ text: string; error?: unknown }> {
  let text = '';
  stream.on('text', (delta: string) => (text += delta));
  try {
    await stream.finalMessage();
    return { text };
  } catch (error) {
    return { text, error };
  }
}

describe('standIn with the real SDK', () => {
  it('streams scripted text intact, in chunks, with usage and the request recorded', async () => {
    const text = 'Mara speaks first, then Oskar answers her — and Ilse passes. ✓ 日本';
    const { standIn, client } = await start({ replies: [{ text, chunkSize: 7 }] });
    const deltas: string[] = [];
    const stream = streamOf(client);
    stream.on('text', (d) => deltas.push(d));
    const message = await stream.finalMessage();

    assert.equal(deltas.join(''), text);
    assert.equal(deltas.length, Math.ceil(Array.from(text).length / 7));
    assert.deepEqual(message.content.map((b) => (b.type === 'text' ? b.text : b.type)), [text]);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.usage.output_tokens, countTokens(text));
    assert.equal(message.usage.input_tokens, countTokens('Hello panel'));
    assert.equal(standIn.requests.length, 1);
    const [recorded] = standIn.requests;
    assert.equal(recorded!.body.stream, true);
    assert.equal(recorded!.body.model, MODEL);
    assert.equal(recorded!.headers.authorization, 'Bearer test-key');
    assert.ok(recorded!.headers['anthropic-version']);
    assert.equal(recorded!.usage?.output_tokens, countTokens(text));
  });

  it('answers a non-streaming create with the whole message', async () => {
    const { client } = await start({ replies: [{ text: 'All at once.' }] });
    const message = await client.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    assert.deepEqual(message.content.map((b) => (b.type === 'text' ? b.text : '')), ['All at once.']);
    assert.equal(message.usage.output_tokens, 3);
  });

  it('cuts text at max_tokens and says so', async () => {
    const { client } = await start({ replies: [{ text: 'abcd'.repeat(10) }, { text: 'abcd'.repeat(10) }] });
    const { text } = await collect(streamOf(client, 'hi', { max_tokens: 3 }));
    assert.equal(text, 'abcd'.repeat(3));
    const message = await streamOf(client, 'again', { max_tokens: 2 }).finalMessage();
    assert.equal(message.stop_reason, 'max_tokens');
  });

  it('rejects a wrong key with AuthenticationError and a request id', async () => {
    const { standIn } = await start({ apiKey: 'right-key' });
    const wrong = new Anthropic({ apiKey: 'wrong-key', baseURL: standIn.url, maxRetries: 0 });
    const { error } = await collect(streamOf(wrong));
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.equal(error.status, 401);
    assert.equal(error.type, 'authentication_error');
    assert.match(error.requestID ?? '', /^req_standin_/);
    const right = new Anthropic({ apiKey: 'right-key', baseURL: standIn.url, maxRetries: 0 });
    assert.equal((await collect(streamOf(right))).error, undefined);
  });

  it('turns a scripted 401 into AuthenticationError without retrying', async () => {
    const { standIn } = await start({ replies: [{ status: 401 }] });
    const { error } = await collect(streamOf(new Anthropic({ apiKey: 'k', baseURL: standIn.url, maxRetries: 3 })));
    assert.ok(error instanceof AuthenticationError);
    assert.equal(standIn.requests.length, 1);
  });

  it('lets the SDK retry a 429 and then succeed', async () => {
    const { standIn } = await start({ replies: [{ status: 429, retryAfterMs: 1 }, { text: 'after the wait' }] });
    const client = new Anthropic({ apiKey: 'k', baseURL: standIn.url, maxRetries: 2 });
    const message = await streamOf(client).finalMessage();
    assert.deepEqual(message.content.map((b) => (b.type === 'text' ? b.text : '')), ['after the wait']);
    assert.equal(standIn.requests.length, 2);
    assert.equal(standIn.requests[0]!.usage, undefined);
    assert.equal(standIn.requests[1]!.headers['x-stainless-retry-count'], '1');
  });

  it('lets the SDK retry a 529 honouring retry-after: 0, and reports OverloadedError when out of retries', async () => {
    const { standIn, client } = await start({ replies: [{ status: 529 }, { status: 529 }] });
    const { error } = await collect(streamOf(client));
    assert.ok(error instanceof OverloadedError, String(error));
    assert.equal(error.headers?.get('retry-after'), '0');

    const retrying = new Anthropic({ apiKey: 'k', baseURL: standIn.url, maxRetries: 1 });
    const { text, error: none } = await collect(streamOf(retrying));
    assert.equal(none, undefined);
    assert.ok(text.length > 0, 'castAutoReply answered after the retry');
    assert.equal(standIn.requests.length, 3);
  });

  it('surfaces a mid-stream error event after the text already sent', async () => {
    const { client } = await start({ replies: [{ text: 'The first twenty chars and then some more', errorAfterChars: 20, chunkSize: 5 }] });
    const { text, error } = await collect(streamOf(client));
    assert.equal(text, 'The first twenty cha');
    assert.ok(error instanceof APIError, String(error));
    assert.equal(error.type, 'overloaded_error');
  });

  it('surfaces a dropped connection as an error, with the partial text delivered', async () => {
    const { standIn, client } = await start({ replies: [{ text: 'x'.repeat(25) + 'y'.repeat(25), dropAfterChars: 30, chunkSize: 10 }] });
    const { text, error } = await collect(streamOf(client));
    assert.equal(text, 'x'.repeat(25) + 'y'.repeat(5));
    assert.ok(error instanceof AnthropicError, String(error));
    assert.ok(!(error instanceof APIError) && !(error instanceof APIUserAbortError), 'a cut connection, not an API answer');
    assert.equal(standIn.requests[0]!.usage?.output_tokens, 1, 'only message_start usage was reported');
  });

  it('aborts a held-open stream through an AbortController', async () => {
    const { client } = await start({ replies: [{ text: 'Partial answer', holdOpen: true }] });
    const controller = new AbortController();
    const stream = client.messages.stream(
      { model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] },
      { signal: controller.signal },
    );
    let text = '';
    stream.on('text', (d) => {
      text += d;
      if (text === 'Partial answer') controller.abort();
    });
    await assert.rejects(stream.finalMessage(), APIUserAbortError);
    assert.equal(text, 'Partial answer');
  });

  it('reports cache writes and reads through the SDK, including the 1h split', async () => {
    const { client } = await start();
    const body = {
      model: MODEL,
      max_tokens: 1000,
      system: [{ type: 'text' as const, text: LONG_SYSTEM, cache_control: { type: 'ephemeral' as const, ttl: '1h' as const } }],
      messages: [{ role: 'user' as const, content: 'From the floor: "hello"' }],
    };
    const first = (await client.messages.stream(body).finalMessage()).usage;
    assert.equal(first.cache_creation_input_tokens, countTokens(LONG_SYSTEM));
    assert.deepEqual(first.cache_creation, { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: countTokens(LONG_SYSTEM) });
    assert.equal(first.cache_read_input_tokens, 0);
    const second = (await client.messages.stream(body).finalMessage()).usage;
    assert.equal(second.cache_read_input_tokens, countTokens(LONG_SYSTEM));
    assert.equal(second.cache_creation_input_tokens, 0);
    assert.equal(second.input_tokens, countTokens('From the floor: "hello"'));
  });

  it('refuses more than 4 breakpoints with a 400, before consuming a scripted reply', async () => {
    const { standIn, client } = await start({ replies: [{ text: 'kept for the next call' }] });
    const marked = { type: 'text' as const, text: 'part', cache_control: { type: 'ephemeral' as const } };
    const { error } = await collect(
      client.messages.stream({ model: MODEL, max_tokens: 10, system: [marked, marked, marked, marked, marked], messages: [{ role: 'user', content: 'hi' }] }),
    );
    assert.ok(error instanceof BadRequestError, String(error));
    assert.equal(error.type, 'invalid_request_error');
    assert.match(error.message, /maximum of 4/);
    assert.equal((await collect(streamOf(client))).text, 'kept for the next call');
    assert.equal(standIn.requests.length, 2);
  });

  it('refuses a malformed body with a 400', async () => {
    const { standIn, client } = await start();
    const { error } = await collect(streamOf(client, ''));
    assert.ok(error instanceof BadRequestError, String(error));
    assert.equal(standIn.requests.length, 0);
  });

  it('counts tokens at /v1/messages/count_tokens', async () => {
    const { client } = await start();
    const counted = await client.messages.countTokens({ model: MODEL, system: 'abcdefgh', messages: [{ role: 'user', content: 'abcde' }] });
    assert.equal(counted.input_tokens, 2 + 2);
  });
});
