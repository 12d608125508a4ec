/** Why a card could not be read or written; `code` is stable for the CLI, the extension and tests. */
export class CardError extends Error {
  constructor(
    readonly code: 'not-a-card' | 'corrupt' | 'bad-json' | 'bad-base64' | 'invalid' | 'no-name' | 'too-large' | 'exists' | 'unknown-character' | 'bad-input',
    message: string,
  ) {
    super(message);
    this.name = 'CardError';
  }
}
