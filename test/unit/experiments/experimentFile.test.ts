import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ExperimentFileError, looksLikeExperiment, parseExperimentText } from '../../../src/engine/experiments/experimentFile';
import { EXPERIMENT_SCHEMA_FILE, experimentJsonSchemaText } from '../../../src/engine/experiments/experimentJsonSchema';
import { expandConditions, runId } from '../../../src/engine/experiments/experimentPlan';

const REPO = path.join(__dirname, '..', '..', '..');
const FILE = path.join(REPO, 'x', 'exp.yaml');

describe('experiment file: schema, matrix, run ids', () => {
  it('every plural key multiplies the matrix; singular keys and defaults fill the rest', () => {
    const spec = parseExperimentText('name: m\nmodels: [a, b]\nbriefs: [p, q, r]\ncasts: [[x], [x, y]]\ndepths: [full, off]\nttls: [5m, 1h]\nscripts: [s1.jsonl, s2.jsonl]\nreplicates: 3\n', FILE);
    assert.equal(expandConditions(spec).length, 2 * 3 * 2 * 2 * 2 * 2);
    const one = parseExperimentText('name: m\ncast: [x]\nscript: s.jsonl\n', FILE);
    assert.deepEqual(expandConditions(one), [{ model: 'claude-sonnet-5-5', brief: null, cast: ['x'], depth: 'full', ttl: '5m', max_tokens: 4096, script: 's.jsonl' }]);
    assert.equal(one.workspace, path.join(REPO, 'x'));
  });

  it('run ids hash the condition and replicate, not the position in the matrix', () => {
    const a = expandConditions(parseExperimentText('name: m\ncasts: [[x], [y]]\nscript: s.jsonl\n', FILE));
    const b = expandConditions(parseExperimentText('name: m\ncasts: [[y], [x]]\nscript: s.jsonl\n', FILE));
    assert.equal(runId(a[0]!, 1), runId(b[1]!, 1));
    assert.notEqual(runId(a[0]!, 1), runId(a[0]!, 2));
    assert.match(runId(a[0]!, 1), /^run-[0-9a-f]{10}$/);
  });

  it('names the key and its line in every error', () => {
    const cases: Array<[string, RegExp]> = [
      ['name: m\ncast: [x]\nscript: s.jsonl\nreplicates: 0\n', /exp\.yaml:4: replicates: /],
      ['name: m\ncast: [x]\nscript: s.jsonl\ndepth: loud\n', /exp\.yaml:4: depth: /],
      ['name: m\ncasts:\n  - [x]\n  - [Bad Id]\nscript: s.jsonl\n', /exp\.yaml:4: casts\[1\]\[0\]: /],
      ['name: m\nscript: s.jsonl\n', /cast: is required/],
      ['name: a/b\ncast: [x]\nscript: s.jsonl\n', /exp\.yaml:1: name: /],
      ['name: m\ncast: [x]\nscript: s.jsonl\n  bad: : indent\n', /exp\.yaml:\d+: not valid YAML/],
      ['- just\n- a list\n', /an experiment file is a YAML mapping/],
      ['name: m\ncast: [x, x]\nscript: s.jsonl\n', /exp\.yaml:2: cast: lists a character twice/],
    ];
    for (const [text, expected] of cases) assert.throws(() => parseExperimentText(text, FILE), (e: unknown) => e instanceof ExperimentFileError && expected.test(e.message), text);
  });

  it('tells experiment files from other YAML (for the editor action)', () => {
    assert.equal(looksLikeExperiment('name: m\ncasts: [[x]]\nscript: s.jsonl\n'), true);
    assert.equal(looksLikeExperiment('on: push\njobs: {}\n'), false);
  });

  it('the committed JSON Schema is what scripts/genSchema.ts generates (run it after changing experimentFile.ts)', () => {
    assert.equal(readFileSync(path.join(REPO, EXPERIMENT_SCHEMA_FILE), 'utf8'), experimentJsonSchemaText());
  });
});
