import { type TermCounts, countTerms } from './features';
import { type ArticleTerms, wordSpecificity } from './locale-model';
import { analyzeText } from './tokenizer';

function terms(text: string): TermCounts {
  return countTerms(analyzeText(text));
}

function article(questions: string[], title: string, body = ''): ArticleTerms {
  return {
    examples: [...questions, title].map(terms),
    extra: body === '' ? [] : [terms(body)],
    names: countTerms({ words: analyzeText(title).words, charGrams: [] }),
  };
}

describe('wordSpecificity', () => {
  const specificity = wordSpecificity([
    article(['refund please', 'where is my refund', 'the repair took too long'], 'Refund policy'),
    article(['refund is late', 'how long for a refund'], 'Refund timeline'),
    article(['the parcel is late', 'how long is shipping'], 'Repairs taking too long'),
    article(['coupon expired', 'coupon will not apply', 'my coupon was gone for too long'], 'Coupon problems', 'A coupon can be late.'),
  ]);
  const of = (word: string) => specificity.get(`w|${word}`);

  it('is 1 for a word the articles naming it use most', () => {
    expect(of('refund')).toBe(1);
    expect(of('coupon')).toBe(1);
  });

  it('is the share of the article using it most, one use more in the denominator, for a word of no title or tag', () => {
    // "late" (stemmed "lat"): one example each in two articles, and one body.
    expect(of('lat')).toBeCloseTo(1 / 4);
    expect(of('expir')).toBeCloseTo(1 / 2);
  });

  it('does not make a title word specific when other articles use it more', () => {
    // "long" is in one title (that article uses it twice, with the title) but used by four articles.
    expect(of('long')).toBeCloseTo(2 / 6);
  });
});
