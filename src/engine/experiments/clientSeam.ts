import type { ModelClient } from '../model/modelCall';

/**
 * The model-call seam of an experiment: the same client with `messages.stream` replaced, everything else passed
 * through. The session engine iterates whatever `stream` returns exactly as it iterates the SDK's MessageStream
 * (it only reads the events), so gating and batching need no change to the turn loop.
 */
export function withStream(client: ModelClient, stream: (...args: never[]) => AsyncIterable<unknown>): ModelClient {
  const messages = new Proxy(client.messages, { get: (t, k, r) => (k === 'stream' ? stream : Reflect.get(t, k, r)) });
  return new Proxy(client, { get: (t, k, r) => (k === 'messages' ? messages : Reflect.get(t, k, r)) });
}
