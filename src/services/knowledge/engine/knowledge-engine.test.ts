import path from 'node:path';
import type { Locale } from '../../../domain/complaint';
import { loadKnowledgeBase } from '../article-loader';
import type { KnowledgeArticle, KnowledgeDecision } from '../knowledge-service';
import { DEFAULT_KNOWLEDGE_ENGINE_OPTIONS, buildKnowledgeEngine } from '.';

function article(id: string, locale: Locale, questions: string[], title = ''): KnowledgeArticle {
  return { id, locale, title, questions, tags: [], category: 'general', voice: id, actions: [], updated: '2025-01-15', owner: 'test', body: '' };
}

function outcome(decision: KnowledgeDecision): string {
  if (decision.kind === 'answer') return decision.article.id;
  if (decision.kind === 'clarify') return `clarify:${decision.options.map((option) => option.articleId).join('|')}`;
  return 'none';
}

const SMALL_BASE = [
  article('refund', 'en-US', ['how do I get my money back', 'I want a refund for my order', 'refund my payment please', 'can I get a refund']),
  article('delivery', 'en-US', ['where is my parcel', 'my package has not arrived yet', 'the delivery is late', 'track my parcel']),
  article('password', 'en-US', ['I forgot my password', 'reset my password', 'cannot log in to my account', 'change my login password']),
  article('fapiao', 'zh-CN', ['怎么开发票', '发票抬头写错了', '需要电子发票', '能开专用发票吗']),
  article('kuaidi', 'zh-CN', ['快递怎么还没到', '包裹到哪里了', '物流一直不更新', '查一下我的快递']),
  article('tuikuan', 'zh-CN', ['退款什么时候到账', '申请退款', '钱怎么还没退回来', '我要退钱']),
];

describe('buildKnowledgeEngine on a small hand-made base', () => {
  const engine = buildKnowledgeEngine(SMALL_BASE);

  it.each([
    ['en-US', 'my parcel still has not arrived', 'delivery'],
    ['en-US', 'I need to reset the password of my account', 'password'],
    ['en-US', 'I would like my money back', 'refund'],
    ['zh-CN', '我的快递三天了还没到', 'kuaidi'],
    ['zh-CN', '发票怎么开', 'fapiao'],
    ['zh-CN', '退款多久能到账', 'tuikuan'],
    ['zh-CN', '我的parcel还没到，物流不更新', 'kuaidi'],
  ] as const)('%s: answers "%s" with %s', (locale, question, expected) => {
    expect(outcome(engine.decide(question, locale))).toBe(expected);
  });

  it.each([
    ['en-US', 'what is the capital of France'],
    ['en-US', 'tell me a joke'],
    ['zh-CN', '明天天气怎么样'],
    ['zh-CN', '给我讲个笑话'],
  ] as const)('%s: gives no answer to "%s"', (locale, question) => {
    expect(engine.decide(question, locale).kind).toBe('none');
  });

  it.each([
    ['zh-CN', '怎么开发票', '不对', 'fapiao'],
    ['zh-CN', '钱怎么还没退回来', '还是不行', 'tuikuan'],
    ['en-US', 'I forgot my password', "it doesn't work", 'password'],
  ] as const)('%s: says "none" to a message that only says something is wrong, even when one article matches it best', (locale, anchor, question, best) => {
    const engine = buildKnowledgeEngine([
      ...SMALL_BASE,
      // Examples that use those words, so that the match itself points at one article.
      article('fapiao2', 'zh-CN', ['发票抬头不对', '税号不对怎么办', '发票金额不对']),
      article('tuikuan2', 'zh-CN', ['退款还是不行', '退款申请一直不行', '为什么退款不行']),
      article('password2', 'en-US', ["login doesn't work", "my password doesn't work", "the reset link doesn't work"]),
    ]);
    const decision = engine.decide(question, locale);

    expect(decision.kind).toBe('none');
    // The ranking is still there for the editor's "try a question" panel.
    expect(decision.ranked.length).toBeGreaterThan(0);
    expect(outcome(engine.decide(anchor, locale))).toBe(best);
  });

  it('matches only the articles of the question locale', () => {
    expect(engine.decide('快递怎么还没到', 'en-US').kind).toBe('none');
    expect(engine.decide('where is my parcel', 'zh-CN').kind).toBe('none');
  });

  it('offers both articles when a question is split between them', () => {
    const decision = engine.decide('refund or reset password', 'en-US');

    expect(decision.kind === 'answer' ? decision.article.id : decision.kind).not.toBe('delivery');
    expect(decision.ranked.slice(0, 2).map((scored) => scored.articleId).sort()).toEqual(['password', 'refund']);
  });

  it('reports ranked confidences best first, between 0 and 1, the first being the answer confidence', () => {
    const decision = engine.decide('where is my parcel', 'en-US');
    const scores = decision.ranked.map((scored) => scored.score);

    expect(decision.kind).toBe('answer');
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores.every((score) => score > 0 && score <= 1)).toBe(true);
    expect(decision.kind === 'answer' && decision.confidence).toBe(scores[0]);
    expect(engine.rank('where is my parcel', 'en-US', 2)).toEqual(decision.ranked.slice(0, 2));
  });

  it('answers the same question the same way on every build', () => {
    const again = buildKnowledgeEngine(SMALL_BASE);

    expect(again.decide('我的快递三天了还没到', 'zh-CN')).toEqual(engine.decide('我的快递三天了还没到', 'zh-CN'));
  });

  it('gives no answer and no candidates to a question without matchable words', async () => {
    expect(await engine.ask('？！...', 'en-US')).toEqual({ kind: 'none', ranked: [] });
  });

  it('obeys the thresholds it is given', () => {
    const strict = buildKnowledgeEngine(SMALL_BASE, { answerThreshold: 1, clarifyMargin: 0 });

    expect(strict.decide('where is my parcel', 'en-US').kind).toBe('none');
  });

  it('keeps the default of a threshold passed as undefined and rejects thresholds outside 0..1', () => {
    expect(() => buildKnowledgeEngine(SMALL_BASE, { answerThreshold: undefined })).not.toThrow();
    expect(() => buildKnowledgeEngine(SMALL_BASE, { answerThreshold: 1.5 })).toThrow();
    expect(() => buildKnowledgeEngine(SMALL_BASE, { clarifyMargin: -0.1 })).toThrow();
  });

  it('finds articles by id within a locale only, and builds an empty or one-article base', () => {
    expect(engine.getArticle('fapiao', 'zh-CN')?.questions[0]).toBe('怎么开发票');
    expect(engine.getArticle('fapiao', 'en-US')).toBeUndefined();
    expect(buildKnowledgeEngine([]).decide('hello', 'en-US')).toEqual({ kind: 'none', ranked: [] });
    const single = buildKnowledgeEngine([article('password', 'en-US', ['I forgot my password', 'reset my password'])]);
    expect(outcome(single.decide('reset my password', 'en-US'))).toBe('password');
  });

  it('documents its default thresholds', () => {
    expect(DEFAULT_KNOWLEDGE_ENGINE_OPTIONS).toMatchObject({ answerThreshold: 0.3, clarifyMargin: 0.1 });
  });
});

describe('buildKnowledgeEngine on the bundled knowledge base', () => {
  let engine: ReturnType<typeof buildKnowledgeEngine>;

  beforeAll(async () => {
    const { articles } = await loadKnowledgeBase(path.resolve(__dirname, '../../../../knowledge'));
    engine = buildKnowledgeEngine(articles);
  });

  // Paraphrases, not copies of example questions; each has one clearly right article.
  it.each([
    ['zh-CN', '收到的裙子不喜欢，能退货吗', 'return-policy'],
    ['zh-CN', '物流好几天没动静了', 'late-delivery'],
    ['zh-CN', '耳机坏了能免费修吗', 'warranty-repair'],
    ['zh-CN', '人工客服几点下班', 'opening-hours'],
    ['zh-CN', '我的order还没到', 'late-delivery'],
    ['en-US', "What's your refund policy?", 'refund-policy'],
    ['en-US', "I'd like to exchange my shoes", 'exchange-policy'],
    ['en-US', "I was told my refund was approved days ago, where's the money?", 'refund-timeline'],
    ['en-US', 'Can you send me an invoice for my company?', 'invoice'],
  ] as const)('%s: answers "%s" with %s', (locale, question, expected) => {
    expect(outcome(engine.decide(question, locale))).toBe(expected);
  });

  it.each([
    ['zh-CN', '你们老板是谁'],
    ['zh-CN', '明天天气怎么样'],
    ['zh-CN', '帮我推荐一部电影'],
    ['en-US', "what's the weather on Mars"],
    ['en-US', 'tell me a joke'],
    ['en-US', 'how do I bake bread'],
  ] as const)('%s: gives no answer to "%s"', (locale, question) => {
    expect(engine.decide(question, locale).kind).toBe('none');
  });
});
