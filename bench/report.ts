/** Times `fn` once over `count` items and formats a line with items/s and µs per item. */
export async function time(
  label: string,
  count: number,
  fn: () => unknown,
): Promise<{ perSecond: number; line: string }> {
  const start = process.hrtime.bigint();
  await fn();
  const ns = Number(process.hrtime.bigint() - start);
  const perSecond = count / (ns / 1e9);
  const us = ns / 1e3 / count;
  return {
    perSecond,
    line: `${label.padEnd(56)} ${Math.round(perSecond).toLocaleString('en-US').padStart(10)} events/s  ${us.toFixed(2)} µs/event`,
  };
}

/** Prints one benchmark's figures as a block. */
export function report(title: string, lines: ReadonlyArray<string>): void {
  console.log(`\n## ${title}`);
  for (const l of lines) console.log(`  ${l}`);
}
