import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LiftedBody, parseBatchAnswer } from '../../graph/batch-answer';

const bytesOf = (value: unknown, space?: number) => Buffer.from(JSON.stringify(value, null, space));

describe('parseBatchAnswer', () => {
  it('leaves long base64 bodies as raw bytes and parses everything else as JSON.parse would', () => {
    const photo = randomBytes(30_000);
    const answer = {
      responses: [
        {
          id: '0',
          status: 200,
          headers: { 'Content-Type': 'image/jpeg', ETag: 'W/"é1"' },
          body: photo.toString('base64'),
        },
        {
          id: '1',
          status: 404,
          headers: {},
          body: { error: { code: 'ImageNotFound', message: 'The photo wasn’t found.' } },
        },
        { id: '2', status: 200, headers: {}, body: 'c2hvcnQ=' },
        {
          id: '3',
          status: 200,
          body: { displayName: 'Zoë "Q" Ångström', body: 'x'.repeat(5000), tags: ['{', ']'] },
        },
      ],
    };
    for (const space of [undefined, 2]) {
      const parsed = parseBatchAnswer(bytesOf(answer, space));
      const [first, ...rest] = parsed.responses;
      expect(first!.body).toBeInstanceOf(LiftedBody);
      expect((first!.body as LiftedBody).base64Bytes().equals(photo)).toBe(true);
      expect((first!.body as LiftedBody).length).toBe(photo.toString('base64').length);
      expect({ ...first, body: undefined }).toEqual({ ...answer.responses[0], body: undefined });
      // an object body (even one with a long "body" of its own) and short strings are parsed as usual
      expect(rest).toEqual(answer.responses.slice(1));
    }
  });

  it('decodes a lifted body that was written with escapes', () => {
    const photo = randomBytes(3_000);
    const escaped = JSON.stringify(photo.toString('base64')).replaceAll('/', '\\/');
    const text = `{"responses":[{"id":"0","status":200,"body":${escaped}}]}`;
    const body = parseBatchAnswer(Buffer.from(text)).responses[0]!.body as LiftedBody;
    expect(body.base64Bytes().equals(photo)).toBe(true);
    expect(body.text()).toBe(photo.toString('base64'));
  });

  it('keeps escaped quotes and backslashes inside a long string body', () => {
    const value = `${'a'.repeat(2000)}\\"}]{["quoted" \\ end`;
    const parsed = parseBatchAnswer(bytesOf({ responses: [{ id: '0', status: 500, body: value }] }));
    expect((parsed.responses[0]!.body as LiftedBody).text()).toBe(value);
  });

  it('refuses an answer that is not JSON', () => {
    expect(() => parseBatchAnswer(Buffer.from('{"responses":[{"id":"0","body":"unterminated'))).toThrow(
      SyntaxError,
    );
    expect(() => parseBatchAnswer(Buffer.from('<html>busy</html>'))).toThrow(SyntaxError);
  });
});
