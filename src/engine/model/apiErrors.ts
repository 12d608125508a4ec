// The SDK's errors as the rest of the engine needs them (engine/model is the only room that imports the SDK):
// how long a rate limit or overload asks us to wait, and the abort error the SDK's own calls throw.
import { APIError, APIUserAbortError } from '@anthropic-ai/sdk/core/error';

/** The wait a response's headers ask for: retry-after-ms, else retry-after (seconds or an HTTP date). */
export function retryAfterHeader(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get?.('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms)) return Math.max(0, Math.round(ms));
  const v = headers?.get?.('retry-after');
  if (v == null) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, Math.round(secs * 1000));
  const date = Date.parse(v);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** For a 429 or 529: the wait it asks for (1 s when it names none); null for any other error. */
export function overloadWaitMs(err: unknown): number | null {
  if (!(err instanceof APIError) || (err.status !== 429 && err.status !== 529)) return null;
  return retryAfterHeader(err.headers) ?? 1000;
}

/** The error an aborted SDK call throws, so a wait cut short by the same signal reads exactly like one. */
export function userAbortError(): Error {
  return new APIUserAbortError();
}
