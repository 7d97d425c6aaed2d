import { describe, expect, test } from 'vitest';
import { type CatalogInput, defineCatalog } from '../src/catalog.js';
import { claimMachine } from './helpers.js';

/** The error `defineCatalog(input)` throws, so that its code, message and path can all be checked. */
function rejection(input: CatalogInput): unknown {
  try {
    defineCatalog(input);
  } catch (error) {
    return error;
  }
  throw new Error('defineCatalog accepted the input');
}

const opened = { 'claim.opened': { lifecycle: 'claim', id: 'id' } };

describe('defineCatalog names', () => {
  test.each(['acme/eu', ''])('refuses provider name %j: resource keys split on "/"', (provider) => {
    expect(rejection({ provider, lifecycles: { claim: claimMachine }, events: opened })).toMatchObject({
      code: 'invalid_argument',
      path: ['provider'],
      message: expect.stringContaining(`provider name '${provider}'`),
    });
  });

  test.each(['claims/v2', ''])('refuses lifecycle name %j', (name) => {
    const events = { 'claim.opened': { lifecycle: name, id: 'id' } };
    expect(rejection({ provider: 'acme', lifecycles: { [name]: claimMachine }, events })).toMatchObject({
      code: 'invalid_argument',
      path: ['lifecycles', name],
      message: expect.stringContaining(`lifecycle name '${name}'`),
    });
  });
});
