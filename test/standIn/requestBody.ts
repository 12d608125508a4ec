import { z } from 'zod';

// Only the parts of the Messages API request the stand-in reasons about are typed; every object is
// loose so fields it does not model (tools' schemas, metadata, thinking ...) pass through untouched.

const cacheControlSchema = z.object({
  type: z.literal('ephemeral'),
  ttl: z.enum(['5m', '1h']).optional(),
});

const contentBlockSchema = z
  .looseObject({
    type: z.string(),
    text: z.string().optional(),
    cache_control: cacheControlSchema.nullish(),
  })
  .refine((b) => b.type !== 'text' || typeof b.text === 'string', { message: 'text block needs a string `text`' });

const messageSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlockSchema)]),
});

const toolSchema = z.looseObject({
  name: z.string(),
  cache_control: cacheControlSchema.nullish(),
});

export const messagesRequestBodySchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(messageSchema).min(1),
  system: z.union([z.string(), z.array(contentBlockSchema)]).optional(),
  tools: z.array(toolSchema).optional(),
  stream: z.boolean().optional(),
  stop_sequences: z.array(z.string()).optional(),
});

// count_tokens takes the same body without max_tokens.
const countTokensBodySchema = messagesRequestBodySchema.extend({ max_tokens: z.number().int().positive().default(1) });

/** A `cache_control` marker as the API accepts it; an absent ttl means 5 minutes. */
export type CacheControl = z.infer<typeof cacheControlSchema>;
/** One content block of `system` or of a message; a `type: 'text'` block always has `text`. */
export type RequestContentBlock = z.infer<typeof contentBlockSchema>;
/** One entry of `messages`; a string `content` stands for a single text block. */
export type RequestMessage = z.infer<typeof messageSchema>;
/** A POST /v1/messages body that passed the stand-in's validation (so `messages` is non-empty). */
export type MessagesRequestBody = z.infer<typeof messagesRequestBodySchema>;

/** The outcome of reading a request body: the typed body, or the message a 400 carries. */
export type ParsedRequestBody = { ok: true; body: MessagesRequestBody } | { ok: false; message: string };

/**
 * Parses and validates a raw request body the way the real endpoint would reject it: bad JSON,
 * missing required fields, empty text blocks (which the API refuses) and a first message that is
 * not from the user all become `invalid_request_error` messages.
 */
export function parseRequestBody(raw: string, endpoint: 'messages' | 'count_tokens' = 'messages'): ParsedRequestBody {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, message: 'There was an error parsing the body of your request as JSON.' };
  }
  const parsed = (endpoint === 'messages' ? messagesRequestBodySchema : countTokensBodySchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '';
    return { ok: false, message: `${where}: ${issue?.message ?? 'invalid request'}` };
  }
  const body = parsed.data;
  if (body.messages[0]?.role !== 'user') {
    return { ok: false, message: 'messages: first message must use the "user" role' };
  }
  const emptyAt = findEmptyTextBlock(body);
  if (emptyAt) return { ok: false, message: `${emptyAt}: text content blocks must be non-empty` };
  return { ok: true, body };
}

function findEmptyTextBlock(body: MessagesRequestBody): string | undefined {
  if (Array.isArray(body.system)) {
    const i = body.system.findIndex(isEmptyText);
    if (i >= 0) return `system.${i}`;
  }
  for (const [m, message] of body.messages.entries()) {
    if (typeof message.content === 'string') {
      if (message.content === '') return `messages.${m}.content`;
      continue;
    }
    const i = message.content.findIndex(isEmptyText);
    if (i >= 0) return `messages.${m}.content.${i}`;
  }
  return undefined;
}

function isEmptyText(block: RequestContentBlock): boolean {
  return block.type === 'text' && block.text === '';
}

/** The text of a message: a string content as is, else its text blocks joined by newlines. */
export function messageText(message: RequestMessage): string {
  if (typeof message.content === 'string') return message.content;
  return message.content
    .filter((b) => b.type === 'text')
    .map((b) => b.text ?? '')
    .join('\n');
}

/** The text of the system prompt, blocks joined by newlines ('' when there is none). */
export function systemText(body: MessagesRequestBody): string {
  if (body.system === undefined) return '';
  if (typeof body.system === 'string') return body.system;
  return body.system.map((b) => b.text ?? '').join('\n');
}
