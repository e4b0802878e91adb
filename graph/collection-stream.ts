import { limitExceeded } from './limits';

/** A collection response as Graph sends it: control information, then `value`. */
export interface Collection<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

/** Bytes read before giving up on finding the control information ahead of `value`. */
const PREFIX_LIMIT = 64 * 1024;

/**
 * The control information before the top-level `value` property, once `text` (the start of a
 * collection body) reaches it: undefined while it may still come, null when it cannot be read
 * there (then only the whole body tells).
 */
export function readLeadingControl(text: string): Record<string, unknown> | null | undefined {
  const at = text.indexOf('"value"');
  if (at < 0) return text.length > PREFIX_LIMIT ? null : undefined;
  // Everything before `"value"` is `{ "key": value, ... ,` when value is the next top-level property.
  const head = text.slice(0, at).trimEnd();
  const closed = head.endsWith(',') ? `${head.slice(0, -1)}}` : head === '{' ? '{}' : null;
  if (closed === null) return null;
  try {
    const parsed: unknown = JSON.parse(closed);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Reads a collection response to the end, telling `onNextLink` the next page's link as soon as it
 * has arrived. Graph writes `@odata.nextLink` ahead of `value` on directory listings, so the caller
 * can ask for the next page while this one (up to 999 users, most of a megabyte) is still being
 * received and parsed. A body that carries it only after `value` is parsed whole first, as before.
 */
export async function readCollection<T>(
  response: Response,
  onNextLink: (link: string) => void,
  maxBytes: number,
): Promise<Collection<T>> {
  if (!response.body) return (await response.json()) as Collection<T>;
  const tooBig = () => limitExceeded('maxPageBytes', `a Graph page is larger than ${maxBytes} bytes`);
  if (Number(response.headers.get('content-length')) > maxBytes) {
    await response.body.cancel().catch(() => undefined);
    throw tooBig();
  }
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let prefix = '';
  let looking = true;
  let bytes = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) break;
    bytes += chunk.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooBig();
    }
    const text = decoder.decode(chunk, { stream: true });
    parts.push(text);
    if (!looking) continue;
    prefix += text;
    const control = readLeadingControl(prefix);
    if (control === undefined) continue;
    looking = false;
    prefix = '';
    const link = control?.['@odata.nextLink'];
    if (typeof link === 'string') onNextLink(link);
  }
  parts.push(decoder.decode());
  return JSON.parse(parts.join('')) as Collection<T>;
}
