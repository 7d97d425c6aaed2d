import { setup } from 'xstate';

/**
 * The 1099Policy `certificate.*` event types, verbatim.
 *
 * @example
 * ```ts
 * const event: CertificateMachineEvent = { type: 'certificate.flagged' };
 * ```
 */
export type CertificateMachineEvent =
  | { type: 'certificate.approved' }
  | { type: 'certificate.flagged' }
  | { type: 'certificate.denied' }
  | { type: 'certificate.error' };

type CertificateStatus = 'approved' | 'flagged' | 'denied' | 'error';

/** Every review outcome can follow any other, because a review can be re-run at any time. */
function reviewOutcomes(from: CertificateStatus | 'pending') {
  const again = (status: CertificateStatus) => (status === from ? ' again' : '');
  return {
    'certificate.approved': {
      target: 'approved',
      description: `The COI review approved the certificate${again('approved')}.`,
    },
    'certificate.flagged': {
      target: 'flagged',
      description: `The COI review flagged the certificate for a closer look${again('flagged')}.`,
    },
    'certificate.denied': {
      target: 'denied',
      description: `The COI review denied the certificate${again('denied')}.`,
    },
    'certificate.error': {
      target: 'error',
      description: `Processing the certificate failed${again('error')}; the review can be re-run.`,
    },
  } as const;
}

/**
 * A certificate of insurance uploaded for compliance review (`cert_…`). Its status is the outcome of the last
 * review: `approved`, `flagged`, `denied`, or `error` (processing failed; reported only by the guide).
 *
 * `pending` is not a provider status: it names the certificate between upload and its first review outcome,
 * which no event reports. Every outcome is reachable from every state (self-loops included), because reviews are
 * re-run: an error is retried, a flagged certificate is settled by a person, and an approved one can be
 * re-reviewed when requirements change.
 *
 * Terminal states: none. Even `denied` can be re-reviewed; a final state would turn a legitimate re-run into a
 * violation.
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(certificateMachine);
 * getNextSnapshot(certificateMachine, start, { type: 'certificate.flagged' }).value; // 'flagged'
 * ```
 */
export const certificateMachine = setup({
  types: { events: {} as CertificateMachineEvent },
}).createMachine({
  id: 'certificate',
  description: '1099Policy certificate of insurance under compliance review (cert_…)',
  initial: 'pending',
  states: {
    pending: {
      description: 'Uploaded; no review outcome yet (not a provider status).',
      on: reviewOutcomes('pending'),
    },
    approved: { description: 'The certificate meets the requirements.', on: reviewOutcomes('approved') },
    flagged: { description: 'The review needs a person to decide.', on: reviewOutcomes('flagged') },
    denied: { description: 'The certificate does not meet the requirements.', on: reviewOutcomes('denied') },
    error: { description: 'The certificate could not be processed.', on: reviewOutcomes('error') },
  },
});
