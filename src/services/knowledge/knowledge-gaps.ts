import { z } from 'zod';
import { localeSchema, type Locale } from '../../domain/complaint';
import { EtagConflictError, type DocumentStore } from '../../storage/store';
import { tokenize } from './tokenizer';

/**
 * Why a customer's question is a gap in the knowledge base:
 * - `low_confidence`: no article was confident enough, the bot said it had no answer;
 * - `not_helpful`: an article was answered and the customer said it did not solve the problem;
 * - `clarify_declined`: the bot offered two articles and the customer picked neither.
 */
export const GAP_REASONS = ['low_confidence', 'not_helpful', 'clarify_declined'] as const;
export type GapReason = (typeof GAP_REASONS)[number];

/** One real question the knowledge base did not answer well, for content editors to review. */
export interface KnowledgeGap {
  locale: Locale;
  /** The customer's words, with phone, ID-card, bank-card numbers and emails already masked. */
  question: string;
  reason: GapReason;
  /** The article answered (not_helpful) or the best candidate (otherwise), when there was one. */
  articleId?: string;
  /** Calibrated confidence of the best candidate, when there was one. */
  confidence?: number;
  /** Channel the question came from (directline, wechat, phone, ...). */
  channel: string;
  /** ISO 8601 time of the question. */
  at: string;
}

/** Where dialogs report gaps; the editors' "gaps" view reads them back. */
export interface KnowledgeGapRecorder {
  /** Keeps the gap. Never rejects: a gap that cannot be kept is logged, the customer's turn goes on. */
  record(gap: KnowledgeGap): Promise<void>;
}

/** A gap as kept: with its sequence number, which is also its id in the editors' API. */
export interface StoredGap extends KnowledgeGap {
  seq: number;
}

/** What a KnowledgeGap recorded from outside must look like; checked before it is kept. */
export const knowledgeGapSchema = z.object({
  locale: localeSchema,
  question: z.string().trim().min(1).max(4000),
  reason: z.enum(GAP_REASONS),
  articleId: z.string().min(1).max(200).optional(),
  confidence: z.number().min(0).max(1).optional(),
  channel: z.string().min(1).max(50),
  at: z.iso.datetime(),
});
const storedGapSchema = knowledgeGapSchema.extend({ seq: z.number().int().nonnegative() });
const gapHeadSchema = z.object({ next: z.number().int().nonnegative() });
const gapSlotSchema = z.object({ gaps: z.array(storedGapSchema) });

/**
 * Gaps per slot document, and slots per locale: the ring holds 2,000 to 2,100 gaps (the slot
 * being filled starts empty), and the newest 2,000 are listed.
 */
const SLOT_SIZE = 100;
const SLOTS = 21;
const CAPACITY = 2000;
const gapHeadKey = (locale: Locale) => `knowledge/gaps/${locale}/head`;
const gapSlotKey = (locale: Locale, slot: number) => `knowledge/gaps/${locale}/slot/${slot}`;
const slotOf = (seq: number) => Math.floor(seq / SLOT_SIZE) % SLOTS;
/** Which round of the ring a sequence number belongs to: a slot keeps only its current lap. */
const lapOf = (seq: number) => Math.floor(seq / SLOT_SIZE);

/**
 * Gaps in the store's DocumentStore, as a ring per locale: a head document with the next
 * sequence number and 21 slot documents of 100 gaps each, so a record() writes two small
 * documents and the oldest gaps make room for new ones. eTag checks settle concurrent records
 * from several instances (with a random pause between attempts, so they do not collide again).
 */
export class StoreKnowledgeGaps implements KnowledgeGapRecorder {
  /** How many gaps of one locale are kept. */
  static readonly capacity = CAPACITY;

  constructor(private readonly deps: { documents: DocumentStore; onError: (error: Error) => void }) {}

  async record(gap: KnowledgeGap): Promise<void> {
    try {
      const valid = knowledgeGapSchema.parse(gap);
      for (let attempt = 0; attempt < 30; attempt += 1) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * Math.min(attempt, 10)));
        const head = await this.readHead(valid.locale);
        const seq = head.next;
        const slotKey = gapSlotKey(valid.locale, slotOf(seq));
        const slotDoc = (await this.deps.documents.read([slotKey])).get(slotKey);
        const kept = slotDoc ? parseGapDoc(gapSlotSchema, slotKey, slotDoc.value).gaps.filter((old) => lapOf(old.seq) === lapOf(seq)) : [];
        try {
          await this.deps.documents.write([
            { key: gapHeadKey(valid.locale), value: { next: seq + 1 }, expectedETag: head.eTag },
            { key: slotKey, value: { gaps: [...kept, { ...valid, seq }] }, expectedETag: slotDoc?.eTag ?? '' },
          ]);
          return;
        } catch (error) {
          if (!(error instanceof EtagConflictError)) throw error;
        }
      }
      throw new Error('too many concurrent writers');
    } catch (cause) {
      this.deps.onError(new Error('StoreKnowledgeGaps.record: the gap was not kept', { cause }));
    }
  }

  /** The kept gaps of a locale, newest first. */
  async list(locale: Locale): Promise<StoredGap[]> {
    const keys = Array.from({ length: SLOTS }, (_, slot) => gapSlotKey(locale, slot));
    const docs = await this.deps.documents.read([gapHeadKey(locale), ...keys]);
    const headDoc = docs.get(gapHeadKey(locale));
    const next = headDoc ? parseGapDoc(gapHeadSchema, gapHeadKey(locale), headDoc.value).next : 0;
    const gaps = keys.flatMap((key) => {
      const doc = docs.get(key);
      return doc ? parseGapDoc(gapSlotSchema, key, doc.value).gaps : [];
    });
    return gaps.filter((gap) => gap.seq < next && gap.seq >= next - StoreKnowledgeGaps.capacity).sort((a, b) => b.seq - a.seq);
  }

  /** Removes gaps by id, or every gap asking exactly `question`; returns how many went. */
  async dismiss(locale: Locale, which: { seqs: readonly number[] } | { question: string }): Promise<number> {
    const matches = (gap: StoredGap) => ('seqs' in which ? which.seqs.includes(gap.seq) : gap.question === which.question);
    const slots = 'seqs' in which ? [...new Set(which.seqs.map(slotOf))] : Array.from({ length: SLOTS }, (_, slot) => slot);
    let removed = 0;
    for (const slot of slots) {
      const key = gapSlotKey(locale, slot);
      for (let attempt = 0; ; attempt += 1) {
        const doc = (await this.deps.documents.read([key])).get(key);
        if (!doc) break;
        const gaps = parseGapDoc(gapSlotSchema, key, doc.value).gaps;
        const left = gaps.filter((gap) => !matches(gap));
        if (left.length === gaps.length) break;
        try {
          await this.deps.documents.write([{ key, value: { gaps: left }, expectedETag: doc.eTag }]);
          removed += gaps.length - left.length;
          break;
        } catch (error) {
          if (!(error instanceof EtagConflictError) || attempt >= 10) throw error;
        }
      }
    }
    return removed;
  }

  private async readHead(locale: Locale): Promise<{ next: number; eTag: string }> {
    const doc = (await this.deps.documents.read([gapHeadKey(locale)])).get(gapHeadKey(locale));
    return doc ? { next: parseGapDoc(gapHeadSchema, gapHeadKey(locale), doc.value).next, eTag: doc.eTag } : { next: 0, eTag: '' };
  }
}

function parseGapDoc<S extends z.ZodType>(schema: S, key: string, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`StoreKnowledgeGaps: stored document ${key} is corrupt`, { cause: parsed.error });
  return parsed.data;
}

/** Similar questions together, for editors to handle at once. */
export interface GapGroup {
  /** Newest first. */
  gaps: StoredGap[];
  count: number;
  newestAt: string;
  /** How often each reason occurred in the group. */
  reasons: Partial<Record<GapReason, number>>;
  /** The article the gaps most often involved (answered or best candidate), when any did. */
  recordedArticleId: string | undefined;
}

/** Default Jaccard similarity above which two questions are grouped. */
export const GAP_SIMILARITY_THRESHOLD = 0.4;

/**
 * Groups similar questions by single-link clustering: two questions whose term sets (Han
 * characters and bigrams, lower-cased English word stems, from the starter tokenizer) have a
 * Jaccard similarity of at least `threshold` are in one group, and so is anything linked
 * through a chain of such pairs. Groups come biggest first, then newest first. Quadratic in the
 * number of gaps, which is bounded by the store's capacity per locale.
 */
export function groupGaps(gaps: readonly StoredGap[], threshold: number = GAP_SIMILARITY_THRESHOLD): GapGroup[] {
  const vocabulary = new Map<string, number>();
  const sets = gaps.map((gap) => {
    const ids = [...new Set(tokenize(gap.question))].map((term) => {
      let id = vocabulary.get(term);
      if (id === undefined) vocabulary.set(term, (id = vocabulary.size));
      return id;
    });
    return Int32Array.from(ids).sort();
  });

  const parent = gaps.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] ?? root;
    // Path compression: every node on the way now points at the root.
    for (let node = i; parent[node] !== root; ) {
      const next = parent[node] ?? root;
      parent[node] = root;
      node = next;
    }
    return root;
  };
  for (let i = 0; i < sets.length; i += 1) {
    const a = sets[i] ?? new Int32Array();
    for (let j = i + 1; j < sets.length; j += 1) {
      const b = sets[j] ?? new Int32Array();
      const [small, large] = a.length <= b.length ? [a.length, b.length] : [b.length, a.length];
      // Jaccard can be at most |small| / |large|: most pairs are ruled out without comparing.
      if (large === 0 || small / large < threshold || find(i) === find(j)) continue;
      if (jaccard(a, b) >= threshold) parent[find(j)] = find(i);
    }
  }

  const members = new Map<number, StoredGap[]>();
  gaps.forEach((gap, i) => {
    const root = find(i);
    members.set(root, [...(members.get(root) ?? []), gap]);
  });
  return [...members.values()]
    .map((group): GapGroup => {
      const sorted = [...group].sort((a, b) => b.at.localeCompare(a.at) || b.seq - a.seq);
      const reasons: Partial<Record<GapReason, number>> = {};
      const articles = new Map<string, number>();
      for (const gap of sorted) {
        reasons[gap.reason] = (reasons[gap.reason] ?? 0) + 1;
        if (gap.articleId) articles.set(gap.articleId, (articles.get(gap.articleId) ?? 0) + 1);
      }
      const recorded = [...articles].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
      return { gaps: sorted, count: sorted.length, newestAt: sorted[0]?.at ?? '', reasons, recordedArticleId: recorded };
    })
    .sort((a, b) => b.count - a.count || b.newestAt.localeCompare(a.newestAt));
}

/** |A ∩ B| / |A ∪ B| of two sorted sets of term ids. */
function jaccard(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] ?? 0;
    const y = b[j] ?? 0;
    if (x === y) {
      common += 1;
      i += 1;
      j += 1;
    } else if (x < y) i += 1;
    else j += 1;
  }
  const union = a.length + b.length - common;
  return union === 0 ? 0 : common / union;
}
