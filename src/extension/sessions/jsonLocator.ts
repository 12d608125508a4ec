/**
 * Finds where a JSON path like `events[12].speaker` sits in a JSON text, so an audit problem can point at
 * the right line of `event-log.json`. A position-tracking scan rather than JSON.parse, because parsed values
 * forget where they came from.
 */

/** 0-based position; `exact` is false when only an ancestor of the path was found. */
export interface JsonPosition {
  line: number;
  character: number;
  exact: boolean;
}

type Segment = string | number;

/** `events[12].speaker` -> ['events', 12, 'speaker']; `$` or '' -> []. Returns null for anything else. */
export function parseJsonPath(p: string): Segment[] | null {
  const segments: Segment[] = [];
  const re = /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let rest = p.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  re.lastIndex = 0;
  while (re.lastIndex < rest.length) {
    const at = re.lastIndex;
    const m = re.exec(rest);
    if (!m || m.index !== at) return null;
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push(JSON.parse(m[3]!) as string);
  }
  return segments;
}

class Scanner {
  constructor(readonly text: string) {}

  skipWs(i: number): number {
    while (i < this.text.length && ' \t\r\n'.includes(this.text[i]!)) i++;
    return i;
  }

  /** Index just past the string starting at `i` (which must be a quote). */
  stringEnd(i: number): number {
    for (let j = i + 1; j < this.text.length; j++) {
      const c = this.text[j];
      if (c === '\\') j++;
      else if (c === '"') return j + 1;
    }
    throw new Error('unterminated string');
  }

  /** Index just past the value starting at `i`. */
  valueEnd(i: number): number {
    const c = this.text[i];
    if (c === '"') return this.stringEnd(i);
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      let j = this.skipWs(i + 1);
      if (this.text[j] === close) return j + 1;
      for (;;) {
        if (c === '{') {
          j = this.skipWs(this.stringEnd(j));
          if (this.text[j] !== ':') throw new Error('expected :');
          j = this.skipWs(j + 1);
        }
        j = this.skipWs(this.valueEnd(j));
        if (this.text[j] === ',') j = this.skipWs(j + 1);
        else if (this.text[j] === close) return j + 1;
        else throw new Error('expected , or close');
      }
    }
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.text.slice(i, i + 64));
    if (!m) throw new Error('bad value');
    return i + m[0].length;
  }

  /** Start of the member (key offset and value offset) matching `seg` in the container at `i`, or null. */
  child(i: number, seg: Segment): { key: number; value: number } | null {
    const c = this.text[i];
    if (typeof seg === 'number' ? c !== '[' : c !== '{') return null;
    const close = c === '{' ? '}' : ']';
    let j = this.skipWs(i + 1);
    let index = 0;
    while (j < this.text.length && this.text[j] !== close) {
      const key = j;
      let name: string | null = null;
      if (c === '{') {
        const end = this.stringEnd(j);
        name = JSON.parse(this.text.slice(j, end)) as string;
        j = this.skipWs(this.skipWs(end) + 1);
      }
      if ((c === '{' && name === seg) || (c === '[' && index === seg)) return { key, value: j };
      j = this.skipWs(this.valueEnd(j));
      if (this.text[j] === ',') j = this.skipWs(j + 1);
      index++;
    }
    return null;
  }
}

function positionOf(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

/** Where `jsonPath` is in `text`; null when the text is not JSON or the path is not a JSON path. */
export function locateJsonPath(text: string, jsonPath: string): JsonPosition | null {
  const segments = parseJsonPath(jsonPath);
  if (!segments) return null;
  const scanner = new Scanner(text);
  try {
    let at = scanner.skipWs(text.charCodeAt(0) === 0xfeff ? 1 : 0);
    let keyAt = at;
    for (const seg of segments) {
      const found = scanner.child(at, seg);
      if (!found) return { ...positionOf(text, keyAt), exact: false };
      keyAt = found.key;
      at = found.value;
    }
    return { ...positionOf(text, keyAt), exact: true };
  } catch {
    return null;
  }
}
