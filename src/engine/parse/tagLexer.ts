/**
 * The character-level half of the reply parser: splits a streamed reply into plain text and the four
 * wire-format tags (confer, line, speak, pass). It knows nothing about nesting or speakers; tagParser.ts
 * gives the tokens their meaning.
 *
 * Every decision depends only on the characters seen, never on where a chunk ended, so any chunking of
 * the same reply yields the same tokens (text may arrive in differently sized pieces).
 */

export type TagName = 'confer' | 'line' | 'speak' | 'pass';

/** One complete, readable wire tag. `raw` is exactly the source text of the tag. */
export interface TagToken {
  name: TagName;
  closing: boolean;
  /** `<pass .../>`; for an unquoted value a trailing `/` counts too (`who=ilse/>`). */
  selfClosing: boolean;
  /** The first `who` attribute's value as written; undefined when absent. */
  who: string | undefined;
  raw: string;
}

/** Receives tokens in source order. Concatenating every `text` and every token's `raw` gives the input back. */
export interface TagLexerSink {
  text(text: string): void;
  tag(tag: TagToken): void;
  /** Looked like one of our tags but could not be read; the caller decides what the text becomes. */
  malformed(raw: string): void;
}

/** Incremental lexer; `finish` returns the unfinished tag fragment held at the end ('' if none). */
export interface TagLexer {
  feed(chunk: string): void;
  finish(): string;
}

const TAG_NAMES: readonly TagName[] = ['confer', 'line', 'speak', 'pass'];
/** Real tags are ~20 characters; a longer run is a `<speak` that lost its `>`, and holding it would stall the stream. */
export const MAX_TAG_LENGTH = 256;

type State =
  | 'text' | 'open' | 'name' | 'attrs' | 'attr-name' | 'after-attr-name'
  | 'before-value' | 'quoted' | 'unquoted' | 'slash';

const isSpace = (c: string): boolean => c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f';
const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isNameChar = (c: string): boolean => isLetter(c) || (c >= '0' && c <= '9') || c === '-' || c === '_' || c === ':' || c === '.';
const isAttrNameChar = (c: string): boolean => !isSpace(c) && c !== '=' && c !== '>' && c !== '/' && c !== '<' && c !== '"' && c !== "'";

export function createTagLexer(sink: TagLexerSink): TagLexer {
  let state: State = 'text';
  let raw = '';
  let name = '';
  let closing = false;
  let selfClosing = false;
  let who: string | undefined;
  let attrName = '';
  let value = '';
  let quote = '';

  const reset = (): void => {
    state = 'text';
    raw = name = attrName = value = quote = '';
    closing = selfClosing = false;
    who = undefined;
  };
  const setAttr = (): void => {
    if (attrName === 'who' && who === undefined) who = value;
    attrName = value = '';
  };
  const complete = (): void => {
    const token: TagToken = { name: name as TagName, closing, selfClosing, who, raw };
    reset();
    sink.tag(token);
  };
  const notATag = (): void => {
    const text = raw;
    reset();
    sink.text(text);
  };
  const malformed = (): void => {
    const text = raw;
    reset();
    sink.malformed(text);
  };

  /** Advances the tag state by one character; returns false when `c` must be re-read as text. */
  const step = (c: string): boolean => {
    switch (state) {
      case 'open':
        if (c === '/' && !closing) { closing = true; raw += c; return true; }
        if (!isLetter(c)) { notATag(); return false; }
        state = 'name';
        return step(c);
      case 'name':
        if (isNameChar(c)) {
          name += c.toLowerCase();
          raw += c;
          if (!TAG_NAMES.some((t) => t.startsWith(name))) notATag();
          return true;
        }
        if (!(TAG_NAMES as readonly string[]).includes(name) || !(isSpace(c) || c === '>' || c === '/')) {
          notATag();
          return false;
        }
        state = 'attrs';
        return step(c);
      case 'attrs':
        if (c === '<') { malformed(); return false; }
        raw += c;
        if (c === '>') complete();
        else if (c === '/') state = 'slash';
        else if (isAttrNameChar(c)) { attrName = c.toLowerCase(); state = 'attr-name'; }
        // anything else (a stray `=` or quote) is skipped: the tag is still worth reading
        return true;
      case 'attr-name':
        if (c === '<') { malformed(); return false; }
        raw += c;
        if (isAttrNameChar(c)) attrName += c.toLowerCase();
        else if (isSpace(c)) state = 'after-attr-name';
        else if (c === '=') state = 'before-value';
        else if (c === '>') { setAttr(); complete(); }
        else if (c === '/') { setAttr(); state = 'slash'; }
        return true;
      case 'after-attr-name':
        if (isSpace(c)) { raw += c; return true; }
        if (c === '=') { raw += c; state = 'before-value'; return true; }
        setAttr();
        state = 'attrs';
        return step(c);
      case 'before-value':
        if (c === '<') { malformed(); return false; }
        raw += c;
        if (c === '"' || c === "'") { quote = c; state = 'quoted'; }
        else if (c === '>') { setAttr(); complete(); }
        else if (!isSpace(c)) { value = c; state = 'unquoted'; }
        return true;
      case 'quoted':
        if (c === '<') { malformed(); return false; }
        raw += c;
        if (c === quote) { setAttr(); state = 'attrs'; } else value += c;
        return true;
      case 'unquoted':
        if (c === '<') { malformed(); return false; }
        raw += c;
        if (isSpace(c)) { setAttr(); state = 'attrs'; }
        else if (c === '>') {
          if (value.endsWith('/')) { selfClosing = true; value = value.slice(0, -1); }
          setAttr();
          complete();
        } else value += c;
        return true;
      case 'slash':
        if (isSpace(c)) { raw += c; return true; }
        if (c === '>') { raw += c; selfClosing = true; complete(); return true; }
        state = 'attrs'; // `<pass / who=x>`: the slash meant nothing
        return step(c);
      case 'text':
        return false;
    }
  };

  return {
    feed(chunk) {
      let i = 0;
      while (i < chunk.length) {
        if (state === 'text') {
          // Plain text is handed on in one slice per run, so long speeches cost one indexOf, not a loop per character.
          const lt = chunk.indexOf('<', i);
          const end = lt === -1 ? chunk.length : lt;
          if (end > i) sink.text(chunk.slice(i, end));
          if (lt === -1) return;
          state = 'open';
          raw = '<';
          i = lt + 1;
          continue;
        }
        if (step(chunk[i]!)) i++;
        if (raw.length > MAX_TAG_LENGTH) malformed(); // raw is '' whenever no tag is pending
      }
    },
    finish() {
      const fragment = state === 'text' ? '' : raw;
      reset();
      return fragment;
    },
  };
}
