import type { Complaint } from '../../src/domain/complaint';

/** A valid stored complaint for storage tests; override what a test is about. */
export function sampleComplaint(overrides: Partial<Complaint> = {}): Complaint {
  return {
    code: 'HL-7K3Q-9DXM',
    idempotencyKey: 'confirm-1',
    conversationId: 'conv-1',
    userId: 'user-1',
    channel: 'webchat',
    locale: 'en-US',
    description: 'The parcel arrived crushed.',
    orderRef: null,
    remedy: 'refund',
    contact: { kind: 'email', value: 'ann@example.com' },
    category: 'logistics',
    severity: 'normal',
    classificationReasons: [],
    status: 'received',
    createdAt: '2025-03-01T08:00:00.000Z',
    firstResponseDueAt: '2025-03-01T12:00:00.000Z',
    resolutionDueAt: '2025-03-04T08:00:00.000Z',
    history: [],
    ...overrides,
  };
}
