import path from 'node:path';
import type { Locale } from '../../domain/complaint';
import { loadKnowledgeBase } from './article-loader';
import type { KnowledgeArticle, KnowledgeDecision } from './knowledge-service';
import { DEFAULT_STARTER_MATCHER_OPTIONS, StarterKnowledgeService } from './starter-matcher';

/**
 * Paraphrases written independently of the articles' example questions (the test below checks
 * that none is a copy). These tuned the default thresholds, together with OUT_OF_SCOPE.
 */
const PARAPHRASES: Record<Locale, Array<[question: string, articleId: string]>> = {
  'zh-CN': [
    ['退款申请了三天了钱还没到账', 'refund-timeline'],
    ['我的退款到底什么时候能退到支付宝', 'refund-timeline'],
    ['审核都过了为什么钱还没回来', 'refund-timeline'],
    ['订单不要了，能退钱吗', 'refund-policy'],
    ['没发货的订单怎么取消退款', 'refund-policy'],
    ['退款流程是怎样的', 'refund-policy'],
    ['收到的裙子不喜欢，能退货吗', 'return-policy'],
    ['七天内可以无理由退吗', 'return-policy'],
    ['包装拆开了还支持退货吗', 'return-policy'],
    ['鞋子码数小了想换一双', 'exchange-policy'],
    ['能换成别的颜色吗', 'exchange-policy'],
    ['想换货，流程是什么', 'exchange-policy'],
    ['物流好几天没动静了', 'late-delivery'],
    ['包裹怎么还没到啊', 'late-delivery'],
    ['收到的时候外箱破了，里面东西也坏了', 'damaged-delivery'],
    ['快递少送了一个商品', 'damaged-delivery'],
    ['耳机坏了能免费修吗', 'warranty-repair'],
    ['保修多长时间', 'warranty-repair'],
    ['手机充不进电，怎么送去维修', 'warranty-repair'],
    ['投诉多久能给我答复', 'complaint-process'],
    ['我的投诉处理到哪一步了', 'complaint-process'],
    ['人工客服几点下班', 'opening-hours'],
    ['星期天有人工客服吗', 'opening-hours'],
    ['能开电子发票吗', 'invoice'],
    ['发票抬头写错了怎么改', 'invoice'],
  ],
  'en-US': [
    ["I was told my refund was approved days ago, where's the money?", 'refund-timeline'],
    ['refund still not received', 'refund-timeline'],
    ['Can I cancel and get a full refund?', 'refund-policy'],
    ["What's your refund policy?", 'refund-policy'],
    ["I don't want the order anymore, can I get refunded?", 'refund-policy'],
    ["Can I send back a sweater I don't like?", 'return-policy'],
    ['Do you accept returns on opened items?', 'return-policy'],
    ['How many days do I have to return something?', 'return-policy'],
    ["I'd like to exchange my shoes", 'exchange-policy'],
    ['My order is late', 'late-delivery'],
    ["The parcel hasn't been delivered yet, it's been 10 days", 'late-delivery'],
    ['Tracking says nothing for a week', 'late-delivery'],
    ['The mug arrived cracked', 'damaged-delivery'],
    ['Box was damaged and the item inside is broken', 'damaged-delivery'],
    ['One item was missing from the package', 'damaged-delivery'],
    ['My laptop broke, is it under warranty?', 'warranty-repair'],
    ['Can you repair my speaker?', 'warranty-repair'],
    ['How do I file a complaint?', 'complaint-process'],
    ["What's the status of my complaint?", 'complaint-process'],
    ['What time do your agents start work?', 'opening-hours'],
    ['Can I call you on Sunday?', 'opening-hours'],
    ['I need a receipt for my purchase', 'invoice'],
    ['Can you send me an invoice for my company?', 'invoice'],
  ],
};

/**
 * Paraphrases the starter matcher misses: too few shared words ("swap it for the blue one"),
 * or words that belong to another article ("送到" is in a damaged-delivery example). They must
 * fall back to 'none' or a clarify that includes the right article, never a wrong answer; the
 * jieba-based engine should move them into PARAPHRASES.
 */
const KNOWN_MISSES: Record<Locale, Array<[question: string, articleId: string]>> = {
  'zh-CN': [
    ['我买的东西三天了还没送到', 'late-delivery'],
    ['盘子到的时候摔碎了', 'damaged-delivery'],
  ],
  'en-US': [
    ['Can I swap it for the blue one?', 'exchange-policy'],
    ["The jacket doesn't fit, can I get a bigger size?", 'exchange-policy'],
    ['How many days until the refund hits my bank account?', 'refund-timeline'],
  ],
};

const OUT_OF_SCOPE: Record<Locale, string[]> = {
  'zh-CN': ['你们老板是谁', '明天天气怎么样', '给我讲个笑话', '附近有什么好吃的', '帮我推荐一部电影', '今天股市行情如何', '一加一等于几', '你们卖不卖手机壳'],
  'en-US': [
    "what's the capital of France",
    'recommend a movie',
    'tell me a joke',
    "what's the weather like tomorrow",
    'who is your CEO',
    'how do I bake bread',
    "what's 2 plus 2",
    'do you sell phone cases',
  ],
};

const LOCALE_CASES = (['zh-CN', 'en-US'] as const).map((locale) => [locale] as const);

function answeredId(decision: KnowledgeDecision): string {
  return decision.kind === 'answer' ? decision.article.id : decision.kind;
}

describe('StarterKnowledgeService on the shipped knowledge base', () => {
  let articles: KnowledgeArticle[];
  let service: StarterKnowledgeService;

  beforeAll(async () => {
    ({ articles } = await loadKnowledgeBase(path.resolve(__dirname, '../../../knowledge')));
    service = new StarterKnowledgeService(articles);
  });

  it.each(LOCALE_CASES)('tests at least 15 %s paraphrases, none a copy of an example question, title or tag', (locale) => {
    const normalize = (text: string) => text.toLowerCase().replace(/[\p{P}\s]/gu, '');
    const known = new Set(
      articles.filter((article) => article.locale === locale).flatMap((article) => [article.title, ...article.questions, ...article.tags]).map(normalize),
    );

    expect(PARAPHRASES[locale].length).toBeGreaterThanOrEqual(15);
    const paraphrases = [...PARAPHRASES[locale], ...KNOWN_MISSES[locale]].map(([question]) => question);
    expect(paraphrases.filter((question) => known.has(normalize(question)))).toEqual([]);
  });

  describe.each(LOCALE_CASES)('%s', (locale) => {
    it.each(PARAPHRASES[locale])('answers "%s" with %s', async (question, articleId) => {
      const decision = await service.ask(question, locale);

      expect(answeredId(decision)).toBe(articleId);
    });

    it.each(KNOWN_MISSES[locale])('does not answer the known miss "%s" (%s) wrongly', async (question, articleId) => {
      const decision = await service.ask(question, locale);

      const offered =
        decision.kind === 'answer' ? [decision.article.id] : decision.kind === 'clarify' ? decision.options.map((option) => option.articleId) : [];
      expect(offered.length === 0 || offered.includes(articleId)).toBe(true);
    });

    it.each(OUT_OF_SCOPE[locale])('gives no answer to the out-of-scope "%s"', async (question) => {
      const decision = await service.ask(question, locale);

      expect(decision.kind).toBe('none');
    });

    it('answers every example question with its own article', async () => {
      const wrong: string[] = [];
      for (const article of articles.filter((candidate) => candidate.locale === locale)) {
        for (const question of article.questions) {
          const got = answeredId(await service.ask(question, locale));
          if (got !== article.id) wrong.push(`${question} -> ${got} (expected ${article.id})`);
        }
      }

      expect(wrong).toEqual([]);
    });
  });

  it.each([
    ['zh-CN', '退货退款', ['refund-policy', 'return-policy']],
    ['en-US', 'return or exchange', ['return-policy', 'exchange-policy']],
  ] as const)('asks the %s customer to choose when "%s" fits two articles equally', async (locale, question, expected) => {
    const decision = await service.ask(question, locale);

    expect(decision.kind).toBe('clarify');
    expect(decision.kind === 'clarify' && decision.options.map((option) => option.articleId)).toEqual(expected);
  });

  it('searches only the articles of the question locale', async () => {
    expect((await service.ask('怎么申请退款', 'en-US')).kind).toBe('none');
    expect((await service.ask('How do I get a refund?', 'zh-CN')).kind).toBe('none');
  });

  it('reports ranked candidates in order, at most 5, with scores between 0 and 1', async () => {
    const decision = await service.ask('退款多久到账', 'zh-CN');

    expect(decision.ranked.length).toBeGreaterThan(1);
    expect(decision.ranked.length).toBeLessThanOrEqual(5);
    const scores = decision.ranked.map((candidate) => candidate.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores.every((score) => score > 0 && score <= 1)).toBe(true);
    expect(decision.kind === 'answer' && decision.confidence).toBe(scores[0]);
  });
});

describe('StarterKnowledgeService decisions', () => {
  function article(id: string, locale: Locale, questions: string[]): KnowledgeArticle {
    return { id, locale, title: id, questions, tags: [], category: 'general', voice: id, actions: [], updated: '2025-01-15', owner: 'test', body: id };
  }

  const articles = [
    article('refund', 'en-US', ['refund money back', 'refund card payment']),
    article('return', 'en-US', ['return parcel label', 'return parcel warehouse']),
    article('exchange', 'en-US', ['exchange size colour', 'exchange shoes size']),
    article('fapiao', 'zh-CN', ['怎么开发票', '发票抬头']),
  ];

  it('uses the documented defaults', () => {
    expect(DEFAULT_STARTER_MATCHER_OPTIONS).toEqual({ answerThreshold: 0.18, clarifyMargin: 0.03 });
  });

  it('answers when the best article passes the threshold and leads by the margin', async () => {
    const service = new StarterKnowledgeService(articles, { answerThreshold: 0.3, clarifyMargin: 0.1 });

    const decision = await service.ask('refund to my card', 'en-US');

    expect(decision).toMatchObject({ kind: 'answer', article: { id: 'refund', locale: 'en-US' } });
    expect(decision.kind === 'answer' && decision.confidence).toBe(decision.ranked[0]?.score);
  });

  it('asks the customer to choose when two articles pass the threshold close together', async () => {
    const service = new StarterKnowledgeService(articles, { answerThreshold: 0.2, clarifyMargin: 0.1 });

    const decision = await service.ask('return parcel or exchange size', 'en-US');

    expect(decision.kind).toBe('clarify');
    expect(decision.kind === 'clarify' && decision.options.map((option) => option.articleId).sort()).toEqual(['exchange', 'return']);
  });

  it('gives no answer when the best article stays under the threshold', async () => {
    const permissive = new StarterKnowledgeService(articles, { answerThreshold: 0, clarifyMargin: 0 });
    const top = (await permissive.ask('refund to my card', 'en-US')).ranked[0]?.score ?? 0;
    const strict = new StarterKnowledgeService(articles, { answerThreshold: top + 0.001, clarifyMargin: 0 });

    const decision = await strict.ask('refund to my card', 'en-US');

    expect(decision.kind).toBe('none');
    expect(decision.ranked[0]).toMatchObject({ articleId: 'refund', score: top });
  });

  it('gives no answer when the best article only barely beats a runner-up under the threshold', async () => {
    const question = 'refund by card or return parcel';
    const permissive = new StarterKnowledgeService(articles, { answerThreshold: 0, clarifyMargin: 0 });
    const [first, second] = (await permissive.ask(question, 'en-US')).ranked;
    expect(first && second && first.score > second.score).toBe(true);
    const between = ((first?.score ?? 0) + (second?.score ?? 0)) / 2;
    const service = new StarterKnowledgeService(articles, { answerThreshold: between, clarifyMargin: 1 });

    expect((await service.ask(question, 'en-US')).kind).toBe('none');
  });

  it('gives no answer, and no candidates, to a question without matchable words', async () => {
    const service = new StarterKnowledgeService(articles);

    expect(await service.ask('？！...', 'en-US')).toEqual({ kind: 'none', ranked: [] });
    expect(await service.ask('what is the capital of France', 'en-US')).toEqual({ kind: 'none', ranked: [] });
  });

  it('finds articles by id within a locale only', () => {
    const service = new StarterKnowledgeService(articles);

    expect(service.getArticle('fapiao', 'zh-CN')?.questions).toEqual(['怎么开发票', '发票抬头']);
    expect(service.getArticle('fapiao', 'en-US')).toBeUndefined();
    expect(service.getArticle('missing', 'zh-CN')).toBeUndefined();
  });

  it('rejects thresholds outside 0..1', () => {
    expect(() => new StarterKnowledgeService(articles, { answerThreshold: 1.5 })).toThrow();
    expect(() => new StarterKnowledgeService(articles, { clarifyMargin: -0.1 })).toThrow();
  });
});
