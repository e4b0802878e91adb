import { describe, expect, it } from 'vitest';
import { schemaRef, validate } from './support/graph-schema';

describe('the validator used against the published Graph description', () => {
  it('when a user object has wrong types or a bad date, then it reports each problem', () => {
    const errors = validate(schemaRef('microsoft.graph.user'), {
      id: 42,
      accountEnabled: 'yes',
      businessPhones: 'not a list',
      createdDateTime: 'yesterday',
      onPremisesExtensionAttributes: { extensionAttribute3: 7 },
      displayName: null,
    });
    expect(errors).toEqual([
      '$.id: expected string, got integer',
      '$.accountEnabled: expected boolean, got string',
      '$.businessPhones: expected array, got string',
      expect.stringContaining('$.createdDateTime: "yesterday" does not match'),
      '$.onPremisesExtensionAttributes.extensionAttribute3: expected string, got integer',
    ]);
  });

  it('when an ODataError lacks code or message, then it is rejected', () => {
    expect(
      validate(schemaRef('microsoft.graph.ODataErrors.ODataError'), { error: { message: 'x' } }),
    ).toEqual(['$.error: missing required code']);
    expect(validate(schemaRef('microsoft.graph.ODataErrors.ODataError'), {})).toEqual([
      '$: missing required error',
    ]);
  });
});
