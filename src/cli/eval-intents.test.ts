import { type IntentOutcome, detectDatasetLocale, intentAccuracy, intentArticles, runIntentEval } from './eval-intents';

describe('intentAccuracy', () => {
  // 5 in-scope: 2 answered right, 1 wrong, 1 clarify, 1 none; 3 out-of-scope: 2 none, 1 answered.
  const outcomes: IntentOutcome[] = [
    { expected: 'refund', kind: 'answer', answered: 'refund' },
    { expected: 'refund', kind: 'answer', answered: 'refund' },
    { expected: 'delivery', kind: 'answer', answered: 'refund' },
    { expected: 'delivery', kind: 'clarify' },
    { expected: 'password', kind: 'none' },
    { expected: 'oos', kind: 'none' },
    { expected: 'oos', kind: 'none' },
    { expected: 'oos', kind: 'answer', answered: 'refund' },
  ];

  it('counts clarify as not right, and oos precision over every none', () => {
    expect(intentAccuracy(outcomes)).toEqual({
      n: 8,
      accuracy_in_scope: 2 / 5,
      oos_recall: 2 / 3,
      oos_precision: 2 / 3,
      accuracy_all: 4 / 8,
    });
  });

  it('defines 0/0 as 0 when there is no out-of-scope question and no none', () => {
    expect(intentAccuracy(outcomes.slice(0, 4))).toEqual({ n: 4, accuracy_in_scope: 0.5, oos_recall: 0, oos_precision: 0, accuracy_all: 0.5 });
    expect(intentAccuracy([])).toEqual({ n: 0, accuracy_in_scope: 0, oos_recall: 0, oos_precision: 0, accuracy_all: 0 });
  });
});

describe('detectDatasetLocale and intentArticles', () => {
  it('tells Chinese from English data by the share of Han characters', () => {
    expect(detectDatasetLocale(['退款多久到账', '我的refund呢'])).toBe('zh-CN');
    expect(detectDatasetLocale(['where is my refund', 'card 退'])).toBe('en-US');
  });

  it('makes one article per label with its texts as questions and nothing else to match on', () => {
    const articles = intentArticles(
      [
        { text: 'a', label: 'x' },
        { text: 'b', label: 'y' },
        { text: 'c', label: 'x' },
      ],
      'en-US',
    );
    expect(articles.map((article) => [article.id, article.questions, article.title, article.body, article.tags])).toEqual([
      ['x', ['a', 'c'], '', '', []],
      ['y', ['b'], '', '', []],
    ]);
  });
});

describe('runIntentEval', () => {
  it('builds the engine from train, decides every test text and times with the given clock', () => {
    let clock = 0;
    const train = [
      ...['where is my parcel', 'my package has not arrived', 'track my delivery'].map((text) => ({ text, label: 'delivery' })),
      ...['I forgot my password', 'reset my password', 'cannot log in'].map((text) => ({ text, label: 'password' })),
      ...['I want a refund', 'give me my money back', 'refund my order'].map((text) => ({ text, label: 'refund' })),
    ];
    const test = [
      { text: 'my parcel has not arrived yet', label: 'delivery' },
      { text: 'please reset my password', label: 'password' },
      { text: 'what is the capital of France', label: 'oos' },
    ];

    const metrics = runIntentEval({ train, test, locale: 'en-US', now: () => (clock += 2) });

    expect(metrics).toEqual({ n: 3, accuracy_in_scope: 1, oos_recall: 1, oos_precision: 1, accuracy_all: 1, train_s: 0.002, p50_ms: 2, p99_ms: 2 });
  });
});
