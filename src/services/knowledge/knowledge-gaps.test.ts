import { MemoryDocumentStore } from '../../../test/support/memory-document-store';
import { groupGaps, StoreKnowledgeGaps, type KnowledgeGap, type StoredGap } from './knowledge-gaps';

const gap = (question: string, extra: Partial<KnowledgeGap> = {}): KnowledgeGap => ({
  locale: 'zh-CN',
  question,
  reason: 'low_confidence',
  channel: 'directline',
  at: '2026-03-01T09:00:00.000Z',
  ...extra,
});

let seq = 0;
const stored = (question: string, extra: Partial<KnowledgeGap> = {}): StoredGap => ({ ...gap(question, extra), seq: seq++ });

describe('StoreKnowledgeGaps', () => {
  it('keeps gaps per locale and lists them newest first', async () => {
    const gaps = new StoreKnowledgeGaps({ documents: new MemoryDocumentStore(), onError: (error) => { throw error; } });
    await gaps.record(gap('快递怎么还没到'));
    await gaps.record(gap('where is my parcel', { locale: 'en-US', reason: 'not_helpful', articleId: 'late-delivery', confidence: 0.4 }));
    await gaps.record(gap('发票开错了'));

    expect((await gaps.list('zh-CN')).map((g) => [g.seq, g.question])).toEqual([[1, '发票开错了'], [0, '快递怎么还没到']]);
    expect(await gaps.list('en-US')).toEqual([{ ...gap('where is my parcel', { locale: 'en-US', reason: 'not_helpful', articleId: 'late-delivery', confidence: 0.4 }), seq: 0 }]);
  });

  it('keeps only the newest 2,000 of a locale', async () => {
    const documents = new MemoryDocumentStore();
    const gaps = new StoreKnowledgeGaps({ documents, onError: (error) => { throw error; } });
    for (let i = 0; i < StoreKnowledgeGaps.capacity + 150; i += 1) await gaps.record(gap(`question ${i}`));
    const kept = await gaps.list('zh-CN');
    expect(kept).toHaveLength(StoreKnowledgeGaps.capacity);
    expect(kept[0]?.question).toBe(`question ${StoreKnowledgeGaps.capacity + 149}`);
    expect(kept.at(-1)?.question).toBe('question 150');
    // Small documents: a head and 21 slots per locale.
    expect(documents.documents.size).toBe(22);
  });

  it('never rejects: a gap it cannot keep goes to onError', async () => {
    const documents = new MemoryDocumentStore();
    documents.write = async () => {
      throw new Error('disk full');
    };
    const errors: Error[] = [];
    const gaps = new StoreKnowledgeGaps({ documents, onError: (error) => errors.push(error) });
    await expect(gaps.record(gap('anything'))).resolves.toBeUndefined();
    await expect(gaps.record({ ...gap('anything'), at: 'yesterday' })).resolves.toBeUndefined();
    expect(errors.map((error) => error.message)).toEqual(['StoreKnowledgeGaps.record: the gap was not kept', 'StoreKnowledgeGaps.record: the gap was not kept']);
  });

  it('loses no gap when several instances record at once', async () => {
    const gaps = new StoreKnowledgeGaps({ documents: new MemoryDocumentStore(), onError: (error) => { throw error; } });
    await Promise.all(Array.from({ length: 20 }, (_, i) => gaps.record(gap(`q${i}`))));
    expect((await gaps.list('zh-CN')).map((g) => g.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('dismisses gaps by id or by question', async () => {
    const gaps = new StoreKnowledgeGaps({ documents: new MemoryDocumentStore(), onError: (error) => { throw error; } });
    for (const question of ['a', 'b', 'a', 'c']) await gaps.record(gap(question));
    expect(await gaps.dismiss('zh-CN', { seqs: [1] })).toBe(1);
    expect(await gaps.dismiss('zh-CN', { question: 'a' })).toBe(2);
    expect((await gaps.list('zh-CN')).map((g) => g.question)).toEqual(['c']);
    expect(await gaps.dismiss('zh-CN', { seqs: [99] })).toBe(0);
  });
});

describe('groupGaps', () => {
  it('groups similar Chinese questions and keeps unrelated ones apart', () => {
    const groups = groupGaps([
      stored('我的快递怎么还没到', { at: '2026-03-01T09:00:00.000Z' }),
      stored('快递还没到怎么办', { at: '2026-03-01T10:00:00.000Z', reason: 'not_helpful', articleId: 'late-delivery' }),
      stored('快递三天了还没到', { at: '2026-03-01T08:00:00.000Z' }),
      stored('发票抬头开错了', { at: '2026-03-01T11:00:00.000Z' }),
      stored('发票抬头写错了能改吗', { at: '2026-03-01T07:00:00.000Z', articleId: 'invoice' }),
      stored('你们老板是谁'),
    ]);
    expect(groups.map((group) => group.gaps.map((g) => g.question))).toEqual([
      ['快递还没到怎么办', '我的快递怎么还没到', '快递三天了还没到'],
      ['发票抬头开错了', '发票抬头写错了能改吗'],
      ['你们老板是谁'],
    ]);
    expect(groups[0]).toMatchObject({ count: 3, newestAt: '2026-03-01T10:00:00.000Z', reasons: { low_confidence: 2, not_helpful: 1 }, recordedArticleId: 'late-delivery' });
    expect(groups[1]?.recordedArticleId).toBe('invoice');
    expect(groups[2]?.recordedArticleId).toBeUndefined();
  });

  it('groups English questions by their words, whatever the inflection', () => {
    const groups = groupGaps([
      stored('Where is my refund', { locale: 'en-US' }),
      stored('where is the refund?', { locale: 'en-US' }),
      stored('refunded but no money', { locale: 'en-US' }),
      stored('can I change my delivery address', { locale: 'en-US' }),
      stored('change delivery address please', { locale: 'en-US' }),
    ]);
    expect(groups.map((group) => group.count)).toEqual([2, 2, 1]);
    expect(groups.find((group) => group.count === 2 && group.gaps.some((g) => g.question.includes('address')))?.gaps).toHaveLength(2);
  });

  it('links chains of similar questions into one group (single link)', () => {
    const groups = groupGaps([stored('alpha beta gamma'), stored('beta gamma delta'), stored('gamma delta epsilon')], 0.5);
    expect(groups).toHaveLength(1);
    expect(groupGaps([stored('alpha beta gamma'), stored('gamma delta epsilon')], 0.5)).toHaveLength(2);
  });

  it('groups 2,000 gaps quickly enough for a page view', () => {
    const topics = ['快递没到', '退款多久到账', '发票开错', '商品坏了', '换货流程', '客服电话', '优惠券不能用', '积分怎么用'];
    const many = Array.from({ length: 2000 }, (_, i) => stored(`${topics[i % topics.length]}${i % 7 === 0 ? '了吗' : ''}第${i}次问`));
    const started = Date.now();
    const groups = groupGaps(many);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(groups.reduce((sum, group) => sum + group.count, 0)).toBe(2000);
  });
});
