import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import {
  changedSettings,
  DEFAULT_SETTINGS,
  engineOptions,
  readSettings,
  resolveWorkspacePath,
  type ConfigReader,
} from '../../../src/extension/settings';
import { libraryOf } from './extensionFakes';

const config = (values: Record<string, unknown>): ConfigReader => ({ get: <T>(k: string) => values[k] as T | undefined });

describe('extension: settings', () => {
  it('gives the documented defaults when nothing is set', () => {
    const { settings, problems } = readSettings(config({}), {});
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, { ...DEFAULT_SETTINGS });
    assert.equal(settings.model, 'claude-sonnet-5-5');
    assert.equal(settings.maxTokens, 4096);
    assert.equal(settings.cacheTtl, '5m');
    assert.equal(settings.deliberationDepth, 'full');
    assert.equal(settings.theme, 'cream');
    assert.equal(settings.baseUrl, undefined);
  });

  it('keeps valid values', () => {
    const { settings, problems } = readSettings(
      config({ model: ' claude-opus-5-5 ', maxTokens: 8000, cacheTtl: '1h', theme: 'eink', deliberationDepth: 'off', budgetUsd: 2.5, contextWindow: 50_000, sessionsFolder: '/data/sessions' }),
      {},
    );
    assert.deepEqual(problems, []);
    assert.equal(settings.model, 'claude-opus-5-5');
    assert.equal(settings.maxTokens, 8000);
    assert.equal(settings.cacheTtl, '1h');
    assert.equal(settings.theme, 'eink');
    assert.equal(settings.deliberationDepth, 'off');
    assert.equal(settings.budgetUsd, 2.5);
    assert.equal(settings.contextWindow, 50_000);
    assert.equal(settings.sessionsFolder, '/data/sessions');
  });

  it('replaces each invalid value by its default and says so', () => {
    const { settings, problems } = readSettings(
      config({ maxTokens: -3, cacheTtl: '2h', theme: 'neon', budgetUsd: 0, contextWindow: 10.5, model: '', charactersFolder: '  ' }),
      {},
    );
    assert.equal(settings.maxTokens, 4096);
    assert.equal(settings.cacheTtl, '5m');
    assert.equal(settings.theme, 'cream');
    assert.equal(settings.budgetUsd, null);
    assert.equal(settings.contextWindow, null);
    assert.equal(settings.model, 'claude-sonnet-5-5');
    assert.equal(settings.charactersFolder, 'characters');
    assert.equal(problems.length, 7);
    assert.match(problems.join('\n'), /dialogue\.cacheTtl: "2h" is not valid .*using "5m"/);
    assert.match(problems.join('\n'), /dialogue\.theme: "neon"/);
  });

  it('accepts null for budget and context window', () => {
    const { settings, problems } = readSettings(config({ budgetUsd: null, contextWindow: null }), {});
    assert.deepEqual(problems, []);
    assert.equal(settings.budgetUsd, null);
  });

  it('takes the endpoint from the setting, else ANTHROPIC_BASE_URL, and rejects non-http URLs', () => {
    assert.equal(readSettings(config({ baseUrl: 'http://127.0.0.1:9000' }), { ANTHROPIC_BASE_URL: 'http://env:1' }).settings.baseUrl, 'http://127.0.0.1:9000');
    assert.equal(readSettings(config({ baseUrl: '' }), { ANTHROPIC_BASE_URL: 'http://env:1' }).settings.baseUrl, 'http://env:1');
    const bad = readSettings(config({ baseUrl: 'file:///etc/passwd' }), {});
    assert.equal(bad.settings.baseUrl, undefined);
    assert.match(bad.problems[0]!, /dialogue\.baseUrl: .* not an http\(s\) URL/);
    const badEnv = readSettings(config({}), { ANTHROPIC_BASE_URL: 'nonsense' });
    assert.match(badEnv.problems[0]!, /^ANTHROPIC_BASE_URL/);
  });

  it('validates prices through the engine and falls back to the table on error', () => {
    const ok = readSettings(config({ prices: { 'claude-sonnet-5-5': { input: 2 } } }), {});
    assert.deepEqual(ok.problems, []);
    assert.deepEqual(ok.settings.prices, { 'claude-sonnet-5-5': { input: 2 } });
    const bad = readSettings(config({ prices: { 'claude-sonnet-5-5': { input: -1 } } }), {});
    assert.deepEqual(bad.settings.prices, {});
    assert.match(bad.problems[0]!, /^dialogue\.prices: .*negative/);
  });

  it('resolves folder settings against the workspace, keeping absolute and ~ paths', () => {
    const root = path.resolve('/ws');
    assert.equal(resolveWorkspacePath(root, 'characters'), path.join(root, 'characters'));
    assert.equal(resolveWorkspacePath(root, '../research/sessions'), path.resolve(root, '../research/sessions'));
    assert.equal(resolveWorkspacePath(root, path.resolve('/data/s')), path.resolve('/data/s'));
    assert.equal(resolveWorkspacePath(undefined, path.resolve('/data/s')), path.resolve('/data/s'));
    assert.equal(resolveWorkspacePath(undefined, '~/sessions'), path.join(os.homedir(), 'sessions'));
    assert.equal(resolveWorkspacePath(undefined, 'sessions'), undefined);
  });

  it('builds engine options, passing the endpoint and prices only when set', () => {
    const library = libraryOf();
    const plain = engineOptions({ ...DEFAULT_SETTINGS }, { library, sessionsDir: '/s', apiKey: 'k' });
    assert.equal('baseURL' in plain, false);
    assert.equal('prices' in plain, false);
    assert.equal(plain.model, 'claude-sonnet-5-5');
    assert.equal(plain.sessionsDir, '/s');
    const full = engineOptions({ ...DEFAULT_SETTINGS, baseUrl: 'http://x:1', prices: { m: { input: 1 } }, budgetUsd: 3, contextWindow: 9000 }, { library, sessionsDir: '/s', apiKey: 'k' });
    assert.equal(full.baseURL, 'http://x:1');
    assert.deepEqual(full.prices, { m: { input: 1 } });
    assert.equal(full.budgetUsd, 3);
    assert.equal(full.contextWindow, 9000);
  });

  it('reads the cache-warmth policy and its limit, refuses bad values, and passes both to the engine', () => {
    const { settings, problems } = readSettings(config({ cacheWarmth: 'auto', keepWarmMinutes: 45 }), {});
    assert.deepEqual(problems, []);
    assert.equal(settings.cacheWarmth, 'auto');
    const options = engineOptions(settings, { library: libraryOf(), sessionsDir: '/s', apiKey: 'k' });
    assert.equal(options.warmth, 'auto');
    assert.equal(options.keepWarmMinutes, 45);
    const bad = readSettings(config({ cacheWarmth: 'always', keepWarmMinutes: 0 }), {});
    assert.equal(bad.settings.cacheWarmth, 'off');
    assert.equal(bad.settings.keepWarmMinutes, 30);
    assert.equal(bad.problems.length, 2);
  });

  it('lists what changed between two readings', () => {
    const a = { ...DEFAULT_SETTINGS };
    assert.deepEqual(changedSettings(a, { ...a }), []);
    assert.deepEqual(changedSettings(a, { ...a, theme: 'dark', prices: { m: { input: 1 } } }).sort(), ['prices', 'theme']);
  });

  it('package.json declares every setting with the same default as the code', () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default: unknown }> } };
    };
    const declared = pkg.contributes.configuration.properties;
    const expected = Object.fromEntries(Object.entries(DEFAULT_SETTINGS).map(([k, v]) => [`dialogue.${k}`, k === 'baseUrl' ? '' : v]));
    assert.deepEqual(Object.keys(declared).sort(), Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(declared[key]!.default, value, key);
  });
});
