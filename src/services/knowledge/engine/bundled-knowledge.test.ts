import path from 'node:path';
import type { Locale } from '../../../domain/complaint';
import { loadKnowledgeBase } from '../article-loader';
import type { KnowledgeArticle, KnowledgeDecision } from '../knowledge-service';
import { buildKnowledgeEngine } from '.';

/**
 * The engine the bot uses, on the knowledge base the project ships. Paraphrases are written
 * independently of the articles' example questions (the first test checks that none is a copy).
 */
const PARAPHRASES: Record<Locale, Array<[question: string, articleId: string]>> = {
  'zh-CN': [
    ['我的退款到底什么时候能退到支付宝', 'refund-timeline'],
    ['审核都过了为什么钱还没回来', 'refund-timeline'],
    ['没发货的订单怎么取消退款', 'cancel-order'],
    ['收到的裙子不喜欢，能退货吗', 'return-policy'],
    ['七天内可以无理由退吗', 'return-policy'],
    ['包装拆开了还支持退货吗', 'return-policy'],
    ['鞋子码数小了想换一双', 'exchange-policy'],
    ['能换成别的颜色吗', 'exchange-policy'],
    ['想换货，流程是什么', 'exchange-policy'],
    ['物流好几天没动静了', 'late-delivery'],
    ['包裹怎么还没到啊', 'late-delivery'],
    ['收到的时候外箱破了，里面东西也坏了', 'damaged-delivery'],
    ['耳机坏了能免费修吗', 'warranty-repair'],
    ['保修多长时间', 'warranty-repair'],
    ['投诉多久能给我答复', 'complaint-process'],
    ['我的投诉处理到哪一步了', 'complaint-process'],
    ['人工客服几点下班', 'opening-hours'],
    ['能开电子发票吗', 'invoice'],
    ['发票上公司名称填错了能重开吗', 'invoice-reissue'],
    ['扣了两次钱', 'double-charge'],
    ['退货运费谁出', 'return-shipping-cost'],
  ],
  'en-US': [
    ["I was told my refund was approved days ago, where's the money?", 'refund-timeline'],
    ['Can I cancel and get a full refund?', 'refund-policy'],
    ["What's your refund policy?", 'refund-policy'],
    ["I don't want the order anymore, can I get refunded?", 'refund-policy'],
    ["Can I send back a sweater I don't like?", 'return-policy'],
    ['Do you accept returns on opened items?', 'return-policy'],
    ['How many days do I have to return something?', 'return-policy'],
    ["I'd like to exchange my shoes", 'exchange-policy'],
    ['Box was damaged and the item inside is broken', 'damaged-delivery'],
    ['One item was missing from the package', 'missing-item'],
    ['My laptop broke, is it under warranty?', 'warranty-repair'],
    ["What's the status of my complaint?", 'complaint-process'],
    ['Can you send me an invoice for my company?', 'invoice'],
    ['Tracking says nothing for a week', 'order-tracking'],
    ['my parcel has not arrived', 'late-delivery'],
    ['the discount code is not working at checkout', 'coupon-problems'],
  ],
};

/**
 * Paraphrases the engine does not answer: too few words in common with the right article's
 * examples, or words shared with a neighbour. They must get no answer or a choice that
 * includes the right article, never a wrong answer.
 */
const HARD: Record<Locale, Array<[question: string, articleId: string]>> = {
  'zh-CN': [
    ['退款申请了三天了钱还没到账', 'refund-timeline'],
    ['订单不要了，能退钱吗', 'refund-policy'],
    ['退款流程是怎样的', 'refund-policy'],
    ['星期天有人工客服吗', 'opening-hours'],
    ['我买的东西三天了还没送到', 'late-delivery'],
    ['盘子到的时候摔碎了', 'damaged-delivery'],
  ],
  'en-US': [
    ['The mug arrived cracked', 'damaged-delivery'],
    ['How do I file a complaint?', 'complaint-process'],
    ['What time do your agents start work?', 'opening-hours'],
    ['Can I call you on Sunday?', 'opening-hours'],
    ["The jacket doesn't fit, can I get a bigger size?", 'exchange-policy'],
  ],
};

const OUT_OF_SCOPE: Record<Locale, string[]> = {
  'zh-CN': ['你们老板是谁', '明天天气怎么样', '给我讲个笑话', '附近有什么好吃的', '帮我推荐一部电影', '今天股市行情如何', '一加一等于几'],
  'en-US': ["what's the capital of France", 'recommend a movie', 'tell me a joke', "what's the weather like tomorrow", 'who is your CEO', 'how do I bake bread'],
};

/**
 * Messages that do not say what they are about: filler, reactions, and generic words that many
 * articles use ("找不到", "not working"). A confident answer to them is a guess, so the engine
 * must say it does not know. Nearly all of these words occur in some example question, which is
 * what made the cosine with that example high.
 */
const CONTENT_POOR: Record<Locale, string[]> = {
  'zh-CN': [
    '找不到',
    '有问题',
    '怎么办',
    '我想问一下',
    '好的',
    '没有',
    '怎么回事',
    '为什么',
    '可以吗',
    '在吗',
    '不知道',
    '我有个问题',
    '还是不行',
    '怎么弄',
    '能不能',
    '这个怎么办',
    '请帮我看看',
    '什么时候',
    '是的',
    // Only that something is wrong; some articles' examples use these words ("税号不对", "优惠券用不了").
    '不对',
    '还是不对',
    '用不了',
    '有毛病',
    '失败了',
    '坏了',
  ],
  'en-US': [
    'something',
    'what?',
    'not working',
    'problem',
    'help',
    'okay',
    'I need help',
    'how does it work',
    'is it possible',
    'I have a problem',
    'still nothing',
    'can you check',
    'what do I do now',
    'any update?',
    'why',
    'when',
    'I have a question',
    "it doesn't work",
    'wrong',
    "it's wrong",
    'still broken',
  ],
};

/** One word that names what one article is about: answered with it, however short. */
const ONE_WORD: Record<Locale, Array<[question: string, articleId: string]>> = {
  'zh-CN': [
    ['退款', 'refund-policy'],
    ['优惠券', 'coupon-problems'],
    ['地址', 'change-delivery-address'],
    ['价格', 'price-protection'],
    ['付款', 'payment-methods'],
    ['发票', 'invoice'],
    ['保修', 'warranty-repair'],
    ['积分', 'membership-points'],
    ['换货', 'exchange-policy'],
    ['下单的时候优惠券用不了', 'coupon-problems'],
  ],
  'en-US': [
    ['coupon', 'coupon-problems'],
    ['address', 'change-delivery-address'],
    ['price', 'price-protection'],
    ['payment', 'payment-methods'],
    ['invoice', 'invoice'],
    ['warranty', 'warranty-repair'],
    ['points', 'membership-points'],
  ],
};

const LOCALE_CASES = (['zh-CN', 'en-US'] as const).map((locale) => [locale] as const);

function offered(decision: KnowledgeDecision): string[] {
  if (decision.kind === 'answer') return [decision.article.id];
  if (decision.kind === 'clarify') return decision.options.map((option) => option.articleId);
  return [];
}

describe('the knowledge engine on the shipped knowledge base', () => {
  let articles: KnowledgeArticle[];
  let engine: ReturnType<typeof buildKnowledgeEngine>;

  beforeAll(async () => {
    ({ articles } = await loadKnowledgeBase(path.resolve(__dirname, '../../../../knowledge')));
    engine = buildKnowledgeEngine(articles);
  });

  it.each(LOCALE_CASES)('tests at least 15 %s paraphrases, none a copy of an example question, title or tag', (locale) => {
    const normalize = (text: string) => text.toLowerCase().replace(/[\p{P}\s]/gu, '');
    const known = new Set(
      articles.filter((article) => article.locale === locale).flatMap((article) => [article.title, ...article.questions, ...article.tags]).map(normalize),
    );

    expect(PARAPHRASES[locale].length).toBeGreaterThanOrEqual(15);
    const paraphrases = [...PARAPHRASES[locale], ...HARD[locale]].map(([question]) => question);
    expect(paraphrases.filter((question) => known.has(normalize(question)))).toEqual([]);
  });

  describe.each(LOCALE_CASES)('%s', (locale) => {
    it.each(PARAPHRASES[locale])('answers "%s" with %s', async (question, articleId) => {
      const decision = await engine.ask(question, locale);

      expect(decision.kind === 'answer' && decision.article.id).toBe(articleId);
    });

    it.each(HARD[locale])('does not answer the hard "%s" (%s) wrongly', async (question, articleId) => {
      const got = offered(await engine.ask(question, locale));

      expect(got.length === 0 || got.includes(articleId)).toBe(true);
    });

    it.each(OUT_OF_SCOPE[locale])('gives no answer to the out-of-scope "%s"', async (question) => {
      expect((await engine.ask(question, locale)).kind).toBe('none');
    });

    it.each(CONTENT_POOR[locale])('gives no answer and no choice to the content-poor "%s"', async (question) => {
      const decision = await engine.ask(question, locale);

      expect(offered(decision)).toEqual([]);
    });

    it.each(ONE_WORD[locale])('answers the one-word "%s" with %s', async (question, articleId) => {
      const decision = await engine.ask(question, locale);

      expect(decision.kind === 'answer' && decision.article.id).toBe(articleId);
    });

    it('answers every example question with its own article', async () => {
      const wrong: string[] = [];
      for (const article of articles.filter((candidate) => candidate.locale === locale)) {
        for (const question of article.questions) {
          const got = offered(await engine.ask(question, locale));
          if (got.length !== 1 || got[0] !== article.id) wrong.push(`${question} -> ${got.join('|') || 'none'} (expected ${article.id})`);
        }
      }

      expect(wrong).toEqual([]);
    });
  });

  it.each([
    ['zh-CN', '退货退款', ['refund-policy', 'return-policy']],
    ['zh-CN', '运费和退款', ['refund-policy', 'delivery-fee']],
  ] as const)('asks the %s customer to choose when "%s" fits two articles', async (locale, question, expected) => {
    const decision = await engine.ask(question, locale);

    expect(offered(decision)).toEqual(expected);
    expect(decision.kind).toBe('clarify');
  });

  it('searches only the articles of the question locale', async () => {
    expect((await engine.ask('怎么申请退款', 'en-US')).kind).toBe('none');
    expect((await engine.ask('How do I get a refund?', 'zh-CN')).kind).toBe('none');
  });
});
