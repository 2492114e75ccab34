import { complaintSchema, type ComplaintCategory, type Remedy, type Severity } from '../../domain/complaint';
import {
  DEFAULT_CLASSIFIER_RULES,
  RuleBasedClassifier,
  type ClassificationInput,
  type ClassifierRules,
  type CuedCategory,
} from './classifier';

const classifier = new RuleBasedClassifier();

function input(description: string, remedy: Remedy = 'refund', locale: ClassificationInput['locale'] = 'zh-CN'): ClassificationInput {
  return { description, remedy, orderRef: null, locale };
}

interface Row {
  text: string;
  remedy: Remedy;
  category: ComplaintCategory;
  severity: Severity;
}

const ZH_ROWS: Row[] = [
  { text: '快递三天了还没到', remedy: 'refund', category: 'logistics', severity: 'normal' },
  { text: '买的电饭煲用了两天就坏了', remedy: 'repair', category: 'product_quality', severity: 'normal' },
  { text: '客服态度很差，还骂人', remedy: 'explanation', category: 'service', severity: 'normal' },
  { text: '同一笔订单被重复扣款了', remedy: 'refund', category: 'billing', severity: 'serious' },
  { text: '账单里多扣了50元', remedy: 'refund', category: 'billing', severity: 'serious' },
  { text: '收到的是假货，和图片不符', remedy: 'refund', category: 'misrepresentation', severity: 'normal' },
  { text: '虚假宣传，说是纯棉其实是化纤', remedy: 'return', category: 'misrepresentation', severity: 'normal' },
  { text: '保修期内维修被拒绝，售后一直推诿', remedy: 'repair', category: 'after_sales', severity: 'normal' },
  { text: '我的个人信息被泄露了，天天接到骚扰电话', remedy: 'explanation', category: 'privacy', severity: 'normal' },
  { text: '充电器质量太差，充电时起火了', remedy: 'compensation', category: 'product_quality', severity: 'urgent' },
  { text: '吃了零食以后中毒住院了', remedy: 'compensation', category: 'other', severity: 'urgent' },
  { text: '再不处理我就打12315投诉', remedy: 'explanation', category: 'other', severity: 'urgent' },
  { text: '我要去消协投诉你们乱收费', remedy: 'refund', category: 'billing', severity: 'urgent' },
  { text: '我已经请了律师，准备起诉', remedy: 'compensation', category: 'other', severity: 'urgent' },
  { text: '这件事我要找媒体曝光', remedy: 'explanation', category: 'other', severity: 'urgent' },
  { text: '发票一直没开', remedy: 'explanation', category: 'billing', severity: 'normal' },
  { text: '包裹丢件了，物流也不更新', remedy: 'refund', category: 'logistics', severity: 'serious' },
  { text: '送错货了，配送员态度也不好', remedy: 'exchange', category: 'logistics', severity: 'normal' },
  { text: '衣服有很大的异味', remedy: 'return', category: 'product_quality', severity: 'normal' },
  { text: '手机买了一周就不能用了，花了3999元', remedy: 'refund', category: 'product_quality', severity: 'serious' },
  { text: '退款一直没到账，钱没退', remedy: 'refund', category: 'billing', severity: 'serious' },
  { text: '被骗了，损失了两千块', remedy: 'compensation', category: 'other', severity: 'serious' },
  { text: '价格欺诈，标价和结账价格不一样', remedy: 'refund', category: 'billing', severity: 'normal' },
  { text: '订单号123456789，东西还没收到', remedy: 'refund', category: 'logistics', severity: 'normal' },
  { text: '劣质玩具，孩子玩了以后过敏', remedy: 'return', category: 'product_quality', severity: 'urgent' },
  { text: '退换太麻烦，换货难', remedy: 'exchange', category: 'after_sales', severity: 'normal' },
  { text: '我的身份证照片被你们泄露', remedy: 'explanation', category: 'privacy', severity: 'normal' },
  { text: '我只是想问一下营业时间', remedy: 'explanation', category: 'other', severity: 'normal' },
  { text: '花了1.5万元买的沙发破损了', remedy: 'exchange', category: 'product_quality', severity: 'serious' },
  { text: '多收了我800元', remedy: 'refund', category: 'billing', severity: 'serious' },
  { text: '配送延迟了一周', remedy: 'compensation', category: 'logistics', severity: 'serious' },
];

const EN_ROWS: Row[] = [
  { text: 'My parcel never arrived', remedy: 'refund', category: 'logistics', severity: 'normal' },
  { text: 'The blender stopped working after two days', remedy: 'repair', category: 'product_quality', severity: 'normal' },
  { text: 'Your agent was rude and ignored my questions', remedy: 'explanation', category: 'service', severity: 'normal' },
  { text: 'I was charged twice for the same order', remedy: 'refund', category: 'billing', severity: 'serious' },
  { text: 'The item is fake and not as described', remedy: 'refund', category: 'misrepresentation', severity: 'normal' },
  { text: 'The warranty repair was refused', remedy: 'repair', category: 'after_sales', severity: 'normal' },
  { text: 'You leaked my personal data and now I get spam calls', remedy: 'explanation', category: 'privacy', severity: 'normal' },
  { text: 'The faulty charger caught fire in my kitchen', remedy: 'compensation', category: 'product_quality', severity: 'urgent' },
  { text: 'My lawyer will contact you, I will sue', remedy: 'compensation', category: 'other', severity: 'urgent' },
  { text: 'There is an issue with my invoice', remedy: 'explanation', category: 'billing', severity: 'normal' },
  { text: 'I was fired up about this late delivery', remedy: 'refund', category: 'logistics', severity: 'normal' },
  { text: 'Please press the button to confirm the price', remedy: 'explanation', category: 'billing', severity: 'normal' },
  { text: 'The package was lost by the courier', remedy: 'refund', category: 'logistics', severity: 'serious' },
  { text: 'The fees on my bill are wrong, I paid $1,200', remedy: 'refund', category: 'billing', severity: 'serious' },
  { text: 'Poor quality shoes, paid $45', remedy: 'refund', category: 'product_quality', severity: 'normal' },
  { text: 'This is a scam, misleading false advertising', remedy: 'refund', category: 'misrepresentation', severity: 'serious' },
  { text: 'My son got an electric shock from the defective kettle', remedy: 'compensation', category: 'product_quality', severity: 'urgent' },
  { text: 'Shipping was late again', remedy: 'explanation', category: 'logistics', severity: 'normal' },
  { text: 'I will go to the press and the regulator', remedy: 'explanation', category: 'other', severity: 'urgent' },
  { text: 'Where is my order?', remedy: 'explanation', category: 'other', severity: 'normal' },
  { text: 'Nobody helped, the staff was unhelpful', remedy: 'explanation', category: 'service', severity: 'normal' },
  { text: 'The parcel arrived but the vase is broken', remedy: 'exchange', category: 'product_quality', severity: 'normal' },
  { text: 'Late delivery ruined the party', remedy: 'compensation', category: 'logistics', severity: 'serious' },
  { text: 'Return refused even though it is under warranty', remedy: 'return', category: 'after_sales', severity: 'normal' },
];

const MIXED_ROWS: Row[] = [
  { text: '快递package没到', remedy: 'refund', category: 'logistics', severity: 'normal' },
  { text: '客服很rude，我要找lawyer', remedy: 'explanation', category: 'service', severity: 'urgent' },
  { text: '买的耳机broken了，要求compensation', remedy: 'compensation', category: 'product_quality', severity: 'serious' },
  { text: 'ＢＲＯＫＥＮ screen，屏幕坏了', remedy: 'repair', category: 'product_quality', severity: 'normal' },
  { text: '打了１２３１５也没用', remedy: 'explanation', category: 'other', severity: 'urgent' },
  { text: 'charged twice 重复扣款 ￥２，０００', remedy: 'refund', category: 'billing', severity: 'serious' },
  { text: 'order 12315678 has not arrived', remedy: 'explanation', category: 'other', severity: 'normal' },
  { text: '价格 is misleading', remedy: 'refund', category: 'misrepresentation', severity: 'normal' },
  { text: 'My 个人信息 was sold, data leak!', remedy: 'explanation', category: 'privacy', severity: 'normal' },
  { text: '维修 center said no warranty, 我要投诉到消费者协会', remedy: 'repair', category: 'after_sales', severity: 'urgent' },
];

describe('RuleBasedClassifier: category and severity', () => {
  it('has at least 40 rows, in Chinese, English and mixed', () => {
    expect(ZH_ROWS.length + EN_ROWS.length + MIXED_ROWS.length).toBeGreaterThanOrEqual(40);
    expect(Math.min(ZH_ROWS.length, EN_ROWS.length, MIXED_ROWS.length)).toBeGreaterThanOrEqual(8);
  });

  describe.each([
    ['zh', ZH_ROWS],
    ['en', EN_ROWS],
    ['mixed', MIXED_ROWS],
  ] as const)('%s', (_language, rows) => {
    it.each(rows)('$text ($remedy) -> $category / $severity', ({ text, remedy, category, severity }) => {
      const result = classifier.classify(input(text, remedy));
      expect({ category: result.category, severity: result.severity }).toEqual({ category, severity });
    });
  });
});

describe('RuleBasedClassifier: reasons', () => {
  it('names every matched cue of the chosen category, then the severity', () => {
    expect(classifier.classify(input('快递三天了还没到')).reasons).toEqual([
      'category:logistics cue=快递',
      'category:logistics cue=没到',
      'severity:normal cue=none',
    ]);
  });

  it('says when nothing matched', () => {
    expect(classifier.classify(input('你好', 'explanation')).reasons).toEqual(['category:other cue=none', 'severity:normal cue=none']);
  });

  it('gives urgent cues and drops the lesser serious reasons', () => {
    expect(classifier.classify(input('多扣了钱还被客服骂，我要找律师', 'compensation')).reasons).toEqual([
      'category:service cue=客服',
      'category:service cue=骂',
      'severity:urgent cue=律师',
    ]);
  });

  it('gives every reason for a serious complaint: cues, amount and remedy', () => {
    expect(classifier.classify(input('I was charged twice, $1,299.50 in total', 'compensation', 'en-US')).reasons).toEqual([
      'category:billing cue=charged twice',
      'severity:serious cue=charged twice',
      'severity:serious amount=1299.5',
      'severity:serious remedy=compensation',
    ]);
  });

  it('reports the cue as written in the rules even when the text was full-width or upper case', () => {
    expect(classifier.classify(input('ＤＥＦＥＣＴＩＶＥ', 'return', 'en-US')).reasons[0]).toBe('category:product_quality cue=defective');
  });

  it('stays within complaintSchema limits however many cues match', () => {
    const everything = [
      ...Object.values(DEFAULT_CLASSIFIER_RULES.categoryCues).flat(),
      ...DEFAULT_CLASSIFIER_RULES.urgentCues,
    ].join(' , ');
    const { reasons } = classifier.classify(input(everything, 'compensation'));
    expect(reasons.length).toBeGreaterThan(2);
    expect(complaintSchema.shape.classificationReasons.safeParse(reasons).success).toBe(true);
  });
});

describe('RuleBasedClassifier: matching', () => {
  const categories = Object.keys(DEFAULT_CLASSIFIER_RULES.categoryCues) as CuedCategory[];

  it.each(categories.flatMap((category) => DEFAULT_CLASSIFIER_RULES.categoryCues[category].map((cue) => [cue, category])))(
    'the cue %j alone gives %s',
    (cue, category) => {
      const result = classifier.classify(input(`就是 ${cue} 。`, 'explanation'));
      expect(result.category).toBe(category);
      expect(result.reasons).toContain(`category:${category} cue=${cue}`);
    },
  );

  it.each(DEFAULT_CLASSIFIER_RULES.urgentCues)('the cue %j alone makes it urgent', (cue) => {
    expect(classifier.classify(input(`就是 ${cue} 。`, 'explanation')).severity).toBe('urgent');
  });

  it.each(DEFAULT_CLASSIFIER_RULES.seriousCues)('the cue %j alone makes it serious', (cue) => {
    expect(classifier.classify(input(`就是 ${cue} 。`, 'explanation')).severity).toBe('serious');
  });

  it.each([
    ['I was fired last year', 'fire inside fired'],
    ['There is an issue', 'sue inside issue'],
    ['The staff were courteous', 'court inside courteous'],
    ['Press the button twice', 'press without "the"'],
    ['Call 123150 for help', '12315 inside a longer number'],
    ['The multimedia player', 'media inside multimedia'],
  ])('matches English cues as whole words only: %j is normal (%s)', (text) => {
    expect(classifier.classify(input(text, 'explanation', 'en-US')).severity).toBe('normal');
  });

  it.each([
    ['THE CHARGER CAUGHT FIRE', 'upper case'],
    ['the charger caught\n  fire', 'line break inside a phrase'],
    ['ｆｉｒｅ', 'full-width letters'],
    ['fires everywhere', 'plural'],
    ['起火了fire!!', 'glued to Chinese'],
  ])('finds urgent cues in %j (%s)', (text) => {
    expect(classifier.classify(input(text, 'explanation', 'en-US')).severity).toBe('urgent');
  });

  it('does not depend on the locale', () => {
    const text = '快递 never arrived, 客服 ignored me';
    expect(classifier.classify(input(text, 'refund', 'en-US'))).toEqual(classifier.classify(input(text, 'refund', 'zh-CN')));
  });

  it('ignores the order reference: its digits are not an amount', () => {
    const result = classifier.classify({ description: '还没收到', remedy: 'refund', orderRef: '¥99999', locale: 'zh-CN' });
    expect(result.severity).toBe('normal');
  });

  it('breaks ties by priority: product_quality before logistics, billing before service', () => {
    expect(classifier.classify(input('快递破损')).category).toBe('product_quality');
    expect(classifier.classify(input('客服乱收费')).category).toBe('billing');
  });

  it('prefers a higher score over priority', () => {
    // service (客服, 态度, 推诿) = 3 beats billing (价格) = 1 although billing comes first.
    expect(classifier.classify(input('问价格时客服态度恶劣，互相推诿')).category).toBe('service');
  });
});

describe('RuleBasedClassifier: amounts', () => {
  it.each([
    ['¥1000', 'serious'],
    ['￥１０００', 'serious'],
    ['¥999', 'normal'],
    ['999.99元', 'normal'],
    ['1000元', 'serious'],
    ['1000 元', 'serious'],
    ['1,000 RMB', 'serious'],
    ['RMB1000', 'serious'],
    ['CNY 2500', 'serious'],
    ['$1000', 'serious'],
    ['US$ 1,000.00', 'serious'],
    ['1200 dollars', 'serious'],
    ['1000多块', 'serious'],
    ['0.1万元', 'serious'],
    ['3千块', 'serious'],
    ['2k rmb', 'serious'],
    ['$2k', 'serious'],
    ['500块钱', 'normal'],
    ['订单100000', 'normal'],
    ['1000 pieces', 'normal'],
    ['1000 km', 'normal'],
    ['item 1000yuanx', 'normal'],
  ] as const)('%j is %s', (amount, severity) => {
    expect(classifier.classify(input(`a charge of ${amount} here`, 'explanation')).severity).toBe(severity);
  });

  it('reports the largest amount named', () => {
    expect(classifier.classify(input('先付了¥200，后来又付了1.1万元', 'explanation')).reasons).toEqual([
      'category:other cue=none',
      'severity:serious amount=11000',
    ]);
  });
});

describe('RuleBasedClassifier: custom rules', () => {
  const rules: ClassifierRules = {
    ...DEFAULT_CLASSIFIER_RULES,
    categoryCues: { ...DEFAULT_CLASSIFIER_RULES.categoryCues, product_quality: ['变质'] },
    largeAmount: 100,
  };

  it('uses the given cues and threshold', () => {
    const custom = new RuleBasedClassifier(rules);
    expect(custom.classify(input('牛奶变质了，花了150元'))).toMatchObject({ category: 'product_quality', severity: 'serious' });
    expect(classifier.classify(input('牛奶变质了，花了150元'))).toMatchObject({ category: 'other', severity: 'normal' });
  });

  it('refuses a priority list that leaves out a category', () => {
    expect(() => new RuleBasedClassifier({ ...rules, categoryPriority: ['privacy', 'billing'] })).toThrow(
      /categoryPriority lacks product_quality, service, logistics, misrepresentation, after_sales/,
    );
  });
});
