import { createHash, randomBytes } from 'node:crypto';

function format(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A UUID derived from a string (SHA-256, version 8 layout): the same idempotency key always names the same
 * pg-boss job, so sending it twice cannot make two.
 *
 * @example
 * ```ts
 * uuidOf('evt_1:notify:0') === uuidOf('evt_1:notify:0'); // true
 * ```
 */
export function uuidOf(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return format(`${h.slice(0, 12)}8${h.slice(13, 16)}${variant}${h.slice(17, 32)}`);
}

let counter = randomBytes(4).readUInt32BE(0);

/**
 * A UUID that sorts after every one this process made before (time, then a counter, version 7 layout).
 * pg-boss breaks `created_on` ties between jobs of one insert by id, so ordered ids keep a batch's order.
 *
 * @example
 * ```ts
 * orderedUuid() < orderedUuid(); // true
 * ```
 */
export function orderedUuid(): string {
  counter = (counter + 1) % 0x1_0000_0000_00;
  const time = Date.now().toString(16).padStart(12, '0');
  const c = counter.toString(16).padStart(10, '0');
  const rand = randomBytes(4).toString('hex');
  return format(`${time}7${c.slice(0, 3)}8${c.slice(3)}${rand}`);
}
