import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ViewerAssets } from './viewerPage';

/** The stylesheets a standalone page inlines, in cascade order (paths from the package root). */
const STYLES = [['media', 'panel.css'], ['media', 'viewer.css']] as const;
const SCRIPT = ['dist', 'viewer.js'] as const;

/**
 * The built renderer, read from the package root (`dist/viewer.js` and `media/*.css`, both shipped in the
 * package). The bundle's source-map comment is dropped: a page that stands alone has no map beside it.
 */
export async function loadViewerAssets(packageRoot: string): Promise<ViewerAssets> {
  const scriptFile = path.join(packageRoot, ...SCRIPT);
  let script: string;
  try {
    script = await fs.readFile(scriptFile, 'utf8');
  } catch (err) {
    throw new Error(`the viewer bundle ${scriptFile} is missing (run \`npm run build\`): ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const styles = await Promise.all(STYLES.map((p) => fs.readFile(path.join(packageRoot, ...p), 'utf8')));
  return viewerAssets(script, styles);
}

/** Assets from a bundle and stylesheets already in memory (the build's, or a test's fresh bundle). */
export function viewerAssets(bundle: string, styles: string[]): ViewerAssets {
  const script = bundle.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  const hash = createHash('sha256').update(script);
  for (const s of styles) hash.update('\0').update(s);
  return { script, styles, digest: hash.digest('hex') };
}

/** The stylesheets' paths, for callers that bundle the script themselves. */
export function viewerStyleFiles(packageRoot: string): string[] {
  return STYLES.map((p) => path.join(packageRoot, ...p));
}

/** The package root: the nearest folder above `from` whose package.json is this extension's. */
export async function findPackageRoot(from: string): Promise<string> {
  let dir = path.resolve(from);
  for (;;) {
    try {
      const pkg = JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'dialogue-panel') return dir;
    } catch {
      // not here: keep walking up
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the Dialogue Panel package above ${from}`);
    dir = up;
  }
}
