// The Message Batches endpoints (create, retrieve, results), called here because engine/model is the one room
// that talks to the Anthropic SDK; engine/experiments' batcher decides what to send and when.
import type { MessageBatchResult } from '@anthropic-ai/sdk/resources/messages/batches';
import type { Message, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages/messages';
import type { MegapromptRequest } from '../prompt/promptLayout';
import type { ModelClient } from './modelCall';

/** One item's outcome in a batch's results: succeeded (with its message), errored, canceled or expired. */
export type BatchItemResult = MessageBatchResult;
/** The message a succeeded batch item carries (the same shape a non-streamed call returns). */
export type BatchMessage = Message;

/** A batch as created or retrieved: its id, where processing stands, and how many items have settled. */
export interface BatchState {
  id: string;
  status: 'in_progress' | 'canceling' | 'ended';
  /** items that ended (succeeded, errored, expired or canceled) */
  settled: number;
}

function stateOf(b: { id: string; processing_status: BatchState['status']; request_counts: { succeeded: number; errored: number; expired: number; canceled: number } }): BatchState {
  const c = b.request_counts;
  return { id: b.id, status: b.processing_status, settled: c.succeeded + c.errored + c.expired + c.canceled };
}

/** Sends every request as one batch, each under its custom_id (unique within the batch). */
export async function createBatch(client: ModelClient, items: ReadonlyArray<{ customId: string; request: MegapromptRequest }>): Promise<BatchState> {
  const created = await client.messages.batches.create({
    requests: items.map((i) => ({ custom_id: i.customId, params: i.request as unknown as MessageCreateParamsNonStreaming })),
  });
  return stateOf(created);
}

/** Where a batch stands now (one GET). */
export async function retrieveBatch(client: ModelClient, id: string): Promise<BatchState> {
  return stateOf(await client.messages.batches.retrieve(id));
}

/** Every result line of an ended batch, in the order the API sent them (which is not the order of the requests). */
export async function batchResults(client: ModelClient, id: string): Promise<Array<{ customId: string; result: BatchItemResult }>> {
  const out: Array<{ customId: string; result: BatchItemResult }> = [];
  for await (const line of await client.messages.batches.results(id)) out.push({ customId: line.custom_id, result: line.result });
  return out;
}
