import type { Character } from '../cast/characters';
import { streamCall, type CallResult, type ModelClient, type RetryNotice } from '../model/modelCall';
import { buildRequest, carryOverRequestText, type CacheTtl, type PromptContext } from '../prompt/promptLayout';

/** What a carry-over call produced: the text that opens the next session's context, and the call itself. */
export interface CarryOverSummary {
  summary: string;
  call: CallResult;
}

/**
 * Ask the model, over the live context (so the whole history is a cache read), for a summary the panel can
 * continue from. The reply is kept as text: it is reformatted into one block, never interpreted as HTML.
 */
export async function writeCarryOverSummary(
  client: ModelClient,
  context: Readonly<PromptContext>,
  present: readonly Character[],
  o: { model: string; maxTokens: number; ttl: CacheTtl; apiKey: string; signal: AbortSignal; onRetry?: (n: RetryNotice) => void },
): Promise<CarryOverSummary> {
  const request = buildRequest(
    { system: context.system, messages: [...context.messages, { role: 'user', content: [carryOverRequestText(present)] }] },
    { model: o.model, maxTokens: o.maxTokens, ttl: o.ttl },
  );
  const call = await streamCall(client, request, { signal: o.signal, onText: () => undefined, onRetry: (n) => o.onRetry?.(n) }, o.apiKey);
  return { summary: tidySummary(call.text, present), call };
}

/** Keeps the summary and each member's stance; anything outside the tags is dropped as scaffolding. */
export function tidySummary(text: string, present: readonly Character[]): string {
  const summary = /<summary>([\s\S]*?)(?:<\/summary>|$)/i.exec(text)?.[1]?.trim();
  const parts: string[] = [summary && summary.length > 0 ? summary : text.replace(/<[^>]*>/g, '').trim()];
  for (const c of present) {
    const m = new RegExp(`<member\\s+id=["']?${c.id}["']?\\s*>([\\s\\S]*?)(?:</member>|$)`, 'i').exec(text);
    const stance = m?.[1]?.trim();
    if (stance) parts.push(`${c.name} (${c.id}), in their own words: ${stance}`);
  }
  return parts.filter((p) => p.length > 0).join('\n\n');
}
