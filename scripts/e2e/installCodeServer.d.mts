/** Installs code-server into the cache folder outside the clone, or reuses a complete install; returns its folder. */
export function ensureCodeServer(options?: { force?: boolean }): Promise<unknown>;
export function resolveCacheDir(env?: NodeJS.ProcessEnv): string;
export function missingDebianPackages(purpose: string): string[];
export const CODE_SERVER_VERSION: string;
