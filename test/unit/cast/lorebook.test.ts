import { strict as assert } from 'node:assert';
import { loreTrigger, splitLorebook, type CharacterBook } from '../../../src/engine/cast/lorebook';

const entry = (over: Partial<CharacterBook['entries'][number]>) => ({ keys: ['reef'], content: 'x', extensions: {}, enabled: true, insertion_order: 0, ...over });
const one = (over: Partial<CharacterBook['entries'][number]>) => splitLorebook({ extensions: {}, entries: [entry(over)] }).keyed[0]!;

describe('lorebook matching', () => {
  it('matches keys as whole words, case-insensitive unless the entry says otherwise', () => {
    assert.equal(loreTrigger(one({}), 'The REEF, again.'), 'reef');
    assert.equal(loreTrigger(one({}), 'reefs and coral'), null);
    assert.equal(loreTrigger(one({ keys: ['Old Pier'] }), 'by the old pier.'), 'Old Pier');
    assert.equal(loreTrigger(one({ keys: ['Pike'], case_sensitive: true }), 'a pike'), null);
    assert.equal(loreTrigger(one({ keys: ['Pike'], case_sensitive: true }), 'Captain Pike'), 'Pike');
    assert.equal(loreTrigger(one({ keys: ['café'] }), 'the Café'), 'café');
  });

  it('honours secondary keys under selective, with SillyTavern\'s selectiveLogic', () => {
    const text = 'the reef and the storm';
    assert.equal(loreTrigger(one({ secondary_keys: ['storm', 'wreck'] }), 'the reef'), 'reef', 'secondary keys count only when selective');
    assert.equal(loreTrigger(one({ selective: true, secondary_keys: ['storm', 'wreck'] }), 'the reef'), null);
    assert.equal(loreTrigger(one({ selective: true, secondary_keys: ['storm', 'wreck'] }), text), 'reef');
    const logic = (n: number) => one({ selective: true, secondary_keys: ['storm', 'wreck'], extensions: { selectiveLogic: n } });
    assert.equal(loreTrigger(logic(1), text), 'reef', 'NOT ALL');
    assert.equal(loreTrigger(logic(2), text), null, 'NOT ANY');
    assert.equal(loreTrigger(logic(3), text), null, 'AND ALL');
    assert.equal(loreTrigger(logic(3), 'reef, storm, wreck'), 'reef');
  });

  it('treats /pattern/flags keys as regular expressions when use_regex is set; a broken one matches nothing', () => {
    assert.equal(loreTrigger(one({ keys: ['/li(ght)?house/i'], use_regex: true }), 'the LIHOUSE'), '/li(ght)?house/i');
    assert.equal(loreTrigger(one({ keys: ['/li(ght)?house/i'] }), 'the lighthouse'), null, 'without use_regex it is a literal');
    assert.equal(loreTrigger(one({ keys: ['/(/'], use_regex: true }), '('), null);
  });

  it('leaves disabled and empty entries out, and orders by insertion_order', () => {
    const book: CharacterBook = {
      extensions: {},
      entries: [entry({ insertion_order: 5, keys: ['b'] }), entry({ insertion_order: 1, keys: ['a'] }), entry({ enabled: false, keys: ['c'] }), entry({ constant: true, content: 'always' }), entry({ content: '  ' })],
    };
    const { constant, keyed } = splitLorebook(book);
    assert.deepEqual(constant, ['always']);
    assert.deepEqual(keyed.map((e) => e.keys[0]), ['a', 'b']);
  });
});
