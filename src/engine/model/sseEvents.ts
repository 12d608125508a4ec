/**
 * The Messages API's streaming events (server-sent events), encoded as the API sends them. The built-in demo
 * (engine/demo) serves them to the real SDK in-process, and the test stand-in (test/standIn) over HTTP: one
 * encoder, so the demo streams exactly what the tested stand-in streams.
 */

/**
 * Usage as a stream reports it. Must hold: input + cache_creation + cache_read = the prompt's tokens, and the
 * 5m/1h split sums to cache_creation_input_tokens.
 */
export interface StreamUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
}

/** One SSE frame: `event:` and `data:` lines and the blank line that ends it. */
export function sseFrame(event: { type: string }): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The first event: the message with its prompt usage (from here on the request is billed). */
export function messageStartEvent(o: { id: string; model: string; usage: StreamUsage }): { type: 'message_start'; message: object } {
  return {
    type: 'message_start',
    message: {
      id: o.id,
      type: 'message',
      role: 'assistant',
      model: o.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...o.usage, cache_creation: { ...o.usage.cache_creation }, service_tier: 'standard' },
    },
  };
}

/** The one text block every reply streams into (index 0). */
export function textBlockStartEvent(): { type: 'content_block_start'; index: 0; content_block: object } {
  return { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } };
}

export function pingEvent(): { type: 'ping' } {
  return { type: 'ping' };
}

export function textDeltaEvent(text: string): { type: 'content_block_delta'; index: 0; delta: object } {
  return { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } };
}

export function textBlockStopEvent(): { type: 'content_block_stop'; index: 0 } {
  return { type: 'content_block_stop', index: 0 };
}

/** The final usage (cumulative) and why the message stopped. */
export function messageDeltaEvent(o: { stopReason: string; stopSequence?: string | null; stopDetails?: object | null; usage: StreamUsage }): { type: 'message_delta'; delta: object; usage: object } {
  return {
    type: 'message_delta',
    delta: { stop_reason: o.stopReason, stop_sequence: o.stopSequence ?? null, stop_details: o.stopDetails ?? null },
    usage: {
      input_tokens: o.usage.input_tokens,
      cache_creation_input_tokens: o.usage.cache_creation_input_tokens,
      cache_read_input_tokens: o.usage.cache_read_input_tokens,
      output_tokens: o.usage.output_tokens,
    },
  };
}

export function messageStopEvent(): { type: 'message_stop' } {
  return { type: 'message_stop' };
}

/** An error event mid-stream (the API sends it when it fails after the stream began). */
export function streamErrorEvent(type: string, message: string): { type: 'error'; error: object } {
  return { type: 'error', error: { type, message } };
}

/** Splits text into pieces of `size` code points (never halving a surrogate pair), as text deltas arrive. */
export function textPieces(text: string, size: number): string[] {
  const points = Array.from(text);
  const out: string[] = [];
  const step = Math.max(1, size);
  for (let i = 0; i < points.length; i += step) out.push(points.slice(i, i + step).join(''));
  return out;
}
