import { strict as assert } from 'node:assert';
import { MemberDirectory } from '../../../src/webview/members';

describe('webview: members\' short names', () => {
  const directory = new MemberDirectory();
  directory.remember([
    { id: 'mara', name: 'Mara Voss', glyph: 'M', color: '#c0563f' },
    { id: 'tycoon', name: 'The Tycoon', glyph: 'T', color: '#a44' },
    { id: 'hotelier', name: '  the   Hotelier ', glyph: 'T', color: '#4a4' },
    { id: 'the', name: 'The', glyph: 'T', color: '#44a' },
    { id: 'an-ode', name: 'An Ode', glyph: 'A', color: '#44a' },
  ]);

  it('is the first word of the name', () => {
    assert.equal(directory.shortName('mara'), 'Mara');
  });

  it('skips a leading article, so two batch actors "The Tycoon" and "The Hotelier" are not both "The"', () => {
    assert.equal(directory.shortName('tycoon'), 'Tycoon');
    assert.equal(directory.shortName('hotelier'), 'Hotelier');
    assert.equal(directory.shortName('an-ode'), 'Ode');
  });

  it('keeps a one-word name even when it is an article, and falls back to the id for an unknown member', () => {
    assert.equal(directory.shortName('the'), 'The');
    assert.equal(directory.shortName('new-member'), 'New');
  });
});
