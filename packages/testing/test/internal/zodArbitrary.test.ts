import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { arbitraryOf, type SchemaLike } from '../../src/internal/zodArbitrary.js';

// zod's types describe `_zod.def` more precisely than the module's structural view of it.
const like = (schema: z.ZodType): SchemaLike => schema as unknown as SchemaLike;

const formats = {
  email: z.email(),
  url: z.url(),
  uuid: z.uuid(),
  datetime: z.iso.datetime(),
  date: z.iso.date(),
};

describe('arbitraryOf', () => {
  for (const [name, schema] of Object.entries(formats)) {
    fcTest.prop([arbitraryOf(like(schema))], { seed: 7, numRuns: 50 })(
      `generates ${name} strings the schema accepts`,
      (value) => {
        expect(typeof value).toBe('string');
        expect(schema.safeParse(value).success).toBe(true);
      },
    );
  }

  fcTest.prop([arbitraryOf(like(z.object({ site: z.url(), contact: z.email().optional() })))], { seed: 7 })(
    'generates objects whose formatted fields the schema accepts',
    (value) => {
      expect(z.object({ site: z.url(), contact: z.email().optional() }).safeParse(value).success).toBe(true);
    },
  );

  test('a format named after an Object.prototype member is not taken for one', () => {
    const schema = {
      _zod: { def: { type: 'string', format: 'constructor' } },
      safeParse: () => ({ success: true }),
    };
    const samples = fc.sample(arbitraryOf(schema as never), { seed: 7, numRuns: 20 });
    for (const s of samples) expect(typeof s).toBe('string');
  });
});
