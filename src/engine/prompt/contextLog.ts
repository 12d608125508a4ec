import * as fs from 'node:fs';
import { z } from 'zod';
import type { ContextMessage, PromptContext } from './promptLayout';
import { TurnLedger } from './turnLedger';

/**
 * The model context on disk, as an append-only log of the operations that built it (`context.jsonl`): the
 * system blocks first, then one line per message pushed, cut, turn opened, reply kept, or turn superseded.
 * Appending costs O(delta) per turn, where rewriting a snapshot would cost O(context) every turn; replaying
 * the lines gives back the context byte-for-byte, so a continued session reads its old prefix from cache.
 */
const messageSchema = z.object({ role: z.enum(['user', 'assistant']), content: z.array(z.string()).min(1) });
const lineSchema = z.union([
  z.object({ system: z.array(z.string()).min(1) }),
  z.object({ m: messageSchema }),
  z.object({ cut: z.number().int().nonnegative() }),
  z.object({ open: z.object({ turn: z.number().int().positive(), userIndex: z.number().int().nonnegative(), root: z.number().int().positive() }) }),
  z.object({ reply: z.object({ turn: z.number().int().positive(), text: z.string() }) }),
  z.object({ supersede: z.array(z.number().int().positive()) }),
  z.object({ restore: z.number().int().positive() }),
]);
type ContextLine = z.infer<typeof lineSchema>;

export class ContextLogError extends Error {}

export class ContextLog {
  readonly context: PromptContext;
  readonly ledger: TurnLedger;

  /** Bytes known to be whole lines on disk: a failed write is cut back to here. */
  private size: number;

  private constructor(private readonly fd: number, system: string[], size: number) {
    this.context = { system, messages: [] };
    this.ledger = new TurnLedger();
    this.size = size;
  }

  static create(file: string, system: string[]): ContextLog {
    const log = new ContextLog(fs.openSync(file, 'ax'), system, 0); // O_APPEND: after a cut-back, writes land at the new end
    log.write({ system });
    return log;
  }

  /** Replays an existing log and opens it for appending; a torn last line (a crash mid-write) is dropped. */
  static open(file: string): ContextLog {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ContextLogError(`${file} is missing: it is needed to continue the session byte-for-byte`);
      throw err;
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const parsed: ContextLine[] = [];
    let torn = false;
    lines.forEach((raw, i) => {
      let line: ContextLine | undefined;
      try {
        const r = lineSchema.safeParse(JSON.parse(raw));
        if (r.success) line = r.data;
      } catch {
        line = undefined;
      }
      if (line) parsed.push(line);
      else if (i < lines.length - 1) throw new ContextLogError(`${file}:${i + 1}: not a context line; the file is damaged`);
      else torn = true;
    });
    const head = parsed[0];
    if (!head || !('system' in head)) throw new ContextLogError(`${file}: the first line must hold the system blocks`);
    // Cut a torn last line away so appends continue a well-formed file.
    if (torn) fs.truncateSync(file, Buffer.byteLength(lines.slice(0, -1).map((l) => `${l}\n`).join(''), 'utf8'));
    const fd = fs.openSync(file, 'a');
    const log = new ContextLog(fd, head.system, fs.fstatSync(fd).size);
    if (!torn && !text.endsWith('\n')) log.append('\n');
    for (const line of parsed.slice(1)) log.apply(line);
    return log;
  }

  push(m: ContextMessage): void {
    this.record({ m });
  }
  cut(length: number): void {
    this.record({ cut: length });
  }
  open(turn: number, userIndex: number, root = turn): void {
    this.record({ open: { turn, userIndex, root } });
  }
  reply(turn: number, text: string): void {
    this.record({ reply: { turn, text } });
  }
  supersede(turns: number[]): void {
    this.record({ supersede: turns });
  }
  restore(turn: number): void {
    this.record({ restore: turn });
  }

  /** Durable at a turn boundary, like the journal. */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => fs.fsync(this.fd, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  private record(line: ContextLine): void {
    this.write(line); // on disk first: a failed write throws before memory disagrees with the file
    this.apply(line);
  }

  private write(line: ContextLine): void {
    this.append(`${JSON.stringify(line)}\n`);
  }

  // As the journal does: writeSync may write part of the line (a full disk, a signal), so loop; on failure cut
  // the file back to its last whole line, so the context on disk never holds a torn line that later ones follow.
  private append(text: string): void {
    const buf = Buffer.from(text, 'utf8');
    try {
      for (let off = 0; off < buf.length; ) off += fs.writeSync(this.fd, buf, off, buf.length - off);
    } catch (err) {
      fs.ftruncateSync(this.fd, this.size);
      throw new ContextLogError(`context write failed (${(err as Error).message}); the file was cut back to its last whole line`, { cause: err });
    }
    this.size += buf.length;
  }

  private apply(line: ContextLine): void {
    if ('m' in line) this.context.messages.push(line.m);
    else if ('cut' in line) this.context.messages.length = Math.min(line.cut, this.context.messages.length);
    else if ('open' in line) this.ledger.open(line.open.turn, line.open.userIndex, line.open.root);
    else if ('reply' in line) this.ledger.setReply(line.reply.turn, line.reply.text);
    else if ('supersede' in line) this.ledger.supersede(line.supersede);
    else if ('restore' in line) this.ledger.restore(line.restore);
  }
}
