/** One inner answer of a $batch response. Binary bodies (a photo's $value) arrive base64-encoded. */
export interface InnerResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  /** parsed JSON; a long string body (base64 bytes) stays a LiftedBody, decoded only when asked */
  body?: unknown;
}

/**
 * A long string body left as the answer's raw bytes: a batch of twenty photos is most of a
 * megabyte of base64, which as a JS string would be decoded from UTF-8, copied by JSON.parse and
 * then decoded again; here only each photo's own characters are read, once, when accepted.
 */
export class LiftedBody {
  constructor(
    private readonly bytes: Buffer,
    private readonly start: number,
    private readonly end: number,
  ) {}

  /** characters in the JSON string as sent (escapes counted as written) */
  get length(): number {
    return this.end - this.start;
  }

  private get escaped(): boolean {
    const slash = this.bytes.indexOf(BACKSLASH, this.start);
    return slash >= 0 && slash < this.end;
  }

  /** the string's value */
  text(): string {
    const raw = this.bytes.toString('utf8', this.start, this.end);
    return this.escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
  }

  /** the bytes a base64 string value stands for */
  base64Bytes(): Buffer {
    // base64 is ASCII: unless escaped, the raw bytes are the value's characters
    const chars = this.escaped ? this.text() : this.bytes.toString('latin1', this.start, this.end);
    return Buffer.from(chars, 'base64');
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** String bodies longer than this are lifted; shorter ones are parsed as usual. */
const LIFT_AT = 1024;
/** Depth of an inner answer's members: {"responses":[{"body": …}]}. */
const INNER_DEPTH = 3;
/** Marks a lifted body in the text handed to JSON.parse (a NUL no Graph string body starts with). */
const MARK = '\u0000lifted:';
const BODY_KEY = Buffer.from('"body"');

/**
 * Parses a $batch answer from its bytes. The structure is found with indexOf over quotes (a
 * string's contents are skipped in one native search, escaped quotes checked), and every long
 * string that is an inner answer's `body` is cut out of the text JSON.parse sees (LiftedBody).
 * UTF-8 never uses the bytes of `"` or `\` inside a multi-byte character, so byte offsets are safe.
 */
export function parseBatchAnswer(bytes: Buffer): { responses: InnerResponse[] } {
  const parts: string[] = [];
  const lifted: LiftedBody[] = [];
  let depth = 0;
  let pos = 0;
  let copied = 0;
  for (;;) {
    const open = bytes.indexOf(QUOTE, pos);
    const gapEnd = open < 0 ? bytes.length : open;
    for (let i = pos; i < gapEnd; i++) {
      const c = bytes[i];
      if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) depth--;
    }
    if (open < 0) break;
    let close = open + 1;
    for (;;) {
      close = bytes.indexOf(QUOTE, close);
      if (close < 0) throw new SyntaxError('Unterminated string in a $batch answer');
      let k = close - 1;
      while (bytes[k] === BACKSLASH) k--;
      if ((close - 1 - k) % 2 === 0) break;
      close++;
    }
    if (depth === INNER_DEPTH && close - open > LIFT_AT && isBodyValue(bytes, open)) {
      parts.push(bytes.toString('utf8', copied, open), JSON.stringify(`${MARK}${lifted.length}`));
      lifted.push(new LiftedBody(bytes, open + 1, close));
      copied = close + 1;
    }
    pos = close + 1;
  }
  parts.push(bytes.toString('utf8', copied, bytes.length));
  const answer = JSON.parse(parts.join('')) as { responses?: InnerResponse[] };
  if (lifted.length)
    for (const inner of answer.responses ?? []) {
      if (typeof inner?.body === 'string' && inner.body.startsWith(MARK))
        inner.body = lifted[Number(inner.body.slice(MARK.length))];
    }
  return { responses: answer.responses ?? [] };
}

/** Whether the string opening at `open` follows `"body":` (whitespace allowed around the colon). */
function isBodyValue(bytes: Buffer, open: number): boolean {
  let i = open - 1;
  while (i >= 0 && isSpace(bytes[i]!)) i--;
  if (bytes[i] !== 0x3a) return false;
  i--;
  while (i >= 0 && isSpace(bytes[i]!)) i--;
  const start = i - BODY_KEY.length + 1;
  return start >= 0 && bytes.compare(BODY_KEY, 0, BODY_KEY.length, start, i + 1) === 0;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
