import { createHash } from 'node:crypto';
import type { CacheControl, MessagesRequestBody } from './requestBody.js';

/** The stand-in's deterministic tokenizer: one token per started 4 bytes of UTF-8. */
export function countTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}

/**
 * Token usage as the stand-in reports it. Must hold:
 * input_tokens + cache_creation_input_tokens + cache_read_input_tokens = the prompt's token count, and
 * cache_creation.ephemeral_5m_input_tokens + ephemeral_1h_input_tokens = cache_creation_input_tokens.
 */
export interface StandInUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
}

/** One block of the prompt in API order, with what the cache needs to know about the prefix it ends. */
export interface PromptBlock {
  /** Hash of the model and every block up to and including this one, cache_control markers left out. */
  prefixKey: string;
  /** Tokens of the prefix ending with this block. */
  prefixTokens: number;
  /** Set when the block carries a cache_control marker. */
  breakpointTtl?: '5m' | '1h';
}

/** The outcome of pricing one request against the cache: its usage, or the message of a 400. */
export type CacheAccounting = { ok: true; usage: StandInUsage; promptTokens: number } | { ok: false; message: string };

/** The documented limits: breakpoints per request, and how far back a breakpoint looks for a hit. */
export const MAX_BREAKPOINTS = 4;
export const LOOKBACK_BLOCKS = 20;

const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;

/**
 * Lays the request out as the API documents the cached prompt: tools, then system blocks, then each
 * message's content blocks. There is no per-message overhead, so a prompt's token count is exactly
 * the sum of countTokens over its blocks (text for text blocks, the JSON for anything else).
 */
export function flattenPrompt(body: MessagesRequestBody): PromptBlock[] {
  const blocks: PromptBlock[] = [];
  let key = createHash('sha256').update(`model:${body.model}`).digest('hex');
  let tokens = 0;
  const push = (place: string, block: { type?: string; text?: string; cache_control?: CacheControl | null }) => {
    const { cache_control, ...content } = block;
    // Role and position go into the key so the same words said by the other side are another prefix.
    key = createHash('sha256').update(key).update(JSON.stringify([place, content])).digest('hex');
    tokens += content.type === 'text' && typeof content.text === 'string' ? countTokens(content.text) : countTokens(JSON.stringify(content));
    blocks.push({ prefixKey: key, prefixTokens: tokens, ...(cache_control ? { breakpointTtl: cache_control.ttl ?? '5m' } : {}) });
  };
  for (const tool of body.tools ?? []) push('tools', tool);
  if (typeof body.system === 'string') push('system', { type: 'text', text: body.system });
  else for (const block of body.system ?? []) push('system', block);
  for (const [i, message] of body.messages.entries()) {
    const place = `${i}:${message.role}`;
    // A string content and a one-text-block array are the same prompt, so they share cache entries.
    if (typeof message.content === 'string') push(place, { type: 'text', text: message.content });
    else for (const block of message.content) push(place, block);
  }
  return blocks;
}

/** An in-memory prompt cache with the API's read, write and expiry rules, on an injectable clock. */
export class PromptCache {
  private readonly entries = new Map<string, { expiresAt: number; ttlMs: number }>();

  constructor(
    private readonly minCacheableTokens: number,
    private readonly now: () => number,
  ) {}

  reset(): void {
    this.entries.clear();
  }

  /** Prices one request, reading and writing the cache as the real service would at message_start. */
  account(body: MessagesRequestBody): CacheAccounting {
    const blocks = flattenPrompt(body);
    const breakpoints = breakpointsOf(blocks);
    const invalid = checkBreakpoints(blocks, breakpoints);
    if (invalid) return { ok: false, message: invalid };

    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    const cacheable = (i: number) => (blocks[i]?.prefixTokens ?? 0) >= this.minCacheableTokens;

    let readAt = -1;
    for (const bp of breakpoints) {
      for (let j = bp; j >= Math.max(0, bp - LOOKBACK_BLOCKS) && j > readAt; j--) {
        if (cacheable(j) && this.entries.has(blocks[j]!.prefixKey)) {
          readAt = j;
          break;
        }
      }
    }
    if (readAt >= 0) {
      const hit = this.entries.get(blocks[readAt]!.prefixKey)!;
      hit.expiresAt = now + hit.ttlMs;
    }

    const read = readAt >= 0 ? blocks[readAt]!.prefixTokens : 0;
    const creation = { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 };
    let covered = read;
    for (const bp of breakpoints) {
      if (!cacheable(bp)) continue;
      const block = blocks[bp]!;
      const ttl = block.breakpointTtl!;
      if (block.prefixTokens > covered) {
        creation[ttl === '1h' ? 'ephemeral_1h_input_tokens' : 'ephemeral_5m_input_tokens'] += block.prefixTokens - covered;
        covered = block.prefixTokens;
      }
      if (!this.entries.has(block.prefixKey)) this.entries.set(block.prefixKey, { expiresAt: now + TTL_MS[ttl], ttlMs: TTL_MS[ttl] });
    }

    const promptTokens = blocks.at(-1)?.prefixTokens ?? 0;
    return {
      ok: true,
      promptTokens,
      usage: {
        input_tokens: promptTokens - covered,
        cache_creation_input_tokens: creation.ephemeral_5m_input_tokens + creation.ephemeral_1h_input_tokens,
        cache_read_input_tokens: read,
        cache_creation: creation,
        output_tokens: 0,
      },
    };
  }
}

function breakpointsOf(blocks: PromptBlock[]): number[] {
  return blocks.flatMap((b, i) => (b.breakpointTtl ? [i] : []));
}

/** The 400 message for a request whose cache_control markers the API refuses, else undefined. */
export function breakpointProblem(body: MessagesRequestBody): string | undefined {
  const blocks = flattenPrompt(body);
  return checkBreakpoints(blocks, breakpointsOf(blocks));
}

function checkBreakpoints(blocks: PromptBlock[], breakpoints: number[]): string | undefined {
  if (breakpoints.length > MAX_BREAKPOINTS) {
    return `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints.length}.`;
  }
  // The API refuses a longer TTL after a shorter one: the 1h entries must form the front of the prompt.
  const first5m = breakpoints.findIndex((i) => blocks[i]!.breakpointTtl === '5m');
  if (first5m >= 0 && breakpoints.slice(first5m).some((i) => blocks[i]!.breakpointTtl === '1h')) {
    return "A cache_control block with ttl='1h' must not come after one with ttl='5m'.";
  }
  return undefined;
}
