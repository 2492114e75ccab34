import { englishFeatures, englishTokens, normalizeEnglish } from './english-features';

describe('English features', () => {
  it('normalises contractions, links, handles and hashtags', () => {
    expect(normalizeEnglish("I can't believe it, @shop https://x.y/z #Angry").split(/\s+/)).toEqual(['i', 'can', 'not', 'believe', 'it,', 'angry']);
    expect(englishTokens("It wasn't delivered!!!!")).toEqual(['it', 'was', 'not', 'delivered', '!!!']);
  });

  it('marks the words under a negation until punctuation or "but"', () => {
    const features = englishFeatures('not happy at all, but fine');
    expect(features).toEqual(expect.arrayContaining(['not', 'not_happy', 'not_at', 'not_all', 'but', 'fine', 'but fine']));
    expect(features).not.toContain('not_fine');
  });
});
