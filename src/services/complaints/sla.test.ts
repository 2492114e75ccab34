import { SEVERITIES, type Severity } from '../../domain/complaint';
import { computeDeadlines, DEFAULT_SLA_POLICY, type SlaPolicy } from './sla';

const CREATED = new Date('2026-03-01T10:00:00.000Z');

describe('DEFAULT_SLA_POLICY', () => {
  it('promises 24 h / 72 h for normal and serious, at once / 24 h for urgent', () => {
    expect(DEFAULT_SLA_POLICY).toEqual({
      firstResponseHours: { normal: 24, serious: 24, urgent: 0 },
      resolutionHours: { normal: 72, serious: 72, urgent: 24 },
    });
  });

  it('cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_SLA_POLICY)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SLA_POLICY.firstResponseHours)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SLA_POLICY.resolutionHours)).toBe(true);
  });
});

describe('computeDeadlines', () => {
  it.each<[Severity, string, string]>([
    ['normal', '2026-03-02T10:00:00.000Z', '2026-03-04T10:00:00.000Z'],
    ['serious', '2026-03-02T10:00:00.000Z', '2026-03-04T10:00:00.000Z'],
    ['urgent', '2026-03-01T10:00:00.000Z', '2026-03-02T10:00:00.000Z'],
  ])('gives a %s complaint created 2026-03-01T10:00Z first response %s and resolution %s', (severity, first, resolution) => {
    const deadlines = computeDeadlines(severity, CREATED);
    expect(deadlines.firstResponseDueAt.toISOString()).toBe(first);
    expect(deadlines.resolutionDueAt.toISOString()).toBe(resolution);
  });

  it('counts elapsed hours across a month end and a leap day', () => {
    const deadlines = computeDeadlines('normal', new Date('2028-02-28T23:30:00.000Z'));
    expect(deadlines.firstResponseDueAt.toISOString()).toBe('2028-02-29T23:30:00.000Z');
    expect(deadlines.resolutionDueAt.toISOString()).toBe('2028-03-02T23:30:00.000Z');
  });

  it('keeps milliseconds of the creation time', () => {
    const deadlines = computeDeadlines('urgent', new Date('2026-03-01T10:00:00.123Z'));
    expect(deadlines.firstResponseDueAt.toISOString()).toBe('2026-03-01T10:00:00.123Z');
  });

  it('does not share or change the createdAt date', () => {
    const createdAt = new Date(CREATED);
    const deadlines = computeDeadlines('urgent', createdAt);
    expect(deadlines.firstResponseDueAt).not.toBe(createdAt);
    deadlines.firstResponseDueAt.setUTCFullYear(2000);
    expect(createdAt.toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });

  it('uses a custom policy, including fractional hours', () => {
    const policy: SlaPolicy = {
      firstResponseHours: { normal: 8, serious: 4, urgent: 0.5 },
      resolutionHours: { normal: 48, serious: 24, urgent: 2 },
    };
    const deadlines = SEVERITIES.map((severity) => computeDeadlines(severity, CREATED, policy));
    expect(deadlines.map((d) => [d.firstResponseDueAt.toISOString(), d.resolutionDueAt.toISOString()])).toEqual([
      ['2026-03-01T18:00:00.000Z', '2026-03-03T10:00:00.000Z'],
      ['2026-03-01T14:00:00.000Z', '2026-03-02T10:00:00.000Z'],
      ['2026-03-01T10:30:00.000Z', '2026-03-01T12:00:00.000Z'],
    ]);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects a policy with %p hours', (hours) => {
    const policy: SlaPolicy = {
      firstResponseHours: { ...DEFAULT_SLA_POLICY.firstResponseHours, serious: hours },
      resolutionHours: DEFAULT_SLA_POLICY.resolutionHours,
    };
    expect(() => computeDeadlines('serious', CREATED, policy)).toThrow(RangeError);
    expect(() => computeDeadlines('serious', CREATED, policy)).toThrow(/firstResponseHours\.serious/);
    // Other severities of the same policy are still fine.
    expect(computeDeadlines('normal', CREATED, policy).firstResponseDueAt.toISOString()).toBe('2026-03-02T10:00:00.000Z');
  });

  it('rejects an invalid creation date', () => {
    expect(() => computeDeadlines('normal', new Date('not a date'))).toThrow(/createdAt is an invalid date/);
  });
});
