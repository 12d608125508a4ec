import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { formatUsd, priceUsage, type Usage } from '../../../src/engine/cost/costMeter';
import { findModel, MODEL_TABLE, parsePriceOverrides, type PriceOverrides } from '../../../src/engine/cost/modelTable';

const usage = (u: Partial<Usage>): Usage => ({
  input_tokens: 0,
  output_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  ...u,
});

/** The literal ids of the installed SDK's `export type Model`, so the table is checked against what callers can pass. */
function sdkModelIds(): string[] {
  const require = createRequire(__filename);
  // The package's exports map hides .d.ts files from require.resolve, so go from its entry point.
  const sdkRoot = dirname(require.resolve('@anthropic-ai/sdk'));
  const dts = readFileSync(join(sdkRoot, 'resources', 'messages', 'messages.d.ts'), 'utf8');
  const line = /export type Model = ([^;]*);/.exec(dts);
  assert.ok(line, 'Model type not found in the SDK');
  return [...line[1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

describe('modelTable', () => {
  it('keeps every entry well formed: unique ids, ordered bands, last band unbounded, positive window', () => {
    const ids = MODEL_TABLE.map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const m of MODEL_TABLE) {
      assert.ok(m.tiers.length > 0, m.id);
      assert.equal(m.tiers[m.tiers.length - 1]!.upToPromptTokens, null, m.id);
      const bounds = m.tiers.slice(0, -1).map((t) => t.upToPromptTokens);
      assert.ok(bounds.every((b, i) => b !== null && (i === 0 || b > bounds[i - 1]!)), m.id);
      assert.ok(m.contextWindow > 0 && m.source.includes('read 2026-'), m.id);
      for (const t of m.tiers) for (const v of [t.input, t.output, t.cacheWrite5m, t.cacheWrite1h, t.cacheRead]) assert.ok(v >= 0, m.id);
    }
  });

  it('prices every model id the SDK lists, except the retired claude-mythos-preview', () => {
    const ids = sdkModelIds();
    assert.ok(ids.length > 15, `parsed only ${ids.length} ids`);
    const unpriced = ids.filter((id) => findModel(id) === undefined);
    assert.deepEqual(unpriced, ['claude-mythos-preview']);
  });

  it('resolves a dated alias to its base entry, and nothing else', () => {
    assert.equal(findModel('claude-sonnet-4-5-20250929')?.id, 'claude-sonnet-4-5');
    assert.equal(findModel('claude-haiku-4-5-20251001')?.id, 'claude-haiku-4-5');
    assert.equal(findModel('claude-sonnet-4-5-2025'), undefined);
    assert.equal(findModel('claude-sonnet-4-55'), undefined);
  });
});

describe('priceUsage', () => {
  it('prices a known model exactly (Sonnet 4.6: $3 in, $15 out, $3.75 5m write, $0.30 read per MTok)', () => {
    const cost = priceUsage('claude-sonnet-4-6', usage({ input_tokens: 1_000, output_tokens: 500, cache_creation_input_tokens: 2_000, cache_read_input_tokens: 10_000 }));
    // 1000*3 + 500*15 + 2000*3.75 + 10000*0.3 = 3000 + 7500 + 7500 + 3000 = 21000 micro-dollars
    assert.deepEqual(cost, { usd: 0.021, contextTokens: 13_000, model: 'claude-sonnet-4-6', known: true });
  });

  it('rounds to a millionth of a dollar', () => {
    // Haiku 5.5 lower band: 3 tokens * $0.125 = 0.375 micro-dollars -> 0
    assert.equal(priceUsage('claude-haiku-5-5', usage({ cache_creation_input_tokens: 3 })).usd, 0);
    // 7 * 0.125 = 0.875 -> 1 micro-dollar
    assert.equal(priceUsage('claude-haiku-5-5', usage({ cache_creation_input_tokens: 7 })).usd, 0.000001);
  });

  it('switches band when the prompt passes 100,000 tokens, counting cache writes and reads', () => {
    const at = priceUsage('claude-haiku-5-5', usage({ input_tokens: 40_000, cache_creation_input_tokens: 20_000, cache_read_input_tokens: 40_000, output_tokens: 1_000 }));
    // lower band: 40000*0.1 + 20000*0.125 + 40000*0.01 + 1000*0.5 = 4000 + 2500 + 400 + 500
    assert.equal(at.contextTokens, 100_000);
    assert.equal(at.usd, 0.0074);
    const over = priceUsage('claude-haiku-5-5', usage({ input_tokens: 40_001, cache_creation_input_tokens: 20_000, cache_read_input_tokens: 40_000, output_tokens: 1_000 }));
    // upper band on every token, output included: 40001*0.5 + 20000*0.625 + 40000*0.05 + 1000*2.5
    // = 37000.5 micro-dollars, which rounds to 37001
    assert.equal(over.contextTokens, 100_001);
    assert.equal(over.usd, 0.037001);
  });

  it('prices the 5m/1h split at their own rates and unsplit writes at the default TTL', () => {
    const split = usage({ cache_creation_input_tokens: 3_000, cache_creation_5m: 1_000, cache_creation_1h: 2_000 });
    // Opus 4.8: 1000*6.25 + 2000*10
    assert.equal(priceUsage('claude-opus-4-8', split).usd, 0.02625);
    assert.equal(priceUsage('claude-opus-4-8', split, { defaultTtl: '5m' }).usd, 0.02625, 'a reported split ignores defaultTtl');

    const unsplit = usage({ cache_creation_input_tokens: 3_000 });
    assert.equal(priceUsage('claude-opus-4-8', unsplit).usd, 0.01875, "default TTL is '5m'");
    assert.equal(priceUsage('claude-opus-4-8', unsplit, { defaultTtl: '1h' }).usd, 0.03);

    const partial = usage({ cache_creation_input_tokens: 3_000, cache_creation_1h: 1_000 });
    // 1000 at 1h ($10) + the 2000 not in the split at the default 5m ($6.25)
    assert.equal(priceUsage('claude-opus-4-8', partial).usd, 0.0225);
    assert.equal(priceUsage('claude-opus-4-8', partial).contextTokens, 3_000);
  });

  it('records an unknown model as usd null and known false, with its context size', () => {
    const cost = priceUsage('claude-mythos-preview', usage({ input_tokens: 5, cache_read_input_tokens: 7, output_tokens: 100 }));
    assert.deepEqual(cost, { usd: null, contextTokens: 12, model: 'claude-mythos-preview', known: false });
    assert.equal(priceUsage('gpt-something', usage({ input_tokens: 1 })).known, false);
  });

  it('applies overrides to a known model in every band, and keys them by alias or base id', () => {
    const overrides: PriceOverrides = { 'claude-haiku-5-5': { output: 1 }, 'claude-sonnet-4-5': { input: 10 } };
    const low = priceUsage('claude-haiku-5-5', usage({ input_tokens: 1_000, output_tokens: 1_000 }), { overrides });
    assert.equal(low.usd, 0.0011); // 1000*0.1 + 1000*1
    const high = priceUsage('claude-haiku-5-5', usage({ input_tokens: 200_000, output_tokens: 1_000 }), { overrides });
    assert.equal(high.usd, 0.101); // 200000*0.5 + 1000*1
    const dated = priceUsage('claude-sonnet-4-5-20250929', usage({ input_tokens: 1_000 }), { overrides });
    assert.equal(dated.usd, 0.01);
    assert.equal(dated.model, 'claude-sonnet-4-5-20250929');
    assert.match(findModel('claude-sonnet-4-5', overrides)!.source, /overridden by dialogue\.prices/);
    assert.equal(findModel('claude-sonnet-4-5')!.tiers[0]!.input, 3, 'the table itself is untouched');
  });

  it('gives an unknown model a price once an override defines it completely', () => {
    const overrides: PriceOverrides = {
      'local-proxy-model': { input: 2, output: 8, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.2, contextWindow: 500_000 },
    };
    const cost = priceUsage('local-proxy-model', usage({ input_tokens: 1_000, output_tokens: 1_000, cache_read_input_tokens: 10_000 }), { overrides });
    assert.deepEqual(cost, { usd: 0.012, contextTokens: 11_000, model: 'local-proxy-model', known: true });
    assert.equal(findModel('local-proxy-model', overrides)?.contextWindow, 500_000);
    // An incomplete override (one that skipped validation) must not half-price a model.
    const incomplete: PriceOverrides = { 'local-proxy-model': { input: 2, output: 8 } };
    assert.equal(priceUsage('local-proxy-model', usage({ input_tokens: 1 }), { overrides: incomplete }).usd, null);
  });
});

describe('parsePriceOverrides', () => {
  it('accepts partial overrides of known models and complete ones of unknown models', () => {
    const raw = { 'claude-opus-4-8': { input: 4.5 }, custom: { input: 1, output: 2, cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1, contextWindow: 1000 } };
    const parsed = parsePriceOverrides(raw);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value, raw);
    assert.deepEqual(parsePriceOverrides({}), { ok: true, value: {} });
  });

  const failures: [string, unknown, RegExp][] = [
    ['a non-object', [1, 2], /^prices: must be an object mapping model ids to prices$/],
    ['a negative rate', { 'claude-opus-4-8': { input: -1 } }, /^claude-opus-4-8\.input: must not be negative$/],
    ['a string rate', { 'claude-opus-4-8': { output: '25' } }, /^claude-opus-4-8\.output: must be a number \(USD per million tokens\)$/],
    ['a misspelt field', { 'claude-opus-4-8': { cache_read: 0.5 } }, /^claude-opus-4-8: unknown field "cache_read" \(known: input, output, cacheWrite5m, cacheWrite1h, cacheRead, contextWindow\)$/],
    ['a fractional window', { 'claude-opus-4-8': { contextWindow: 1.5 } }, /^claude-opus-4-8\.contextWindow: must be a whole number of tokens$/],
    ['an incomplete unknown model', { mystery: { input: 1, output: 2 } }, /^mystery: is not in the built-in price table, so it needs .* \(missing: cacheWrite5m, cacheWrite1h, cacheRead, contextWindow\)$/],
    ['an empty id', { '': { input: 1 } }, /model ids must not be empty/],
  ];
  for (const [what, raw, expected] of failures) {
    it(`rejects ${what} with a clear message`, () => {
      const parsed = parsePriceOverrides(raw);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.match(parsed.message, expected);
    });
  }

  it('lists every problem, not just the first', () => {
    const parsed = parsePriceOverrides({ 'claude-opus-4-8': { input: -1, output: -2 } });
    assert.ok(!parsed.ok);
    assert.equal(parsed.message, 'claude-opus-4-8.input: must not be negative; claude-opus-4-8.output: must not be negative');
  });
});

describe('formatUsd', () => {
  it('formats per the display rules', () => {
    assert.equal(formatUsd(null), '—');
    assert.equal(formatUsd(0.0123), '$0.0123');
    assert.equal(formatUsd(1.234), '$1.23');
    assert.equal(formatUsd(1.235001), '$1.24');
    assert.equal(formatUsd(0), '$0.00');
    assert.equal(formatUsd(0.00004), '<$0.0001');
    assert.equal(formatUsd(0.99996), '$1.00');
    assert.equal(formatUsd(12345.6), '$12345.60');
    assert.equal(formatUsd(Number.NaN), '—');
  });
});
