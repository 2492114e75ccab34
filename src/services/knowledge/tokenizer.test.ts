import { isHanBigram, stemEnglish, tokenize } from './tokenizer';

describe('tokenize', () => {
  it('splits Han text into character unigrams and bigrams, without particles and pronouns', () => {
    expect(tokenize('钱怎么还没退')).toEqual(['钱', '钱怎', '怎', '还', '还没', '没', '没退', '退']);
  });

  it('does not pair characters across punctuation', () => {
    expect(tokenize('退款，发票')).toEqual(['退', '退款', '款', '发', '发票', '票']);
  });

  it('lower-cases and stems English words and drops stop words, keeping negation', () => {
    expect(tokenize("My refunds were delayed and shipping hasn't arrived")).toEqual(['refund', 'delay', 'ship', 'not', 'arriv']);
  });

  it('handles mixed Chinese and English in one question', () => {
    expect(tokenize('我的refund还没到')).toEqual(['refund', '还', '还没', '没', '没到', '到']);
  });

  it('normalises full-width letters and curly apostrophes', () => {
    expect(tokenize('ＲＥＦＵＮＤ isn’t here')).toEqual(['refund', 'not']);
  });

  it('returns nothing for punctuation or stop words only', () => {
    expect(tokenize('？！... what is it')).toEqual([]);
  });
});

describe('stemEnglish', () => {
  it.each([
    [['refund', 'refunds', 'refunded', 'refunding'], 'refund'],
    [['arrive', 'arrived', 'arrives', 'arriving'], 'arriv'],
    [['ship', 'ships', 'shipped', 'shipping'], 'ship'],
    [['delivery', 'deliveries'], 'delivery'],
  ])('maps %j to %s', (words, stem) => {
    expect(words.map(stemEnglish)).toEqual(words.map(() => stem));
  });

  it('leaves short words, numbers and -ss endings alone', () => {
    expect(['box', '2025', 'address', 'status'].map(stemEnglish)).toEqual(['box', '2025', 'address', 'status']);
  });
});

describe('isHanBigram', () => {
  it('recognises two Han characters only', () => {
    expect([isHanBigram('退款'), isHanBigram('退'), isHanBigram('ab'), isHanBigram('退款单')]).toEqual([true, false, false, false]);
  });
});
