import { strict as assert } from 'node:assert';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PARSER_ANOMALY_KINDS } from '../../../src/engine/parse/tagParser';
import { SCHEMA_VERSION } from '../../../src/engine/store/sessionSchema';

// docs/session-format.md is the format's public description: these checks keep it true to the code.
const REPO = path.join(__dirname, '..', '..', '..');
const DOC = readFileSync(path.join(REPO, 'docs', 'session-format.md'), 'utf8');

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(p)));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Every anomaly kind the code can record: the parser's list plus each literal in an anomaly event. */
async function emittedKinds(): Promise<Set<string>> {
  const kinds = new Set<string>(PARSER_ANOMALY_KINDS);
  for (const file of await sources(path.join(REPO, 'src'))) {
    const text = await fs.readFile(file, 'utf8');
    for (const m of text.matchAll(/type: 'anomaly'[^}]*?kind: '([a-z0-9-]+)'/g)) kinds.add(m[1]!);
  }
  return kinds;
}

/** The kinds listed in the doc's anomaly table (rows "| `kind` | ..."). */
function documentedKinds(): Set<string> {
  const section = DOC.slice(DOC.indexOf('### `anomaly`'), DOC.indexOf('### `error`'));
  return new Set([...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]!).filter((k) => k !== 'kind'));
}

describe('docs/session-format.md against the code', () => {
  it('documents every anomaly kind the code emits, and no kind it does not', async () => {
    const emitted = await emittedKinds();
    const documented = documentedKinds();
    assert.deepEqual([...emitted].filter((k) => !documented.has(k)).sort(), [], 'emitted but not documented');
    assert.deepEqual([...documented].filter((k) => !emitted.has(k)).sort(), [], 'documented but never emitted');
  });

  it('its examples show the current schema_version', () => {
    const versions = [...DOC.matchAll(/"schema_version": (\d+)/g)].map((m) => Number(m[1]));
    assert.ok(versions.length > 0);
    assert.deepEqual(versions.filter((v) => v !== SCHEMA_VERSION), []);
    assert.match(DOC, new RegExp(`schema_version: ${SCHEMA_VERSION}`));
  });
});
