/**
 * A deep copy of `value` for a reader who may change it; where no clone can copy it (a host put a function in
 * a context or a job's params), a copy of its top level.
 *
 * @example
 * ```ts
 * const mine = cloneOrCopy({ a: { b: 1 } }); // a deep copy
 * cloneOrCopy({ f: () => 1 }); // { f } — its top level
 * ```
 */
export function cloneOrCopy<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    return (Array.isArray(value) ? [...value] : { ...value }) as T;
  }
}
