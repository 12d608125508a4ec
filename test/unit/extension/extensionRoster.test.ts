import { strict as assert } from 'node:assert';
import { characterIdSchema } from '../../../src/engine/store/sessionSchema';
import { characterIdFromName, uniqueCharacterId } from '../../../src/extension/characters/characterIds';
import { memberView, replayRoster, rosterView } from '../../../src/extension/panel/memberViews';
import { resolveStartRequest } from '../../../src/extension/sessions/startRequest';
import { memberViewSchema } from '../../../src/protocol';
import { character, libraryOf } from './extensionFakes';

const mara = character('mara', 'Mara Voss', { tagline: 'Harbour developer' });
const oskar = character('oskar', 'Oskar Lind');
const ilse = character('ilse', 'Ilse Brandt');

describe('extension: character ids, start arguments, roster', () => {
  describe('characterIdFromName', () => {
    it('makes lowercase ASCII ids valid on every OS', () => {
      assert.equal(characterIdFromName('Mara Voss'), 'mara-voss');
      assert.equal(characterIdFromName('  Zoë Ærø-Straße! '), 'zoe-aero-strasse');
      assert.equal(characterIdFromName('Dr. J. (Ph.D.)'), 'dr-j-ph-d');
      assert.equal(characterIdFromName('李嘉诚'), '');
      assert.equal(characterIdFromName('?!'), '');
    });

    it('avoids Windows device names and the human id', () => {
      assert.equal(characterIdFromName('Con'), 'con-1');
      assert.equal(characterIdFromName('LPT1'), 'lpt1-1');
      assert.equal(characterIdFromName('Human'), 'human-1');
      assert.equal(characterIdFromName('Connor'), 'connor');
    });

    it('caps the length and always matches the id schema', () => {
      const id = characterIdFromName('x'.repeat(50) + ' ' + 'y'.repeat(50));
      assert.ok(id.length <= 64);
      assert.ok(!id.endsWith('-'));
      for (const name of ['Mara Voss', 'A', '9 Lives', 'Ænima', 'x'.repeat(200)]) {
        assert.ok(characterIdSchema.safeParse(characterIdFromName(name)).success, name);
      }
    });

    it('numbers a taken id', () => {
      const taken = new Set(['mara', 'mara-2']);
      assert.equal(uniqueCharacterId('mara', (id) => taken.has(id)), 'mara-3');
      assert.equal(uniqueCharacterId('oskar', (id) => taken.has(id)), 'oskar');
      const long = 'z'.repeat(64);
      const next = uniqueCharacterId(long, (id) => id === long);
      assert.equal(next.length, 64);
      assert.ok(next.endsWith('-2'));
    });
  });

  describe('resolveStartRequest', () => {
    const library = libraryOf(mara, oskar, ilse);
    library.briefs.set('harbour', { id: 'harbour', title: 'Harbour deal', text: 'The pier.', file: '/b.md' });

    it('resolves ids and the brief', () => {
      const r = resolveStartRequest({ cast: ['oskar', 'mara'], brief: 'harbour' }, library);
      assert.ok(r.ok);
      assert.deepEqual(r.request.cast.map((c) => c.id), ['oskar', 'mara']);
      assert.equal(r.request.brief?.title, 'Harbour deal');
      const noBrief = resolveStartRequest({ cast: ['mara'] }, library);
      assert.ok(noBrief.ok && noBrief.request.brief === null);
    });

    it('names every unknown id and lists the known ones', () => {
      const r = resolveStartRequest({ cast: ['mara', 'nobody', 'ghost'] }, library);
      assert.ok(!r.ok);
      assert.match(r.message, /unknown characters "nobody", "ghost"; known: ilse, mara, oskar/);
    });

    it('rejects an unknown brief, duplicates, an empty cast and a wrong shape', () => {
      const brief = resolveStartRequest({ cast: ['mara'], brief: 'nope' }, library);
      assert.ok(!brief.ok && /unknown brief "nope"; known: harbour/.test(brief.message));
      const dup = resolveStartRequest({ cast: ['mara', 'mara'] }, library);
      assert.ok(!dup.ok && /twice/.test(dup.message));
      const empty = resolveStartRequest({ cast: [] }, library);
      assert.ok(!empty.ok && /at least one/.test(empty.message));
      const shape = resolveStartRequest(['mara'], library);
      assert.ok(!shape.ok && /dialogue\.startPanel arguments/.test(shape.message));
    });
  });

  describe('rosterView', () => {
    it('shows present members, pending changes, and the rest of the library', () => {
      const view = rosterView(
        { present: [mara, oskar], pending: [{ id: 'oskar', change: 'retire' }, { id: 'ilse', change: 'join' }] },
        libraryOf(mara, oskar, ilse, character('bea', 'Bea Holm')),
      );
      assert.deepEqual(view.cast.map((c) => [c.id, c.pending ?? null]), [['mara', null], ['oskar', 'retire'], ['ilse', 'join']]);
      assert.deepEqual(view.library.map((c) => c.id), ['bea']);
      for (const m of [...view.cast, ...view.library]) assert.ok(memberViewSchema.safeParse(m).success);
      assert.equal(view.cast[0]!.tagline, 'Harbour developer');
    });

    it('flags edited members only when the library has a different file version', () => {
      const edited = { ...mara, sha256: 'c'.repeat(64) };
      const view = rosterView({ present: [mara, oskar], pending: [] }, libraryOf(edited, oskar));
      assert.equal(view.cast[0]!.edited, true);
      assert.equal(view.cast[1]!.edited, undefined);
      const gone = rosterView({ present: [mara], pending: [] }, libraryOf());
      assert.equal(gone.cast[0]!.edited, undefined, 'a deleted file is not an edit');
    });

    it('keeps glyphs within the protocol limit', () => {
      assert.equal(memberView({ ...mara, glyph: 'TOO' }).glyph, 'M');
      assert.equal(memberView({ ...mara, glyph: '' }).glyph, 'M');
      assert.equal(memberView({ ...mara, glyph: 'Mv' }).glyph, 'Mv');
    });

    it('builds a replay roster from the log participants still present at the end', () => {
      const view = replayRoster([
        { id: 'human', name: 'Human', kind: 'human' },
        { id: 'mara', name: 'Mara Voss', kind: 'character', glyph: 'M', color: '#c0563f', joined_turn: 0, left_turn: null },
        { id: 'oskar', name: 'Oskar Lind', kind: 'character', joined_turn: 0, left_turn: 2 },
        { id: 'ilse', name: 'Ilse Brandt', kind: 'character', joined_turn: 3 },
      ]);
      assert.deepEqual(view.cast.map((c) => c.id), ['mara', 'ilse']);
      assert.deepEqual(view.library, []);
      for (const m of view.cast) assert.ok(memberViewSchema.safeParse(m).success);
    });
  });
});
