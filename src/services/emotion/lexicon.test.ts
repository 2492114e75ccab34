import { compileLexicon, lookupTerm } from './lexicon';
import { EMOJI_LEXICON, EN_LEXICON } from './lexicon-en';
import { ZH_BRACKET_EMOTICONS, ZH_LEXICON } from './lexicon-zh';

describe('compileLexicon', () => {
  it('compiles the shipped lexicons: no term listed twice, every weight positive', () => {
    for (const [name, groups] of [['Chinese', ZH_LEXICON], ['English', EN_LEXICON], ['emoji', [...EMOJI_LEXICON, ...ZH_BRACKET_EMOTICONS]]] as const) {
      expect(() => compileLexicon(name, groups, (term) => term.length)).not.toThrow();
      for (const group of groups) expect(group.emotion === 'neutral' ? group.weight === 0 : group.weight > 0).toBe(true);
    }
  });

  it('rejects a term listed twice, naming it', () => {
    const groups = [
      { emotion: 'anger' as const, weight: 1, terms: ['气死了'] },
      { emotion: 'sadness' as const, weight: 1, terms: ['气死了'] },
    ];
    expect(() => compileLexicon('test', groups, (term) => term.length)).toThrow('"气死了" is listed twice in the test lexicon');
  });

  it('matches `word*` prefixes for single words only', () => {
    const lexicon = compileLexicon('test', [{ emotion: 'anger', weight: 1, terms: ['infuriat*', 'rip off'] }], (term) => term.split(' ').length);
    expect(lookupTerm(lexicon, 'infuriating')?.emotion).toBe('anger');
    expect(lookupTerm(lexicon, 'rip off')?.term).toBe('rip off');
    expect(lookupTerm(lexicon, 'infuriating service')).toBeUndefined();
    expect(lexicon.longestTerm).toBe(2);
  });
});
