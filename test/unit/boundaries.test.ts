import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

// The three rooms and their one shared wall, enforced: a stray import fails here with a message saying
// what to do instead, rather than surfacing as a broken CLI or a webview that cannot load.
const SRC = path.join(__dirname, '..', '..', 'src');

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(p)));
    else if (/\.ts$/.test(e.name)) out.push(p);
  }
  return out;
}

function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

describe('folder boundaries', () => {
  it('src/engine never imports vscode (it runs in plain Node: CLI, tests)', async () => {
    for (const file of await sources(path.join(SRC, 'engine'))) {
      const bad = importsOf(await fs.readFile(file, 'utf8')).filter((i) => i === 'vscode');
      assert.deepEqual(bad, [], `${path.relative(SRC, file)} imports vscode: move that code to src/extension`);
    }
  });

  it('src/webview imports only the protocol, zod and markdown-it (it runs in the browser)', async () => {
    for (const file of await sources(path.join(SRC, 'webview'))) {
      for (const i of importsOf(await fs.readFile(file, 'utf8'))) {
        const ok = i.startsWith('./') || i === '../protocol' || i === 'zod' || i.startsWith('zod/') || i === 'markdown-it' || i.startsWith('markdown-it/');
        assert.ok(ok, `${path.relative(SRC, file)} imports "${i}": the webview talks to the host only through src/protocol.ts`);
      }
    }
  });

  it('src/protocol.ts depends on nothing but zod and the session schema', async () => {
    const imports = importsOf(await fs.readFile(path.join(SRC, 'protocol.ts'), 'utf8'));
    assert.deepEqual(imports.filter((i) => i !== 'zod' && i !== './engine/sessionSchema'), []);
  });

  it('no source file grows past 600 lines', async () => {
    for (const file of await sources(SRC)) {
      const lines = (await fs.readFile(file, 'utf8')).split('\n').length;
      assert.ok(lines <= 600, `${path.relative(SRC, file)} has ${lines} lines: split it by concern`);
    }
  });
});
