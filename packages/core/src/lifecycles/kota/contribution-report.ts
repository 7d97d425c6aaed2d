import { setup } from 'xstate';

/**
 * The Kota `contribution_report.*` event types, verbatim (Kota sends only one).
 *
 * @example
 * ```ts
 * const event: ContributionReportMachineEvent = { type: 'contribution_report.finalized' };
 * ```
 */
export type ContributionReportMachineEvent = { type: 'contribution_report.finalized' };

/**
 * A payroll contribution report for one period (`ctr_…`): `open → finalized`. A report is created `open`
 * for its period and collects contributions until Kota finalizes it.
 *
 * Terminal state: `finalized` (`final`): the report has `finalized_at` and Kota has no event that reopens one;
 * a correction belongs to a later report.
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(contributionReportMachine);
 * getNextSnapshot(contributionReportMachine, start, { type: 'contribution_report.finalized' }).value;
 * // 'finalized'
 * ```
 */
export const contributionReportMachine = setup({
  types: { events: {} as ContributionReportMachineEvent },
}).createMachine({
  id: 'contribution_report',
  description: 'Kota contribution report (ctr_…)',
  initial: 'open',
  states: {
    open: {
      description: 'The period is collecting contributions.',
      on: {
        'contribution_report.finalized': { target: 'finalized', description: 'The period was closed.' },
      },
    },
    finalized: {
      type: 'final',
      description: 'Terminal: closed; Kota has no event that reopens a report.',
    },
  },
});
