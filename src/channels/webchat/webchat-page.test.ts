import { normaliseLocale, pickLocale } from './webchat-page';

describe('locale choice', () => {
  it('maps any Chinese tag to zh-CN and any English tag to en-US', () => {
    expect(['zh', 'zh-CN', 'zh-TW', 'zh-Hans-CN', 'ZH-hk'].map(normaliseLocale)).toEqual(Array(5).fill('zh-CN'));
    expect(['en', 'en-GB', 'EN-us'].map(normaliseLocale)).toEqual(Array(3).fill('en-US'));
    expect(['fr-FR', '', 'x-zh', 'e'].map(normaliseLocale)).toEqual(Array(4).fill(undefined));
  });

  it('takes the first Chinese or English language, English when none, the fallback when the list is empty', () => {
    expect(pickLocale(['fr-FR', 'zh-CN', 'en-US'], 'en-US')).toBe('zh-CN');
    expect(pickLocale(['en-GB', 'zh-CN'], 'zh-CN')).toBe('en-US');
    expect(pickLocale(['fr-FR', 'de'], 'zh-CN')).toBe('en-US');
    expect(pickLocale([], 'zh-CN')).toBe('zh-CN');
    expect(pickLocale([], 'en-US')).toBe('en-US');
  });
});
