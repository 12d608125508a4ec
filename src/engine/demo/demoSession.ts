import * as path from 'node:path';
import type { Library } from '../cast/characters';
import { DEMO_MODEL } from '../cost/modelTable';
import { makeClient } from '../model/modelCall';
import { PanelSession } from '../session/panelSession';
import type { ResumeOptions } from '../session/sessionOptions';
import { demoFetch, type DemoPacing } from './demoFetch';

/** The demo's cast and brief: the sample characters that ship with the extension (characters/). */
export const DEMO_CAST = ['mara', 'oskar', 'ilse'] as const;
export const DEMO_BRIEF = 'harbour-deal';

/** The folder demo sessions go to, inside the extension's own storage: never a workspace's sessions folder. */
export const DEMO_SESSIONS_FOLDER = 'demo-sessions';

export function demoSessionsDir(storageDir: string): string {
  return path.join(storageDir, DEMO_SESSIONS_FOLDER);
}

/** Whether `dir` (a session folder) is one of the demo's, i.e. directly inside `demoSessionsDir(storageDir)`. */
export function isDemoSessionDir(dir: string, storageDir: string): boolean {
  return path.dirname(path.resolve(dir)) === path.resolve(demoSessionsDir(storageDir));
}

/**
 * The options a demo session runs with: the demo model (priced at $0), the real SDK client whose `fetch` is the
 * in-process demo API, and `demo: true` for the log's conditions. No key is needed or sent anywhere.
 */
export function demoOptions(o: { library: Library; sessionsDir: string; pacing?: DemoPacing }): ResumeOptions {
  return {
    library: o.library,
    model: DEMO_MODEL,
    maxTokens: 4096,
    cacheTtl: '5m',
    deliberationDepth: 'full',
    sessionsDir: o.sessionsDir,
    apiKey: '',
    // The base URL is never dialled (the fetch answers); `.invalid` makes sure of it should that ever change.
    client: makeClient({ apiKey: 'demo', baseURL: 'https://demo.invalid', fetch: demoFetch(o.pacing) }),
    demo: true,
    budgetUsd: null,
    warmth: 'off',
  };
}

/** Starts a demo session: the demo cast (whoever of it the library holds) and brief, titled as a demo. */
export async function startDemoSession(o: { library: Library; sessionsDir: string; pacing?: DemoPacing }): Promise<PanelSession> {
  const present = DEMO_CAST.filter((id) => o.library.characters.has(id));
  const cast = present.length > 0 ? [...present] : [...o.library.characters.keys()].slice(0, 3);
  if (cast.length === 0) throw new Error('the demo cast is missing from this installation (characters/)');
  const brief = o.library.briefs.get(DEMO_BRIEF) ?? null;
  return PanelSession.start({
    ...demoOptions(o),
    cast,
    brief,
    title: `Demo: ${brief?.title ?? 'a sample panel'}`,
  });
}
