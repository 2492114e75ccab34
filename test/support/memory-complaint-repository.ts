import { complaintSchema, type Complaint } from '../../src/domain/complaint';
import { TrackingCodeTakenError, type ComplaintRepository } from '../../src/storage/store';

/**
 * A ComplaintRepository in memory, for unit tests. It keeps the contract of the real stores:
 * idempotency by idempotencyKey (checked before the code, so a retry never fails on a clash),
 * TrackingCodeTakenError on a code clash, newest first by createdAt, and values parsed with
 * complaintSchema on the way in and out so that tests never share objects with the store.
 */
export class MemoryComplaintRepository implements ComplaintRepository {
  /** Insertion order breaks createdAt ties, as an auto-increment id would in SQL. */
  private readonly byCode = new Map<string, { complaint: Complaint; seq: number }>();
  private readonly codeByKey = new Map<string, string>();
  private nextSeq = 0;

  /** Every call made, in order, so tests can check what the service asked for. */
  readonly calls: Array<{ method: keyof ComplaintRepository; arg: string }> = [];

  async create(complaint: Complaint): Promise<{ complaint: Complaint; created: boolean }> {
    this.calls.push({ method: 'create', arg: complaint.code });
    const existingCode = this.codeByKey.get(complaint.idempotencyKey);
    const existing = existingCode === undefined ? undefined : this.byCode.get(existingCode);
    if (existing !== undefined) return { complaint: complaintSchema.parse(existing.complaint), created: false };
    if (this.byCode.has(complaint.code)) throw new TrackingCodeTakenError(complaint.code);
    const stored = complaintSchema.parse(complaint);
    this.byCode.set(stored.code, { complaint: stored, seq: this.nextSeq++ });
    this.codeByKey.set(stored.idempotencyKey, stored.code);
    return { complaint: complaintSchema.parse(stored), created: true };
  }

  async findByCode(code: string): Promise<Complaint | undefined> {
    this.calls.push({ method: 'findByCode', arg: code });
    const entry = this.byCode.get(code);
    return entry === undefined ? undefined : complaintSchema.parse(entry.complaint);
  }

  async listByUser(userId: string, limit: number): Promise<Complaint[]> {
    this.calls.push({ method: 'listByUser', arg: userId });
    return [...this.byCode.values()]
      .filter(({ complaint }) => complaint.userId === userId)
      .sort((a, b) => Date.parse(b.complaint.createdAt) - Date.parse(a.complaint.createdAt) || b.seq - a.seq)
      .slice(0, limit)
      .map(({ complaint }) => complaintSchema.parse(complaint));
  }

  async replace(complaint: Complaint): Promise<void> {
    this.calls.push({ method: 'replace', arg: complaint.code });
    const entry = this.byCode.get(complaint.code);
    if (entry === undefined) {
      throw new Error(`MemoryComplaintRepository.replace: no complaint has tracking code ${complaint.code}`);
    }
    // Who filed it and under which key never change, as in the real stores (store-contract.ts).
    for (const field of ['userId', 'idempotencyKey'] as const) {
      if (complaint[field] !== entry.complaint[field]) {
        throw new Error(`MemoryComplaintRepository.replace: ${field} of ${complaint.code} cannot change`);
      }
    }
    entry.complaint = complaintSchema.parse(complaint);
  }
}
