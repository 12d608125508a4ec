import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { characterTemplate, loadLibrary, parseBriefFile, parseCharacterFile } from '../../../src/engine/cast/characters';

describe('characters', () => {
  it('loads the sample workspace: four characters and the brief, no problems', async () => {
    const lib = await loadLibrary(path.join(__dirname, '..', '..', '..', 'characters'));
    assert.deepEqual([...lib.characters.keys()].sort(), ['ilse', 'mara', 'oskar', 'tomas']);
    assert.deepEqual(lib.problems, []);
    const mara = lib.characters.get('mara')!;
    assert.equal(mara.name, 'Mara Voss');
    assert.equal(mara.glyph, 'M');
    assert.equal(mara.color, '#c0563f');
    assert.match(mara.sha256, /^[0-9a-f]{64}$/);
    assert.equal(lib.briefs.get('harbour-deal')!.title, 'The harbour deal');
  });

  it('a YAML alias bomb (or any front-matter fault) in one file is that file\'s problem, with its line; the others load', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-bomb-'));
    await fs.mkdir(path.join(dir, 'briefs'));
    const bomb = ['---', 'a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]', 'name: *e', '---', 'Profile.'].join('\n');
    await fs.writeFile(path.join(dir, 'bomb.md'), bomb);
    await fs.writeFile(path.join(dir, 'briefs', 'laughs.md'), bomb.replace('name: *e', 'title: *e'));
    await fs.writeFile(path.join(dir, 'fine.md'), '---\nname: Fine\n---\nA profile.');
    await fs.writeFile(path.join(dir, 'briefs', 'ok.md'), '# A brief\nText.');
    const started = Date.now();
    const lib = await loadLibrary(dir);
    assert.ok(Date.now() - started < 2000, 'refused fast');
    assert.deepEqual([...lib.characters.keys()], ['fine']);
    assert.deepEqual([...lib.briefs.keys()], ['ok']);
    const byFile = new Map(lib.problems.map((p) => [path.basename(p.file), p]));
    assert.match(byFile.get('bomb.md')!.message, /alias/i);
    assert.equal(byFile.get('bomb.md')!.line, 3, 'reported at the first alias');
    assert.match(byFile.get('laughs.md')!.message, /alias/i);
  });

  it('defaults glyph and colour', () => {
    const r = parseCharacterFile('/w/characters/zed.md', '---\nname: zed person\n---\nA profile.');
    assert.ok(r.ok);
    assert.equal(r.character.glyph, 'Z');
    assert.match(r.character.color, /^hsl\(/);
  });

  it('reports a YAML syntax error at its line', () => {
    const r = parseCharacterFile('/w/characters/bad.md', '---\nname: Bad\ncolor: [unclosed\n---\nProfile');
    assert.ok(!r.ok);
    assert.equal(r.problems[0]!.file, '/w/characters/bad.md');
    assert.ok(r.problems[0]!.line >= 3, `line ${r.problems[0]!.line}`);
  });

  it('reports a missing name and a bad glyph at the right lines', () => {
    const missing = parseCharacterFile('/w/characters/a.md', '---\ntagline: hi\n---\nProfile');
    assert.ok(!missing.ok);
    assert.match(missing.problems[0]!.message, /name/);
    const glyph = parseCharacterFile('/w/characters/a.md', '---\nname: A\nglyph: ABC\n---\nProfile');
    assert.ok(!glyph.ok);
    assert.equal(glyph.problems[0]!.line, 3);
    assert.match(glyph.problems[0]!.message, /glyph/);
  });

  it('rejects invalid ids, the reserved id, missing front matter and empty profiles', () => {
    assert.ok(!parseCharacterFile('/w/characters/Big Name.md', '---\nname: X\n---\nP').ok);
    assert.ok(!parseCharacterFile('/w/characters/human.md', '---\nname: X\n---\nP').ok);
    assert.ok(!parseCharacterFile('/w/characters/x.md', 'just text').ok);
    assert.ok(!parseCharacterFile('/w/characters/x.md', '---\nname: X\n---\n   ').ok);
  });

  it('keeps loading the rest when one file is broken', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'chars-'));
    await fs.writeFile(path.join(dir, 'good.md'), '---\nname: Good\n---\nFine.');
    await fs.writeFile(path.join(dir, 'broken.md'), '---\nname: [\n---\nx');
    const lib = await loadLibrary(dir);
    assert.deepEqual([...lib.characters.keys()], ['good']);
    assert.equal(lib.problems.length, 1);
    assert.equal(path.basename(lib.problems[0]!.file), 'broken.md');
  });

  it('briefs take the title from front matter, else the first heading, else the id', () => {
    assert.equal((parseBriefFile('/b/x.md', '---\ntitle: T\n---\nBody') as { brief: { title: string } }).brief.title, 'T');
    assert.equal((parseBriefFile('/b/x.md', '# Heading\nBody') as { brief: { title: string } }).brief.title, 'Heading');
    assert.equal((parseBriefFile('/b/x.md', 'Body') as { brief: { title: string } }).brief.title, 'x');
  });

  it('makes a template that parses', () => {
    const t = parseCharacterFile('/w/characters/new-one.md', characterTemplate('new-one', 'New One'));
    assert.ok(t.ok, JSON.stringify(t));
  });
});
