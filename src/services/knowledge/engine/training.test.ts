import { countTerms } from './features';
import { wordSpecificity } from './locale-model';
import { seededRandom } from './random';
import { analyzeText } from './tokenizer';
import { type ArticleTexts, contentPoorMessages, fragment } from './training';

function texts(questions: string[], title: string): ArticleTexts {
  return { examples: [...questions, title].map(analyzeText), extra: [], names: analyzeText(title).words };
}

// "not" and "work" are used alike by three articles; every other word belongs to one.
const ARTICLES = [
  texts(['my coupon does not work', 'coupon expired', 'apply a coupon'], 'Coupons'),
  texts(['the app does not work', 'app crashes on start', 'update the app'], 'App problems'),
  texts(['my card does not work', 'card declined at checkout', 'new card'], 'Card payments'),
];

function specificity(): Map<string, number> {
  return wordSpecificity(ARTICLES.map((article) => ({ examples: article.examples.map(countTerms), extra: [], names: countTerms({ words: article.names, charGrams: [] }) })));
}

describe('contentPoorMessages', () => {
  it('cuts messages only from words that no article owns', () => {
    const messages = contentPoorMessages(ARTICLES, specificity(), 10, seededRandom(3)).map((message) => message.words.join(' '));

    expect(messages.length).toBeGreaterThan(0);
    // "does" is a function word ("doe" once stemmed); a message of function words only is left out.
    expect(messages.filter((message) => !['not', 'work', 'not work', 'doe not'].includes(message))).toEqual([]);
  });

  it('keeps the character n-grams of the words it keeps and no others', () => {
    const [message] = contentPoorMessages(ARTICLES, specificity(), 1, seededRandom(3));

    expect(message?.charGrams.length).toBeGreaterThan(0);
    expect(message?.charGrams.every((gram) => message.words.some((word) => ` ${word} `.includes(gram)))).toBe(true);
  });
});

describe('fragment', () => {
  it('keeps one or two consecutive words, not only function words', () => {
    const question = analyzeText('我的优惠券怎么找不到了');
    const random = seededRandom(5);
    for (let trial = 0; trial < 50; trial += 1) {
      const piece = fragment(question, random);
      const words = piece?.words ?? [];
      const start = question.words.indexOf(words[0] ?? '');

      expect(words.length === 1 || words.length === 2).toBe(true);
      expect(question.words.slice(start, start + words.length)).toEqual(words);
      expect(words.some((word) => !['我', '的', '了'].includes(word))).toBe(true);
    }
  });

  it('takes the Han bigram across two kept words, as the question had it', () => {
    const question = analyzeText('领的券怎么找不到了');
    const random = seededRandom(1);
    const pieces = Array.from({ length: 100 }, () => fragment(question, random));
    const found = pieces.find((piece) => piece?.words.join(' ') === '找 不到');

    expect(found?.charGrams).toEqual(expect.arrayContaining(['找', '不', '到', '找不', '不到']));
    expect(found?.charGrams).not.toContain('么找');
  });

  it('leaves questions of one or two words alone', () => {
    expect(fragment(analyzeText('找不到'), seededRandom(1))).toBeUndefined();
  });
});
