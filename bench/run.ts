/**
 * `pnpm bench [name…]`: runs the named benchmarks (all by default) in one process and prints their figures.
 * Figures go in docs/benchmarks.md; benchmarks are never tests.
 */
const suites: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  core: () => import('./core.js'),
  rules: () => import('./rules.js'),
  webhook: () => import('./webhook.js'),
  polling: () => import('./polling.js'),
  postgres: () => import('./postgres.js'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(suites);
console.log(`Policyflow benchmarks — node ${process.version}, ${new Date().toISOString()}`);
for (const name of names) {
  const load = suites[name];
  if (!load) {
    console.error(`unknown benchmark '${name}' (have: ${Object.keys(suites).join(', ')})`);
    process.exitCode = 1;
    continue;
  }
  try {
    const mod = await load();
    await mod.run();
  } catch (error) {
    console.error(`benchmark '${name}' failed:`, error);
    process.exitCode = 2;
  }
}
