/**
 * Where a command reads and writes. `main` takes one so tests can run commands in-process and read what
 * they printed; `nodeIo()` is the real terminal.
 *
 * @example
 * ```ts
 * const out: string[] = [];
 * const code = await main(['graph', 'ten99policy/policy'], { ...nodeIo(), stdout: (s) => out.push(s) });
 * ```
 */
export interface CliIo {
  /** Writes to standard output (the text carries its own newlines). */
  stdout(text: string): void;
  /** Writes to standard error: progress, warnings, errors. */
  stderr(text: string): void;
  /** Reads all of standard input (for `replay -`). */
  readStdin(): Promise<string>;
  /** True when stderr is a terminal, so progress bars may redraw a line. */
  readonly interactive: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths in arguments resolve against this folder. */
  readonly cwd: string;
  /** Long-running commands (`serve`, `poll`) stop when this aborts; `bin.ts` aborts it on SIGTERM/SIGINT. */
  readonly signal?: AbortSignal;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The process's own streams, environment and folder.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), nodeIo());
 * ```
 */
export function nodeIo(signal?: AbortSignal): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: () => readAll(process.stdin),
    interactive: process.stderr.isTTY === true,
    env: process.env,
    // Not INIT_CWD: npm and pnpm set it for every script, so a user's `cd sub && policyflow …` would resolve
    // against the folder pnpm ran in. This repository's `pnpm policyflow` moves there itself (scripts/repo-bin.ts).
    cwd: process.cwd(),
    ...(signal ? { signal } : {}),
  };
}
