import type { Severity } from '../../domain/complaint';

/** How many hours the desk promises, per severity, for a first response and for a resolution. */
export interface SlaPolicy {
  readonly firstResponseHours: Readonly<Record<Severity, number>>;
  readonly resolutionHours: Readonly<Record<Severity, number>>;
}

/**
 * The promise of DOMAIN.md "Respond within the promise": first response within 24 hours and a
 * solution within 72; urgent complaints at once (first response due the moment they are
 * recorded) and resolved within 24 hours.
 */
export const DEFAULT_SLA_POLICY: SlaPolicy = Object.freeze({
  firstResponseHours: Object.freeze({ normal: 24, serious: 24, urgent: 0 }),
  resolutionHours: Object.freeze({ normal: 72, serious: 72, urgent: 24 }),
});

/** When the first response and the resolution of a complaint are due. */
export interface Deadlines {
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Deadlines of a complaint of the given severity recorded at `createdAt`. Hours are elapsed
 * time (not business hours): complaints are taken 24/7. Throws RangeError on an invalid date
 * or a policy with negative or non-finite hours, so a bad policy fails loudly, not with NaN dates.
 */
export function computeDeadlines(
  severity: Severity,
  createdAt: Date,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
): Deadlines {
  const start = createdAt.getTime();
  if (Number.isNaN(start)) throw new RangeError('computeDeadlines: createdAt is an invalid date');
  const firstResponseHours = checkedHours(policy.firstResponseHours[severity], 'firstResponseHours', severity);
  const resolutionHours = checkedHours(policy.resolutionHours[severity], 'resolutionHours', severity);
  return {
    firstResponseDueAt: new Date(start + firstResponseHours * HOUR_MS),
    resolutionDueAt: new Date(start + resolutionHours * HOUR_MS),
  };
}

function checkedHours(hours: number, field: string, severity: Severity): number {
  if (!Number.isFinite(hours) || hours < 0) {
    throw new RangeError(`computeDeadlines: ${field}.${severity} must be a non-negative number of hours, got ${hours}`);
  }
  return hours;
}
