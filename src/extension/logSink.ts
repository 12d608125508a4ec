/**
 * Where host diagnostics go. VS Code's LogOutputChannel satisfies this interface structurally, so the
 * modules that log stay free of `vscode` and can be tested with an array-backed sink.
 */
export interface LogSink {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

// Anthropic keys look like `sk-ant-api03-...`; a stand-in or proxy key may look like anything, which is
// why the exact keys we know of are redacted too, not only this shape.
const KEY_SHAPED = /sk-ant-[A-Za-z0-9_-]{4,}/g;
const HEADER_SHAPED = /((?:x-api-key|authorization)["']?\s*[:=]\s*["']?(?:Bearer\s+)?)[^\s"',}]+/gi;
const REDACTED = '[redacted]';

/** Removes anything key-shaped, and every exact secret in `known`, from a log line. */
export function redactSecrets(text: string, known: Iterable<string> = []): string {
  let out = text;
  for (const secret of known) {
    // Short strings would redact ordinary words; real keys are long.
    if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out.replace(KEY_SHAPED, REDACTED).replace(HEADER_SHAPED, `$1${REDACTED}`);
}

/** A LogSink that redacts every line before it reaches `inner`; call `addSecret` for each key in use. */
export interface RedactingLog extends LogSink {
  addSecret(secret: string): void;
}

export function redactingLog(inner: LogSink): RedactingLog {
  const secrets = new Set<string>();
  const clean = (m: string | Error): string =>
    redactSecrets(m instanceof Error ? (m.stack ?? `${m.name}: ${m.message}`) : m, secrets);
  return {
    addSecret: (s) => {
      if (s) secrets.add(s);
    },
    trace: (m) => inner.trace(clean(m)),
    debug: (m) => inner.debug(clean(m)),
    info: (m) => inner.info(clean(m)),
    warn: (m) => inner.warn(clean(m)),
    error: (m) => inner.error(clean(m)),
  };
}

/** Describes an unknown thrown value for a log line or a message box. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}
