import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadLibrary, type Library } from '../../../src/engine/cast/characters';
import type { PanelSessionOptions } from '../../../src/engine/session/panelSession';
import { startStandIn, type StandIn, type StandInOptions } from '../../standIn/messagesStandIn';

/** A fresh Messages stand-in and sessions folder per test, and the sample library, for engine tests. */
export interface PanelRig {
  readonly lib: Library;
  readonly api: StandIn;
  readonly sessionsDir: string;
  /** Session options for the sample cast (mara, oskar, ilse) and brief, pointed at this test's stand-in. */
  options(over?: Partial<PanelSessionOptions>): PanelSessionOptions;
  /** Replace the stand-in (e.g. one that checks the key); later `options()` point at the new one. */
  restartApi(o: StandInOptions): Promise<void>;
}

export const TEST_KEY = 'sk-test-not-a-real-key-0123456789';

/** Registers mocha hooks in the calling `describe`; read the rig's fields inside tests only. */
export function usePanelRig(tmpPrefix: string): PanelRig {
  let lib: Library | undefined;
  let api: StandIn | undefined;
  let sessionsDir = '';
  before(async () => {
    lib = await loadLibrary(path.join(__dirname, '..', '..', '..', 'characters'));
  });
  beforeEach(async () => {
    api = await startStandIn();
    sessionsDir = await fs.mkdtemp(path.join(os.tmpdir(), tmpPrefix));
  });
  afterEach(async () => {
    await api?.close();
    await fs.rm(sessionsDir, { recursive: true, force: true });
  });
  return {
    get lib() {
      return lib!;
    },
    get api() {
      return api!;
    },
    get sessionsDir() {
      return sessionsDir;
    },
    options: (over = {}) => ({
      library: lib!,
      cast: ['mara', 'oskar', 'ilse'],
      brief: lib!.briefs.get('harbour-deal')!,
      model: 'claude-sonnet-4-6',
      maxTokens: 1024,
      cacheTtl: '5m',
      deliberationDepth: 'full',
      sessionsDir,
      apiKey: TEST_KEY,
      baseURL: api!.url,
      ...over,
    }),
    restartApi: async (o) => {
      await api?.close();
      api = await startStandIn(o);
    },
  };
}
