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

  it('src/webview imports only the protocol\'s types and markdown-it (it runs in the browser)', async () => {
    for (const file of await sources(path.join(SRC, 'webview'))) {
      const text = await fs.readFile(file, 'utf8');
      for (const i of importsOf(text)) {
        const ok = i.startsWith('./') || i === '../protocol' || i === 'markdown-it' || i.startsWith('markdown-it/');
        assert.ok(ok, `${path.relative(SRC, file)} imports "${i}": the webview talks to the host only through src/protocol.ts`);
      }
      // A value import of protocol.ts would bundle zod (~190 KB) into the webview; it validates host messages
      // with the schema generated from protocol.ts instead (hostMessages.ts).
      const valueImport = /(?:^|\n)\s*import\s+(?!type\b)[^'"]*from\s*['"]\.\.\/protocol['"]/.test(text);
      assert.ok(!valueImport, `${path.relative(SRC, file)} imports values from ../protocol: import types only (import type)`);
    }
  });

  it('src/protocol.ts depends on nothing but zod and the session schema', async () => {
    const imports = importsOf(await fs.readFile(path.join(SRC, 'protocol.ts'), 'utf8'));
    assert.deepEqual(imports.filter((i) => i !== 'zod' && i !== './engine/store/sessionSchema'), []);
  });

  it('no source file grows past ~300 lines (320 with slack): split it along its seams', async () => {
    for (const file of await sources(SRC)) {
      const lines = (await fs.readFile(file, 'utf8')).split('\n').length;
      assert.ok(lines <= 320, `${path.relative(SRC, file)} has ${lines} lines: split it by concern`);
    }
  });

  it('src/engine and src/extension keep at most 10 files at their top level (capabilities live in rooms)', async () => {
    for (const room of ['engine', 'extension']) {
      const top = (await fs.readdir(path.join(SRC, room), { withFileTypes: true })).filter((e) => e.isFile());
      assert.ok(top.length <= 10, `src/${room} has ${top.length} files at its top level: move them into the room of their capability`);
    }
  });

  it('only src/engine/model talks to the Anthropic SDK (not even its types elsewhere: model re-exports what others need)', async () => {
    const model = path.join(SRC, 'engine', 'model');
    for (const file of await sources(SRC)) {
      if (file.startsWith(model + path.sep)) continue;
      const sdk = importsOf(await fs.readFile(file, 'utf8')).filter((i) => i === '@anthropic-ai/sdk' || i.startsWith('@anthropic-ai/sdk/'));
      assert.deepEqual(sdk, [], `${path.relative(SRC, file)} imports the Anthropic SDK: put the call in src/engine/model (modelCall, batchCalls, apiErrors)`);
    }
  });

  it('each engine room imports only the rooms it is allowed to (see docs/architecture.md)', async () => {
    for (const room of (await fs.readdir(path.join(SRC, 'engine'), { withFileTypes: true })).filter((e) => e.isDirectory())) {
      const allowed = ENGINE_ROOMS[room.name];
      assert.ok(allowed, `src/engine/${room.name} is a new room: add it to ENGINE_ROOMS in this test with the rooms it may import`);
      for (const file of await sources(path.join(SRC, 'engine', room.name))) {
        for (const i of importsOf(await fs.readFile(file, 'utf8'))) {
          const m = /^\.\.\/([a-z]+)\//.exec(i);
          if (m && !allowed.includes(m[1]!)) assert.fail(`${path.relative(SRC, file)} imports "${i}": engine/${room.name} may import only ${allowed.join(', ') || 'nothing outside itself'}`);
        }
      }
    }
  });

  it('no import circles in src/', async () => {
    const files = await sources(SRC);
    const graph = new Map<string, string[]>();
    for (const f of files) {
      const deps: string[] = [];
      for (const i of importsOf(await fs.readFile(f, 'utf8'))) {
        if (!i.startsWith('.')) continue;
        const base = path.resolve(path.dirname(f), i).replace(/\.js$/, '');
        const hit = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => graph.has(c) || files.includes(c));
        if (hit) deps.push(hit);
      }
      graph.set(f, deps);
    }
    assert.deepEqual(findCycles(graph).map((c) => c.map((f) => path.relative(SRC, f))), [], 'these files import each other: move the shared types to the lower one or a small types file');
  });
});

/** The engine's rooms and what each may import (rooms, not files): the layering that keeps them untangled. */
const ENGINE_ROOMS: Record<string, string[]> = {
  parse: [],
  store: [],
  cast: ['store'],
  prompt: ['cast', 'store'],
  cost: ['cast', 'prompt'],
  model: ['cost', 'prompt'],
  session: ['cast', 'cost', 'model', 'parse', 'prompt', 'store', 'warmth'],
  warmth: ['cost', 'prompt', 'store'],
  experiments: ['cast', 'cost', 'model', 'prompt', 'session', 'store', 'warmth'],
  export: ['store'],
  cards: ['cast', 'store'],
  demo: ['cast', 'cost', 'model', 'prompt', 'session', 'store'],
};

/** Strongly connected components with more than one file (Tarjan). */
function findCycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}
