import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

// The production bundles stay small (issue 17): the webview under 150 KB (it validates host messages without
// zod), the extension well under its 1.1 MB of before (the SDK's Messages client only, no zod locales). A
// regression, e.g. a value import that drags zod or the whole SDK back in, fails here with the sizes.
const ROOT = path.join(__dirname, '..', '..', '..');
const KB = 1024;
// The extension grew from 563 to ~757 KB with experiments (yaml's document API), cards (fflate) and export;
// zod (~450 KB unminified of it) is most of what remains. The guard sits just above today's size.
// viewer.js (the panel's renderer plus the standalone pages' chrome) ships in the VSIX since the extension
// exports and publishes (~146 KB); it is inlined into every page written, so it is held like the webview.
const LIMITS_KB = { 'webview.js': 150, 'extension.js': 800, 'viewer.js': 155 };

describe('production bundles', function () {
  this.timeout(120_000);

  it(`webview.js < ${LIMITS_KB['webview.js']} KB, viewer.js < ${LIMITS_KB['viewer.js']} KB and extension.js < ${LIMITS_KB['extension.js']} KB, minified, no source maps`, async () => {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-bundle-size-'));
    try {
      await promisify(execFile)(process.execPath, ['esbuild.mjs', '--production', '--outdir', out], { cwd: ROOT });
      const files = (await fs.readdir(out)).sort();
      assert.deepEqual(files.filter((f) => f.endsWith('.map')), [], 'a production build writes no source maps');
      for (const [file, limit] of Object.entries(LIMITS_KB)) {
        const { size } = await fs.stat(path.join(out, file));
        assert.ok(size < limit * KB, `${file} is ${(size / KB).toFixed(1)} KB (limit ${limit} KB)`);
        // A source-map comment starts a line; the exporter's own pattern that strips one (viewerAssets.ts) is code.
        assert.doesNotMatch(await fs.readFile(path.join(out, file), 'utf8'), /^\/\/# sourceMappingURL=/m, `${file} points at a source map`);
      }
    } finally {
      await fs.rm(out, { recursive: true, force: true });
    }
  });
});
