import { COMPLAINT_STATUSES, complaintSchema, type Complaint, type ComplaintStatus } from '../../domain/complaint';
import { applyTransition, canTransition, COMPLAINT_TRANSITIONS, InvalidTransitionError } from './complaint-status';

/** The lifecycle written out independently of the table, as the brief states it. */
const ALLOWED: ReadonlyArray<readonly [ComplaintStatus, ComplaintStatus]> = [
  ['received', 'in_progress'],
  ['received', 'resolved'],
  ['in_progress', 'resolved'],
  ['resolved', 'closed'],
  ['resolved', 'reopened'],
  ['reopened', 'in_progress'],
  ['reopened', 'resolved'],
  ['closed', 'reopened'],
];

const GRID = COMPLAINT_STATUSES.flatMap((from) =>
  COMPLAINT_STATUSES.map((to) => ({
    from,
    to,
    allowed: ALLOWED.some(([f, t]) => f === from && t === to),
  })),
);

function complaintIn(status: ComplaintStatus): Complaint {
  return complaintSchema.parse({
    code: 'HL-7K3Q-9DXM',
    idempotencyKey: 'key-1',
    conversationId: 'conv-1',
    userId: 'user-1',
    channel: 'web',
    locale: 'zh-CN',
    description: '快递一直没到',
    orderRef: null,
    remedy: 'refund',
    contact: { kind: 'phone', value: '13800138000' },
    category: 'logistics',
    severity: 'normal',
    classificationReasons: ['category:logistics cue=没到'],
    status,
    createdAt: '2026-03-01T10:00:00.000Z',
    firstResponseDueAt: '2026-03-02T10:00:00.000Z',
    resolutionDueAt: '2026-03-04T10:00:00.000Z',
    history: [{ status, at: '2026-03-01T10:00:00.000Z' }],
  });
}

const AT = new Date('2026-03-01T12:30:00.000Z');

describe('COMPLAINT_TRANSITIONS', () => {
  it('has a row for every status and only known statuses as targets', () => {
    expect(Object.keys(COMPLAINT_TRANSITIONS).sort()).toEqual([...COMPLAINT_STATUSES].sort());
    for (const targets of Object.values(COMPLAINT_TRANSITIONS)) {
      for (const target of targets) expect(COMPLAINT_STATUSES).toContain(target);
    }
  });

  it('allows exactly the eight moves of the lifecycle', () => {
    const moves = COMPLAINT_STATUSES.flatMap((from) => COMPLAINT_TRANSITIONS[from].map((to) => [from, to]));
    expect(moves).toHaveLength(ALLOWED.length);
    expect(moves).toEqual(expect.arrayContaining(ALLOWED.map(([from, to]) => [from, to])));
  });

  it('is frozen', () => {
    expect(Object.isFrozen(COMPLAINT_TRANSITIONS)).toBe(true);
    for (const status of COMPLAINT_STATUSES) expect(Object.isFrozen(COMPLAINT_TRANSITIONS[status])).toBe(true);
  });

  it('covers the whole 5x5 grid in the tests below', () => {
    expect(GRID).toHaveLength(25);
    expect(GRID.filter((cell) => cell.allowed)).toHaveLength(8);
  });
});

describe.each(GRID)('$from -> $to (allowed: $allowed)', ({ from, to, allowed }) => {
  it(`canTransition says ${allowed}`, () => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  if (allowed) {
    it('applyTransition returns a new complaint with the status and one more history entry', () => {
      const before = complaintIn(from);
      const snapshot = structuredClone(before);
      const after = applyTransition(before, to, AT, 'note for the agent');
      expect(after.status).toBe(to);
      expect(after.history).toEqual([...snapshot.history, { status: to, at: '2026-03-01T12:30:00.000Z', note: 'note for the agent' }]);
      expect({ ...after, status: from, history: snapshot.history }).toEqual(snapshot);
      expect(before).toEqual(snapshot);
      expect(complaintSchema.safeParse(after).success).toBe(true);
    });
  } else {
    it('applyTransition throws InvalidTransitionError naming both statuses and changes nothing', () => {
      const before = complaintIn(from);
      const snapshot = structuredClone(before);
      let thrown: unknown;
      try {
        applyTransition(before, to, AT);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidTransitionError);
      expect(thrown).toMatchObject({
        name: 'InvalidTransitionError',
        from,
        to,
        message: `applyTransition: a complaint cannot move from ${from} to ${to}`,
      });
      expect(before).toEqual(snapshot);
    });
  }
});

describe('applyTransition', () => {
  it('leaves the note out of the history entry when none is given', () => {
    const after = applyTransition(complaintIn('received'), 'in_progress', AT);
    expect(after.history.at(-1)).toStrictEqual({ status: 'in_progress', at: '2026-03-01T12:30:00.000Z' });
  });

  it('follows a full reopen cycle and keeps the whole history in order', () => {
    const steps: ComplaintStatus[] = ['in_progress', 'resolved', 'reopened', 'resolved', 'closed', 'reopened'];
    let complaint = complaintIn('received');
    steps.forEach((status, i) => {
      complaint = applyTransition(complaint, status, new Date(AT.getTime() + i * 60_000));
    });
    expect(complaint.status).toBe('reopened');
    expect(complaint.history.map((entry) => entry.status)).toEqual(['received', ...steps]);
    expect(complaint.history.at(-1)?.at).toBe('2026-03-01T12:35:00.000Z');
  });
});
