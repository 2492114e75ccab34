import { LOCALES, type Locale } from '../../domain/complaint';
import { escapeHtml, jsonForScript, type PageConfig, type PageStrings, renderChatPage, renderStylesheet } from './webchat-html';

const HOSTILE = `</script><script>alert(1)</script><!-- "quoted" & 'single' \u2028`;

function strings(locale: Locale): PageStrings {
  return {
    htmlLang: locale,
    title: `title ${locale}`,
    intro: `intro ${locale}`,
    connecting: `connecting ${locale}`,
    tokenError: `tokenError ${locale}`,
    retry: `retry ${locale}`,
    noScript: `noScript ${locale}`,
    botAvatarInitials: 'B',
    userAvatarInitials: 'U',
  };
}

function config(title: string | null): PageConfig {
  return {
    title,
    accentColor: '#0063B1',
    defaultLocale: 'zh-CN',
    queryLocale: null,
    tokenPath: '/api/directline/token',
    directLinePath: '/v3/directline',
    strings: { 'zh-CN': strings('zh-CN'), 'en-US': strings('en-US') },
  };
}

const assets = { stylesheet: '/webchat/page.css?v=1', webChatBundle: '/webchat/webchat.js?v=2', pageScript: '/webchat/page.js?v=3' };

describe('escapeHtml', () => {
  it('leaves no character that could open a tag or end an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;amp;&#60;/a&#62;');
    expect(escapeHtml('订单 123')).toBe('订单 123');
  });
});

describe('jsonForScript', () => {
  it('reads back unchanged and holds no <, >, & or line separators', () => {
    const value = { title: HOSTILE, nested: ['<!--', '-->', '&'] };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('renderChatPage', () => {
  it('puts a hostile title into the page only as text and as escaped JSON', () => {
    const html = renderChatPage({ config: config(HOSTILE), initialLocale: 'en-US', embed: false, assets });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('<title>&#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62;');
    const json = /<script type="application\/json" id="hearline-webchat-config">([^<]*)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(json ?? 'null')).toEqual(config(HOSTILE));
  });

  it('fills the chrome in the initial locale and falls back to its title when none is configured', () => {
    for (const locale of LOCALES) {
      const html = renderChatPage({ config: config(null), initialLocale: locale, embed: false, assets });
      expect(html).toContain(`<html lang="${locale}">`);
      expect(html).toContain(`<h1 id="hl-title">title ${locale}</h1>`);
      expect(html).toContain(`<p id="hl-intro">intro ${locale}</p>`);
      expect(html).toContain('<body class="hl-full">');
    }
  });

  it('marks embed mode on the body, and the stylesheet hides the header there', () => {
    const html = renderChatPage({ config: config(null), initialLocale: 'zh-CN', embed: true, assets });
    expect(html).toContain('<body class="hl-embed">');
    expect(renderStylesheet('#123456')).toContain('.hl-embed .hl-header { display: none; }');
    expect(renderStylesheet('#123456')).toContain('--hl-accent: #123456;');
  });

  it('loads only its own files, in order: the Web Chat bundle before the page script', () => {
    const html = renderChatPage({ config: config(null), initialLocale: 'zh-CN', embed: false, assets });
    const bundleAt = html.indexOf('<script src="/webchat/webchat.js?v=2" defer></script>');
    const pageAt = html.indexOf('<script src="/webchat/page.js?v=3" defer></script>');
    expect(bundleAt).toBeGreaterThan(0);
    expect(pageAt).toBeGreaterThan(bundleAt);
    expect(html).not.toMatch(/https?:\/\//);
  });
});
