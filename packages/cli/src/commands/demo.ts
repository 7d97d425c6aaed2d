import { booleanOption, noPositionals, parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { replayFixtures } from '../demo/fixtures.js';

const usage = `Usage: policyflow demo [--memory] [--fixtures]

The main job, end to end, with nothing to set up: a fake Kota and 1099Policy on a free loopback port send
signed webhooks (one duplicated, one pair out of order, one lost) to a policyflow server on an embedded
PGlite store in a temporary folder; pollers recover the lost event; sample rules fire actions, one of which
fails once and is retried. Ends with every resource's state and the actions fired.

  --memory     use the in-memory store instead of PGlite
  --fixtures   instead, replay the bundled provider fixtures and print the states they lead to
`;

/**
 * `policyflow demo`: the main job on the embedded default.
 *
 * @example
 * ```ts
 * await demoCommand.run([], io);
 * ```
 */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'the main job end to end: fake providers → webhooks + polling → states, rules, actions',
  usage,
  async run(argv, io) {
    const args = parseCommandArgs('demo', argv, {
      memory: { type: 'boolean' },
      fixtures: { type: 'boolean' },
    });
    if (args.values.help) {
      io.stdout(usage);
      return 0;
    }
    noPositionals(
      args,
      'demo',
      'its options are flags: `policyflow demo --memory` or `policyflow demo --fixtures`',
    );
    if (booleanOption(args, 'fixtures')) return replayFixtures(io);
    // Loaded here: the story's fake providers (fast-check) and PGlite would slow every other command's start.
    const { runStory } = await import('../demo/story-run.js');
    return runStory(io, { memory: booleanOption(args, 'memory') });
  },
};
