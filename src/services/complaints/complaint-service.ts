import { z } from 'zod';
import {
  complaintSchema,
  type Complaint,
  type ComplaintCategory,
  type ComplaintStatus,
  type Contact,
  type Locale,
  type Remedy,
  type Severity,
} from '../../domain/complaint';
import { TrackingCodeTakenError, type ComplaintRepository } from '../../storage/store';
import type { Clock } from '../../util/clock';
import type { RandomSource } from '../../util/random';
import type { ComplaintClassifier } from './classifier';
import { applyTransition } from './complaint-status';
import { computeDeadlines, DEFAULT_SLA_POLICY, type SlaPolicy } from './sla';
import { findTrackingCode, generateTrackingCode } from './tracking-code';

/** What the customer told the intake dialog. */
export interface ComplaintDraft {
  description: string;
  orderRef: string | null;
  remedy: Remedy;
  contact: Contact;
  /** Evidence files the customer sent during the intake. */
  attachments?: string[];
}

/** Where the complaint came from; the idempotency key makes a retried confirmation harmless. */
export interface RecordContext {
  idempotencyKey: string;
  conversationId: string;
  userId: string;
  channel: string;
  locale: Locale;
}

/** Everything ComplaintService needs, injected by the composition root. */
export interface ComplaintServiceDeps {
  repository: ComplaintRepository;
  classifier: ComplaintClassifier;
  clock: Clock;
  random: RandomSource;
  sla?: SlaPolicy;
}

/**
 * Tracking codes drawn per complaint before giving up. With 2^40 codes a clash is already
 * rare; five in a row means the store or the random source is broken, not unlucky.
 */
export const MAX_TRACKING_CODE_ATTEMPTS = 5;

/** Thrown when a complaint built from a draft does not satisfy complaintSchema. */
export class InvalidComplaintError extends Error {
  constructor(
    readonly method: string,
    readonly issues: z.ZodError['issues'],
    cause: z.ZodError,
  ) {
    super(`ComplaintService.${method}: the complaint is invalid: ${z.prettifyError(cause)}`, { cause });
    this.name = 'InvalidComplaintError';
  }
}

/** Thrown when a status change names a tracking code that no complaint has. */
export class ComplaintNotFoundError extends Error {
  constructor(readonly code: string) {
    super(`ComplaintService.changeStatus: no complaint has tracking code ${code}`);
    this.name = 'ComplaintNotFoundError';
  }
}

/** Thrown when every drawn tracking code was taken. */
export class TrackingCodeExhaustedError extends Error {
  constructor(attempts: number, cause: TrackingCodeTakenError) {
    super(`ComplaintService.record: every one of ${attempts} drawn tracking codes was taken`, { cause });
    this.name = 'TrackingCodeExhaustedError';
  }
}

/** Records complaints, finds them by tracking code and moves them through their lifecycle. */
export class ComplaintService {
  private readonly repository: ComplaintRepository;
  private readonly classifier: ComplaintClassifier;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly sla: SlaPolicy;

  constructor(deps: ComplaintServiceDeps) {
    this.repository = deps.repository;
    this.classifier = deps.classifier;
    this.clock = deps.clock;
    this.random = deps.random;
    this.sla = deps.sla ?? DEFAULT_SLA_POLICY;
  }

  /**
   * How urgent a complaint told so far sounds, before it is recorded: lets the intake answer
   * a safety incident with more than routine sympathy.
   */
  previewSeverity(description: string, locale: Locale): Severity {
    return this.classifier.classify({ description, remedy: 'other', orderRef: null, locale }).severity;
  }

  /** The category a description would get, before anything is recorded (routes a handoff to the right skill). */
  previewCategory(description: string, locale: Locale): ComplaintCategory {
    return this.classifier.classify({ description, remedy: 'other', orderRef: null, locale }).category;
  }

  /**
   * Classifies the draft, gives it a tracking code and deadlines, and stores it as `received`.
   * Idempotent: a second call with the same idempotencyKey returns the complaint stored by the
   * first, unchanged. Throws InvalidComplaintError when the draft breaks complaintSchema and
   * TrackingCodeExhaustedError when MAX_TRACKING_CODE_ATTEMPTS codes in a row were taken.
   */
  async record(draft: ComplaintDraft, context: RecordContext): Promise<Complaint> {
    const createdAt = this.clock.now();
    const classification = this.classifier.classify({
      description: draft.description,
      remedy: draft.remedy,
      orderRef: draft.orderRef,
      locale: context.locale,
    });
    const deadlines = computeDeadlines(classification.severity, createdAt, this.sla);
    const createdAtIso = createdAt.toISOString();
    const fields = {
      idempotencyKey: context.idempotencyKey,
      conversationId: context.conversationId,
      userId: context.userId,
      channel: context.channel,
      locale: context.locale,
      description: draft.description,
      orderRef: draft.orderRef,
      remedy: draft.remedy,
      contact: draft.contact,
      category: classification.category,
      severity: classification.severity,
      classificationReasons: classification.reasons,
      status: 'received' as const,
      createdAt: createdAtIso,
      firstResponseDueAt: deadlines.firstResponseDueAt.toISOString(),
      resolutionDueAt: deadlines.resolutionDueAt.toISOString(),
      history: [{ status: 'received' as const, at: createdAtIso }],
      ...(draft.attachments && draft.attachments.length > 0 ? { attachments: draft.attachments } : {}),
    };

    for (let attempt = 1; ; attempt += 1) {
      const complaint = validate('record', { code: generateTrackingCode(this.random), ...fields });
      try {
        // On a repeated idempotency key the repository hands back the first complaint.
        return (await this.repository.create(complaint)).complaint;
      } catch (error) {
        if (!(error instanceof TrackingCodeTakenError)) throw error;
        if (attempt >= MAX_TRACKING_CODE_ATTEMPTS) throw new TrackingCodeExhaustedError(attempt, error);
      }
    }
  }

  /**
   * The complaint whose tracking code appears in `input` (lower case, spaces, full-width and
   * missing dashes are tolerated). Malformed input returns undefined without a store lookup.
   */
  async findByCode(input: string): Promise<Complaint | undefined> {
    const code = findTrackingCode(input);
    if (code === undefined) return undefined;
    return this.repository.findByCode(code);
  }

  /** The user's complaints, newest first, at most `limit` (a positive integer). */
  async listByUser(userId: string, limit = 10): Promise<Complaint[]> {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`ComplaintService.listByUser: limit must be a positive integer, got ${limit}`);
    }
    return this.repository.listByUser(userId, limit);
  }

  /**
   * Moves the complaint with tracking code `code` to status `to` now, recording the change in
   * its history. Throws ComplaintNotFoundError for an unknown or malformed code and
   * InvalidTransitionError when the status table does not allow the move.
   */
  async changeStatus(code: string, to: ComplaintStatus, note?: string): Promise<Complaint> {
    const normalised = findTrackingCode(code);
    const current = normalised === undefined ? undefined : await this.repository.findByCode(normalised);
    if (current === undefined) throw new ComplaintNotFoundError(code);
    const updated = validate('changeStatus', applyTransition(current, to, this.clock.now(), note));
    await this.repository.replace(updated);
    return updated;
  }
}

function validate(method: string, candidate: unknown): Complaint {
  const parsed = complaintSchema.safeParse(candidate);
  if (!parsed.success) throw new InvalidComplaintError(method, parsed.error.issues, parsed.error);
  return parsed.data;
}
