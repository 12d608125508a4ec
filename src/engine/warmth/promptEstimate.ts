import type { PromptContext } from '../prompt/promptLayout';

/** Bytes per token for estimates before a call (the API counts only after it); English prose is ~4. */
const BYTES_PER_TOKEN = 4;

/**
 * The prompt the next call will send, in tokens, estimated before sending it: the last call's exact count plus
 * the messages added since (O(new text)), or the whole context's bytes when there was no call yet. Good enough
 * for a warmth decision, which compares costs that differ by multiples.
 */
export function estimatePromptTokens(ctx: PromptContext, last: { promptTokens: number; messages: number } | null): number {
  const bytes = (texts: readonly string[]) => texts.reduce((n, t) => n + Buffer.byteLength(t, 'utf8'), 0);
  if (last && last.messages <= ctx.messages.length) {
    // The last call's prompt held the first `messages` messages; its reply and the new line come on top.
    return last.promptTokens + Math.ceil(bytes(ctx.messages.slice(last.messages).flatMap((m) => m.content)) / BYTES_PER_TOKEN);
  }
  return Math.ceil((bytes(ctx.system) + bytes(ctx.messages.flatMap((m) => m.content))) / BYTES_PER_TOKEN);
}
