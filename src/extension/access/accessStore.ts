/**
 * Where the Anthropic key comes from. SecretStorage wins over the environment so that a researcher who set
 * a key in VS Code is never silently overridden by a stale shell variable. The key itself is never logged
 * or shown: callers get `describeKeySource` for messages instead.
 */

/** The secret's name in VS Code's SecretStorage (a contract: changing it loses every stored key). */
export const API_KEY_SECRET = 'dialogue.anthropicApiKey';
export const API_KEY_ENV = 'ANTHROPIC_API_KEY';

/** `vscode.SecretStorage` satisfies this. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

export type ApiKeySource = 'secret' | 'env';

/** A usable key and where it came from; `key` is non-empty and trimmed. */
export interface ResolvedApiKey {
  key: string;
  source: ApiKeySource;
}

export async function resolveApiKey(
  secrets: SecretStore,
  env: Record<string, string | undefined> = process.env,
): Promise<ResolvedApiKey | null> {
  const stored = (await secrets.get(API_KEY_SECRET))?.trim();
  if (stored) return { key: stored, source: 'secret' };
  const fromEnv = env[API_KEY_ENV]?.trim();
  return fromEnv ? { key: fromEnv, source: 'env' } : null;
}

/** For the password input box: an error message, or null when the value can be stored. */
export function validateApiKeyInput(value: string): string | null {
  const key = value.trim();
  if (!key) return 'Paste your Anthropic API key (it starts with sk-ant-).';
  if (/\s/.test(key)) return 'An API key has no spaces or line breaks.';
  if (key.length > 512) return 'That is too long to be an API key.';
  return null;
}

/** Stores a validated key; throws (without echoing the key) when it is not storable. */
export async function storeApiKey(secrets: SecretStore, value: string): Promise<string> {
  const problem = validateApiKeyInput(value);
  if (problem) throw new Error(problem);
  const key = value.trim();
  await secrets.store(API_KEY_SECRET, key);
  return key;
}

export async function clearApiKey(secrets: SecretStore): Promise<void> {
  await secrets.delete(API_KEY_SECRET);
}

/** A message-safe description: says where the key is, never what it is. */
export function describeKeySource(resolved: ResolvedApiKey | null): string {
  if (!resolved) return `no API key (set one with "Dialogue: Set API Key" or ${API_KEY_ENV})`;
  return resolved.source === 'secret' ? 'the API key stored in VS Code' : `the ${API_KEY_ENV} environment variable`;
}
