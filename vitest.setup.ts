import fc from 'fast-check';

// Every property in the workspace runs with one seed, so CI is reproducible. To replay a failure, copy the
// `seed` and `path` fast-check prints: FC_SEED=<seed> FC_PATH=<path> npx vitest run <file> -t '<test name>'.
const path = process.env.FC_PATH;
fc.configureGlobal({
  seed: Number(process.env.FC_SEED ?? 42),
  numRuns: Number(process.env.FC_NUM_RUNS ?? 100),
  ...(path === undefined || path === '' ? {} : { path, endOnFailure: true }),
});
