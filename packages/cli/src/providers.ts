import type { Catalog } from '@policyflow/core';
import * as core from '@policyflow/core';
import { UsageError } from './exit.js';

// The Kota catalog lands in parallel with the CLI; read it from the barrel when present so the CLI works
// (with 1099Policy only) before it does.
function kotaCatalog(): Catalog | undefined {
  const factory = (core as Record<string, unknown>).kota;
  return typeof factory === 'function' ? (factory as () => Catalog)() : undefined;
}

/**
 * The built-in provider catalogs the CLI loads: Kota and 1099Policy.
 *
 * @example
 * ```ts
 * const engine = createEngine({ providers: builtinCatalogs() });
 * ```
 */
export function builtinCatalogs(): Catalog[] {
  const kota = kotaCatalog();
  return kota ? [kota, core.ten99policy()] : [core.ten99policy()];
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
