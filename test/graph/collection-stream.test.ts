import { describe, expect, it } from 'vitest';
import { readCollection, readLeadingControl } from '../../graph/collection-stream';

/** A response whose body arrives in two pieces; the second waits until `release()`. */
function pacedResponse(first: string, second: string) {
  const encoder = new TextEncoder();
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(first));
      await released;
      controller.enqueue(encoder.encode(second));
      controller.close();
    },
  });
  return { response: new Response(body), release };
}

describe('reading a Graph collection as it arrives', () => {
  it('when the next link precedes value, then it is handed over before the rest of the page has arrived', async () => {
    const link = 'https://graph.example/v1.0/groups/g/members?$skiptoken=abc';
    const { response, release } = pacedResponse(
      `{"@odata.context":"https://graph.example/v1.0/$metadata#users(id)","@odata.nextLink":"${link}","value":[{"id":"1"},`,
      '{"id":"2"}]}',
    );
    const heard: string[] = [];
    const page = readCollection<{ id: string }>(response, (l) => heard.push(l), 1_000_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(heard).toEqual([link]);
    release();
    const collection = await page;
    expect(collection.value.map((u) => u.id)).toEqual(['1', '2']);
    expect(collection['@odata.nextLink']).toBe(link);
  });

  it('when the next link comes after value, then nothing is handed over early and the whole body still parses', async () => {
    const body = '{"value":[{"id":"1"}],"@odata.nextLink":"https://graph.example/next"}';
    const heard: string[] = [];
    const collection = await readCollection(new Response(body), (l) => heard.push(l), 1_000_000);
    expect(heard).toEqual([]);
    expect(collection['@odata.nextLink']).toBe('https://graph.example/next');
  });

  it('reads the control information only when value is a top-level property that follows it', () => {
    expect(readLeadingControl('{"@odata.count":3,"@odata.nextLink":"x","value":[')).toEqual({
      '@odata.count': 3,
      '@odata.nextLink': 'x',
    });
    expect(readLeadingControl('{"value":[')).toEqual({});
    expect(readLeadingControl('{"@odata.context":"https://graph.example/$metad')).toBeUndefined();
    // a nested "value" first: what precedes it is not the top level, so only the whole body tells
    expect(readLeadingControl('{"x":{"value":1},"value":[')).toBeNull();
  });
});
