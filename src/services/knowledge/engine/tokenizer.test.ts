import { analyzeText, normalizeForMatching, stemEnglish } from './tokenizer';

describe('analyzeText', () => {
  it('segments Chinese with jieba and adds Han unigrams and bigrams', () => {
    const { words, charGrams } = analyzeText('退款多久到账？');

    expect(words).toEqual(['退款', '多久', '到', '账']);
    expect(charGrams).toEqual(['退', '退款', '款', '款多', '多', '多久', '久', '久到', '到', '到账', '账']);
  });

  it('lower-cases and stems English, keeps negation and adds padded 3- to 5-grams', () => {
    const { words, charGrams } = analyzeText("Refunds haven't ARRIVED");

    expect(words).toEqual(['refund', 'hav', 'not', 'arriv']);
    expect(charGrams).toContain(' re');
    expect(charGrams).toContain('unds ');
    expect(charGrams).not.toContain('refunds');
  });

  it('splits mixed text into its Chinese and English parts, even without spaces', () => {
    expect(analyzeText('我的order还没到').words).toEqual(['我', '的', 'order', '还', '没', '到']);
    expect(analyzeText('refund还没到账').words).toEqual(['refund', '还', '没', '到', '账']);
  });

  it('lets a misspelt word share character n-grams with the right one', () => {
    const right = new Set(analyzeText('refund').charGrams);
    const shared = analyzeText('refnud').charGrams.filter((gram) => right.has(gram));

    expect(shared).toEqual(expect.arrayContaining([' re', 'ref', ' ref']));
  });

  it('keeps numbers whole without n-grams, and returns nothing for punctuation', () => {
    expect(analyzeText('24 hours')).toEqual({ words: ['24', 'hour'], charGrams: expect.not.arrayContaining(['24']) });
    expect(analyzeText('？！...')).toEqual({ words: [], charGrams: [] });
  });
});

describe('normalizeForMatching', () => {
  it('folds full-width letters, curly apostrophes and contractions', () => {
    expect(normalizeForMatching('ＲＥＦＵＮＤ isn’t here, I’m waiting')).toBe('refund is not here, i waiting');
    expect(normalizeForMatching("can't won't")).toBe('can not will not');
  });
});

describe('stemEnglish', () => {
  it.each([
    ['refunds', 'refund'],
    ['refunded', 'refund'],
    ['refunding', 'refund'],
    ['arrive', 'arriv'],
    ['arrived', 'arriv'],
    ['arriving', 'arriv'],
    ['shipped', 'ship'],
    ['deliveries', 'deliveri'],
    ['delivery', 'deliveri'],
    ['tried', 'tri'],
    ['try', 'tri'],
    ['boxes', 'box'],
    ['was', 'was'],
    ['address', 'address'],
    ['A123', 'A123'],
  ])('%s -> %s', (word, stem) => {
    expect(stemEnglish(word)).toBe(stem);
  });
});
