import { strict as assert } from 'node:assert';
import {
  API_KEY_SECRET,
  clearApiKey,
  describeKeySource,
  resolveApiKey,
  storeApiKey,
  validateApiKeyInput,
} from '../../../src/extension/access/accessStore';
import { redactingLog, redactSecrets } from '../../../src/extension/logSink';
import { ArrayLog, MemorySecrets } from './extensionFakes';

const KEY = ['sk', 'ant', 'api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'].join('-'); // key-shaped on purpose, assembled at run time

describe('extension: API key resolution and redaction', () => {
  it('prefers the stored secret over the environment variable', async () => {
    const secrets = new MemorySecrets();
    await secrets.store(API_KEY_SECRET, 'stored-key-123');
    assert.deepEqual(await resolveApiKey(secrets, { ANTHROPIC_API_KEY: 'env-key-456' }), { key: 'stored-key-123', source: 'secret' });
  });

  it('falls back to ANTHROPIC_API_KEY, and to nothing', async () => {
    const secrets = new MemorySecrets();
    assert.deepEqual(await resolveApiKey(secrets, { ANTHROPIC_API_KEY: ' env-key-456 ' }), { key: 'env-key-456', source: 'env' });
    assert.equal(await resolveApiKey(secrets, {}), null);
    assert.equal(await resolveApiKey(secrets, { ANTHROPIC_API_KEY: '   ' }), null);
  });

  it('ignores a blank stored secret', async () => {
    const secrets = new MemorySecrets();
    await secrets.store(API_KEY_SECRET, '  ');
    assert.deepEqual(await resolveApiKey(secrets, { ANTHROPIC_API_KEY: 'env-key-456' }), { key: 'env-key-456', source: 'env' });
  });

  it('stores a trimmed key under the contract name and clears it', async () => {
    const secrets = new MemorySecrets();
    assert.equal(await storeApiKey(secrets, `  ${KEY}\n`), KEY);
    assert.equal(secrets.data.get('dialogue.anthropicApiKey'), KEY);
    await clearApiKey(secrets);
    assert.equal(secrets.data.size, 0);
  });

  it('refuses unusable input without echoing it', async () => {
    assert.match(validateApiKeyInput('')!, /Paste your Anthropic API key/);
    assert.match(validateApiKeyInput('sk-ant-abc def')!, /no spaces/);
    assert.equal(validateApiKeyInput(KEY), null);
    const secrets = new MemorySecrets();
    await assert.rejects(storeApiKey(secrets, 'sk-ant-secret part'), (err: Error) => !err.message.includes('secret part'));
    assert.equal(secrets.data.size, 0);
  });

  it('describes where the key came from, never the key', async () => {
    const secrets = new MemorySecrets();
    await secrets.store(API_KEY_SECRET, KEY);
    const text = describeKeySource(await resolveApiKey(secrets, {}));
    assert.equal(text.includes(KEY), false);
    assert.match(text, /stored in VS Code/);
    assert.match(describeKeySource(null), /no API key/);
  });

  it('redacts key-shaped strings, auth headers and known secrets from log lines', () => {
    assert.equal(redactSecrets(`calling with ${KEY} now`), 'calling with [redacted] now');
    assert.equal(redactSecrets('{"x-api-key":"whatever-123"}'), '{"x-api-key":"[redacted]"}');
    assert.equal(redactSecrets('Authorization: Bearer abc.def'), 'Authorization: Bearer [redacted]');
    assert.equal(redactSecrets('proxy key local-key-99 used', ['local-key-99']), 'proxy key [redacted] used');
    assert.equal(redactSecrets('the word key stays', ['key']), 'the word key stays');
  });

  it('a redacting log never lets a registered key through, even inside an Error', () => {
    const inner = new ArrayLog();
    const log = redactingLog(inner);
    log.addSecret('proxy-secret-0001');
    log.info('using proxy-secret-0001');
    log.error(new Error(`401 for ${KEY}`));
    log.warn(`header x-api-key: ${KEY}`);
    const all = inner.text();
    assert.equal(all.includes('proxy-secret-0001'), false);
    assert.equal(all.includes(KEY), false);
    assert.equal((all.match(/\[redacted\]/g) ?? []).length, 3);
  });
});
