import { DEFAULT_ESCALATION_INTENSITY, type EmotionReason, emotionResultSchema, LexiconEmotionDetector } from './index';

const detector = new LexiconEmotionDetector();
const read = (text: string) => {
  const result = detector.detect(text);
  // Every reading must be what the schema promises (the console and the policy parse it).
  expect(emotionResultSchema.parse(result)).toEqual(result);
  return result;
};
const kinds = (reasons: EmotionReason[]) => reasons.map((reason) => reason.kind);
const terms = (reasons: EmotionReason[]) => reasons.flatMap((reason) => (reason.kind === 'lexicon' ? [reason.term] : []));

describe('LexiconEmotionDetector: one example per emotion and language', () => {
  it.each([
    ['气死了，你们这什么破服务', 'anger'],
    ['太坑了，骗子公司', 'anger'],
    ['This is a scam, you are thieves', 'anger'],
    ['快递三天了还没到，怎么还没有人处理', 'frustration'],
    ['I have been waiting for days and still no refund', 'frustration'],
    ['急死了，钱被扣了怎么办', 'anxiety'],
    ["I'm really worried my card was charged twice, what should I do", 'anxiety'],
    ['好失望，心寒', 'sadness'],
    ['So sad and disappointed, I feel let down', 'sadness'],
    ['谢谢，很满意，好评', 'positive'],
    ['Thank you so much, great service', 'positive'],
    ['我想查一下订单', 'neutral'],
    ['My order number is 12345', 'neutral'],
  ])('%s -> %s', (text, emotion) => {
    expect(read(text).emotion).toBe(emotion);
  });

  it.each([
    ['这个refund怎么还没到，气死了', 'anger'],
    ['客服态度太差了, totally unacceptable', 'anger'],
    ['thanks 小哥，送得很快', 'positive'],
    ['我的package丢了怎么办，急死了', 'anxiety'],
  ])('mixed: %s -> %s', (text, emotion) => {
    expect(read(text).emotion).toBe(emotion);
  });
});

describe('polarity', () => {
  it('is negative for complaints, positive for praise, zero without cues', () => {
    expect(read('送餐太慢了，饭都凉了').polarity).toBeLessThan(0);
    expect(read('The parcel arrived broken').polarity).toBeLessThan(0);
    expect(read('味道很好，送餐也快').polarity).toBeGreaterThan(0);
    expect(read('我想查一下订单').polarity).toBe(0);
  });

  it('reads complaints stated as facts, without an evaluative word', () => {
    expect(read('等了两个小时才送到，饭都凉了').polarity).toBeLessThan(0);
    expect(read('用了几天就坏了').polarity).toBeLessThan(0);
    expect(read('以后不会再点了').polarity).toBeLessThan(0);
  });

  it('leans a Chinese statement with nothing kind in it negative, but not a request or a question', () => {
    const statement = read('骑手把外卖放在楼下保安室');
    expect(statement.polarity).toBeLessThan(0);
    expect(statement.emotion).toBe('neutral');
    expect(statement.reasons).toContainEqual({ kind: 'statement', weight: -0.1 });
    expect(read('请问外卖放在保安室了吗').polarity).toBe(0);
    expect(read('我想把外卖放在楼下保安室').polarity).toBe(0);
    expect(read('骑手把外卖放在楼下保安室，谢谢').polarity).toBeGreaterThan(0);
    // Without the lean (and without the corpus model, which has its own view of such statements) it is 0.
    expect(new LexiconEmotionDetector({ corpusModels: false, tuning: { complaintLean: 0 } }).detect('骑手把外卖放在楼下保安室').polarity).toBe(0);
  });

  it('follows the clause after a contrast word', () => {
    const result = read('东西不错，但是物流太慢');
    expect(result.polarity).toBeLessThan(0);
    expect(result.reasons).toContainEqual({ kind: 'contrast', word: '但是' });
    expect(read('物流有点慢，但是东西很好').polarity).toBeGreaterThan(0);
  });
});

describe('negation', () => {
  it('turns praise into dissatisfaction', () => {
    expect(read('好吃').polarity).toBeGreaterThan(0);
    const result = read('不好吃');
    expect(result.polarity).toBeLessThan(0);
    expect(read('我觉得不太好').polarity).toBeLessThan(0);
    expect(read('not helpful at all').polarity).toBeLessThan(0);
    expect(kinds(read('这次不新鲜').reasons)).toContain('negation');
  });

  it('cancels a denied emotion', () => {
    expect(read('我生气了').emotion).toBe('anger');
    const denied = read('我不生气');
    expect(denied.emotion).toBe('neutral');
    expect(denied.reasons).toContainEqual({ kind: 'negation', negator: '不', term: '生气' });
  });

  it('makes denied dissatisfaction mildly positive', () => {
    expect(read('价格不贵').polarity).toBeGreaterThan(0);
    expect(read('慢').polarity).toBeLessThan(0);
  });
});

describe('intensity', () => {
  it('rises with degree adverbs and falls with downtoners', () => {
    const plain = read('太坑');
    const strong = read('真的太坑');
    expect(strong.intensity).toBeGreaterThan(plain.intensity);
    expect(strong.reasons).toContainEqual({ kind: 'intensifier', word: '真的', term: '太坑', factor: 1.3 });
    expect(read('有点坑').intensity).toBeLessThan(read('坑').intensity);
    // Mild dissatisfaction moves the polarity before it is an emotion: "有点慢" < "慢" < "非常慢".
    expect(read('有点慢').polarity).toBeGreaterThan(read('慢').polarity);
    expect(read('非常慢').polarity).toBeLessThan(read('慢').polarity);
    expect(read('extremely rude').intensity).toBeGreaterThan(read('rude').intensity);
  });

  it('rises with exclamation marks and repeated question marks, full-width or not', () => {
    const calm = read('怎么还没发货');
    const loud = read('怎么还没发货！！！');
    expect(loud.intensity).toBeGreaterThan(calm.intensity);
    expect(loud.reasons).toContainEqual({ kind: 'exclamations', count: 3, longestRun: 3 });
    const asking = read('怎么还没发货？？？');
    expect(asking.intensity).toBeGreaterThan(calm.intensity);
    expect(kinds(asking.reasons)).toContain('questions');
  });

  it('rises when the customer shouts in capitals, and shouting alone is frustration', () => {
    const shouted = read('THIS IS RIDICULOUS, FIX IT');
    expect(shouted.intensity).toBeGreaterThan(read('this is ridiculous, fix it').intensity);
    expect(kinds(shouted.reasons)).toContain('shouting');
    expect(read('WHERE IS MY ORDER!!!').emotion).toBe('frustration');
    // One acronym is not shouting.
    expect(kinds(read('My DHL parcel is late').reasons)).not.toContain('shouting');
  });

  it('is calibrated per language: the same anger word reads milder in Chinese, where cues are denser', () => {
    const unscaled = new LexiconEmotionDetector({ tuning: { zhIntensityScale: 1 } });
    expect(read('太坑了').intensity).toBeLessThan(unscaled.detect('太坑了').intensity);
    // English is read on its own scale, whatever the Chinese one.
    expect(unscaled.detect('This is ridiculous and unacceptable').intensity).toBe(read('This is ridiculous and unacceptable').intensity);
  });

  it('is 0 exactly for neutral messages and within 0..1 otherwise', () => {
    expect(read('请问营业时间是几点').intensity).toBe(0);
    const extreme = read('气死我了！！！垃圾公司，骗子，滚！！！😡😡');
    expect(extreme.intensity).toBeGreaterThan(0.9);
    expect(extreme.intensity).toBeLessThanOrEqual(1);
  });
});

describe('reasons', () => {
  it('name the lexicon terms, emoji, waiting and repetition behind a reading', () => {
    const result = read('等了三天了，第三次联系你们了，太坑了😡');
    expect(terms(result.reasons)).toContain('太坑了');
    expect(result.reasons).toContainEqual({ kind: 'emoji', symbol: '😡', emotion: 'anger', weight: 1.3 });
    expect(result.reasons).toContainEqual({ kind: 'pattern', pattern: 'waiting', text: '等了三天' });
    expect(result.reasons).toContainEqual({ kind: 'pattern', pattern: 'repetition', text: '第三次' });
    expect(read('I contacted you 3 times already').reasons).toContainEqual({ kind: 'pattern', pattern: 'repetition', text: '3 times' });
  });

  it('read Weibo-style bracket emoticons as emoji', () => {
    const result = read('又被放鸽子了[怒][怒]');
    expect(result.emotion).toBe('anger');
    expect(kinds(result.reasons)).toContain('emoji');
  });

  it('cite the English model with the words it weighed', () => {
    const result = read('I am so sad about this, it is heartbreaking');
    const model = result.reasons.find((reason) => reason.kind === 'model');
    expect(model).toMatchObject({ kind: 'model', emotion: 'sadness' });
    expect(model?.kind === 'model' && model.cues.length).toBeGreaterThan(0);
  });

  it('keeps the strongest when asked for fewer', () => {
    const result = detector.detect('气死了！！！什么破服务，还不退款？？', { maxReasons: 2 });
    expect(result.reasons).toHaveLength(2);
    expect(result.reasons[0]).toMatchObject({ kind: 'lexicon', term: '气死了' });
  });

  it('keep 快 out of 快递 and 差 out of 差不多', () => {
    expect(terms(read('快递到了吗').reasons)).toEqual([]);
    expect(terms(read('差不多就行').reasons)).not.toContain('差');
  });
});

describe('escalation', () => {
  it('counts anger or frustration at or above the escalation intensity', () => {
    expect(detector.escalationIntensity).toBe(DEFAULT_ESCALATION_INTENSITY);
    expect(detector.isEscalating(read('气死了，什么破服务！！'))).toBe(true);
    expect(detector.isEscalating(read('有点慢'))).toBe(false);
    expect(detector.isEscalating(read('急死了，钱被扣了怎么办'))).toBe(false);
  });

  it('takes its threshold from the options, which are validated', () => {
    const strict = new LexiconEmotionDetector({ escalationIntensity: 0.99 });
    expect(strict.isEscalating(strict.detect('气死了'))).toBe(false);
    expect(() => new LexiconEmotionDetector({ escalationIntensity: 2 })).toThrow();
  });

  it('reads English by the lexicon alone when the model is off', () => {
    const lexiconOnly = new LexiconEmotionDetector({ englishModel: false });
    const result = lexiconOnly.detect('This is ridiculous and unacceptable');
    expect(result.emotion).toBe('anger');
    expect(kinds(result.reasons)).not.toContain('model');
  });
});
