/**
 * `pnpm policyflow …` and `pnpm demo` in this repository. pnpm runs a root script in the repository root, with
 * INIT_CWD set to the folder the user ran pnpm in; this moves there, then starts the CLI, which resolves
 * relative paths (`--config`, event files, `store.path`) against its working folder. The CLI itself never
 * reads INIT_CWD: npm and pnpm set it for every script, also for a user's own `cd sub && policyflow …`.
 * Not shipped: the installed command is `bin/policyflow.js`.
 */
const from = process.env.INIT_CWD;
if (from !== undefined && from !== '') process.chdir(from);
await import('../src/bin.js');
