import type { Complaint, ComplaintStatus, StatusChange } from '../../domain/complaint';

/**
 * The complaint lifecycle as one table: from each status, the statuses it may move to.
 * A received complaint may be resolved at once (the bot answered it); a resolved one is
 * closed after follow-up or reopened when the customer is unhappy; a closed one can still be
 * reopened, because a customer who comes back must not be told to file again.
 */
export const COMPLAINT_TRANSITIONS: Readonly<Record<ComplaintStatus, readonly ComplaintStatus[]>> = Object.freeze({
  received: Object.freeze(['in_progress', 'resolved'] as const),
  in_progress: Object.freeze(['resolved'] as const),
  resolved: Object.freeze(['closed', 'reopened'] as const),
  reopened: Object.freeze(['in_progress', 'resolved'] as const),
  closed: Object.freeze(['reopened'] as const),
});

/** Whether the table allows moving a complaint from `from` to `to`. */
export function canTransition(from: ComplaintStatus, to: ComplaintStatus): boolean {
  return COMPLAINT_TRANSITIONS[from].includes(to);
}

/** Thrown when a status change is not in COMPLAINT_TRANSITIONS. */
export class InvalidTransitionError extends Error {
  constructor(
    readonly from: ComplaintStatus,
    readonly to: ComplaintStatus,
  ) {
    super(`applyTransition: a complaint cannot move from ${from} to ${to}`);
    this.name = 'InvalidTransitionError';
  }
}

/**
 * A copy of `complaint` moved to status `to` at `at`, with the change appended to its history
 * (the history is the audit trail, so nothing is overwritten). The input is left untouched.
 * Throws InvalidTransitionError when the table does not allow the move.
 */
export function applyTransition(complaint: Complaint, to: ComplaintStatus, at: Date, note?: string): Complaint {
  if (!canTransition(complaint.status, to)) throw new InvalidTransitionError(complaint.status, to);
  const change: StatusChange = { status: to, at: at.toISOString() };
  if (note !== undefined) change.note = note;
  return { ...complaint, status: to, history: [...complaint.history, change] };
}
