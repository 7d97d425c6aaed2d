import { type Catalog, kota, ten99policy } from '@policyflow/core';
import { UsageError } from './exit.js';

/**
 * The built-in provider catalogs the CLI loads: Kota and 1099Policy.
 *
 * @example
 * ```ts
 * const engine = createEngine({ providers: builtinCatalogs() });
 * ```
 */
export function builtinCatalogs(): Catalog[] {
  return [kota(), ten99policy()];
}

/**
 * Checks a `--provider` value against the loaded catalogs.
 *
 * @example
 * ```ts
 * const provider = requireProvider(stringOption(args, 'provider'), catalogs);
 * ```
 */
export function requireProvider(value: string | undefined, catalogs: ReadonlyArray<Catalog>): string {
  const names = catalogs.map((c) => c.provider);
  if (value === undefined) {
    throw new UsageError(
      'missing --provider',
      `pass one of: ${names.map((n) => `--provider ${n}`).join(', ')}`,
    );
  }
  if (!names.includes(value)) {
    throw new UsageError(`unknown provider '${value}'`, `use one of: ${names.join(', ')}`);
  }
  return value;
}
