import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http, { type Server } from 'node:http';
import path from 'node:path';
import vm from 'node:vm';
import { gunzipSync } from 'node:zlib';
import express, { type Router } from 'express';
import { LOCALES } from '../../domain/complaint';
import { PromptCatalog } from '../../i18n/prompt-catalog';
import { findProjectRoot } from '../../util/project-root';
import { PAGE_SCRIPT } from './browser-scripts';
import { escapeHtml } from './webchat-html';
import { WEBCHAT_CONTENT_SECURITY_POLICY, webChatRouter } from './webchat-page';

const root = findProjectRoot();
const prompts = PromptCatalog.load(path.join(root, 'prompts'));
const HOSTILE_TITLE = '</script><script>alert(1)</script>';
const PAGE_KEYS = ['htmlLang', 'title', 'intro', 'connecting', 'tokenError', 'retry', 'noScript', 'botAvatarInitials', 'userAvatarInitials'];
const BUNDLE = path.join(root, 'node_modules', 'botframework-webchat', 'dist', 'webchat.js');
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Serves only the web chat router (nothing stands in for the Direct Line token route). */
async function serve(router: Router): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use('/', router);
  const server = await new Promise<Server>((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, server };
}

/** The JSON the page script reads, as the browser would see it. */
function pageConfig(html: string): { title: string | null; queryLocale: string | null; accentColor: string; strings: Record<string, Record<string, string>> } {
  const match = /<script type="application\/json" id="hearline-webchat-config">([^<]*)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error('page has no config JSON');
  return JSON.parse(match[1]);
}

/** A raw GET, so the test sees the bytes on the wire (fetch would undo the compression). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('web chat page router', () => {
  let url: string;
  let server: Server;

  beforeAll(async () => {
    ({ url, server } = await serve(webChatRouter({ prompts, title: HOSTILE_TITLE, accentColor: '#C0392B', defaultLocale: 'zh-CN' })));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const page = (query = '', acceptLanguage?: string) => fetch(`${url}/${query}`, { headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });

  it('serves the page with both locales\' texts from prompts, a strict CSP and the title escaped', async () => {
    const res = await page('', 'zh-CN,zh;q=0.9,en;q=0.8');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();

    const config = pageConfig(html);
    expect(config.title).toBe(HOSTILE_TITLE);
    expect(config.accentColor).toBe('#C0392B');
    for (const locale of LOCALES) {
      expect(Object.keys(config.strings[locale] ?? {}).sort()).toEqual([...PAGE_KEYS].sort());
      for (const key of PAGE_KEYS) expect(config.strings[locale]?.[key]).toBe(prompts.text(locale, `webchat.${key}`));
    }

    expect(html).not.toContain(HOSTILE_TITLE);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('<title>&#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62;</title>');
    expect(html).toContain(`<p id="hl-intro">${escapeHtml(prompts.text('zh-CN', 'webchat.intro'))}</p>`);
    // Three script elements: the JSON data block and two files from this server; nothing inline runs.
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts).toEqual([
      '<script type="application/json" id="hearline-webchat-config">',
      '<script src="/webchat/webchat.js?v=4.18.1" defer>',
      expect.stringMatching(/^<script src="\/webchat\/page\.js\?v=[0-9a-f]{16}" defer>$/),
    ]);
    expect(html).not.toMatch(/https?:\/\//);

    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toBe(WEBCHAT_CONTENT_SECURITY_POLICY);
    const directives = new Map(csp.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources] as const;
    }));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(expect.arrayContaining(["'self'", 'ws:', 'wss:']));
    expect(directives.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(directives.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives.get('object-src') ?? directives.get('default-src')).toEqual(["'none'"]);
  });

  it('renders <html lang> and the chrome from ?locale=, then Accept-Language, then the default locale', async () => {
    const cases: Array<[query: string, acceptLanguage: string | undefined, lang: string, queryLocale: string | null]> = [
      ['?locale=en-US', 'zh-CN', 'en-US', 'en-US'],
      ['?locale=zh-CN', 'en-US', 'zh-CN', 'zh-CN'],
      ['?locale=zh-TW', 'en-US', 'zh-CN', 'zh-CN'],
      ['?locale=en', undefined, 'en-US', 'en-US'],
      ['?locale=fr-FR', 'zh-CN', 'zh-CN', null],
      ['?locale=en-US&locale=zh-CN', 'en-GB', 'en-US', null],
      ['?locale=%3Cscript%3E', 'fr-FR', 'en-US', null],
      ['', 'en-GB,en;q=0.9', 'en-US', null],
      ['', 'fr-FR,zh-CN;q=0.5', 'zh-CN', null],
      ['', 'de-DE', 'en-US', null],
      ['', undefined, 'zh-CN', null],
    ];
    for (const [query, acceptLanguage, lang, queryLocale] of cases) {
      const res = await page(query, acceptLanguage);
      const html = await res.text();
      expect({ query, acceptLanguage, status: res.status, lang: /<html lang="([^"]*)">/.exec(html)?.[1], queryLocale: pageConfig(html).queryLocale })
        .toEqual({ query, acceptLanguage, status: 200, lang, queryLocale });
      expect(html).toContain(`<p id="hl-intro">${escapeHtml(prompts.text(lang === 'en-US' ? 'en-US' : 'zh-CN', 'webchat.intro'))}</p>`);
    }
    expect(((await page('', 'en-US')).headers.get('vary') ?? '').toLowerCase()).toContain('accept-language');
  });

  it('hides the header in embed mode', async () => {
    expect(await (await page('?embed=1&locale=en-US')).text()).toContain('<body class="hl-embed">');
    expect(await (await page('?embed=yes')).text()).toContain('<body class="hl-full">');
    const css = await (await fetch(`${url}/webchat/page.css`)).text();
    expect(css).toContain('.hl-embed .hl-header { display: none; }');
    expect(css).toContain('--hl-accent: #C0392B;');
  });

  it('serves the official Web Chat bundle from node_modules, cached for a year', async () => {
    const onDisk = fs.readFileSync(BUNDLE);
    const plain = await rawGet(`${url}/webchat/webchat.js?v=4.18.1`, { 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toMatch(/^(text|application)\/javascript; charset=utf-8$/);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024 * 1024);
    expect(sha256(plain.body)).toBe(sha256(onDisk));

    const zipped = await rawGet(`${url}/webchat/webchat.js?v=4.18.1`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toMatch(/accept-encoding/i);
    expect(zipped.body.length).toBeLessThan(onDisk.length / 2);
    expect(sha256(gunzipSync(zipped.body))).toBe(sha256(onDisk));

    const etag = plain.headers.etag ?? '';
    expect(etag).not.toBe('');
    const again = await rawGet(`${url}/webchat/webchat.js?v=4.18.1`, { 'accept-encoding': 'identity', 'if-none-match': etag });
    expect(again.status).toBe(304);
  });

  it('serves the page script as a file, under the versioned URL the page names', async () => {
    const html = await (await page()).text();
    const src = /<script src="(\/webchat\/page\.js\?v=[0-9a-f]+)"/.exec(html)?.[1];
    const res = await fetch(`${url}${src ?? '/missing'}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe(PAGE_SCRIPT);
  });

  it('serves /embed.js: a bubble with accessible names in both locales that opens the embed page', async () => {
    const res = await fetch(`${url}/embed.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const source = await res.text();
    expect(() => new vm.Script(source, { filename: 'embed.js' })).not.toThrow();
    expect(source).toContain('document.currentScript');
    expect(source).toContain("new URL(script.src, location.href).origin");
    expect(source).toContain("'/?embed=1&locale=' + encodeURIComponent(locale)");
    expect(source).toContain("button.setAttribute('aria-label'");
    const config = JSON.parse(/\}\)\((\{.*\})\);\s*$/.exec(source)?.[1] ?? 'null');
    expect(config).toEqual({
      accentColor: '#C0392B',
      defaultLocale: 'zh-CN',
      strings: Object.fromEntries(LOCALES.map((locale) => [locale, {
        openChat: prompts.text(locale, 'webchat.openChat'),
        closeChat: prompts.text(locale, 'webchat.closeChat'),
        chatWindow: prompts.text(locale, 'webchat.chatWindow'),
      }])),
    });
  });

  it('leaves every other path and method to the routers after it', async () => {
    expect((await fetch(`${url}/webchat/other.js`)).status).toBe(404);
    expect((await fetch(`${url}/api/directline/token`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${url}/`, { method: 'POST' })).status).toBe(404);
  });
});

describe('webChatRouter set-up', () => {
  it('refuses an accent colour that is not #RRGGBB', () => {
    expect(() => webChatRouter({ prompts, title: 'x', accentColor: 'red;}body{display:none', defaultLocale: 'zh-CN' })).toThrow(
      /^webChatRouter: accentColor must look like #0063B1/,
    );
  });

  it('uses each locale\'s fallback title when the configured one is blank', async () => {
    const { url, server } = await serve(webChatRouter({ prompts, title: '  ', accentColor: '#0063B1', defaultLocale: 'en-US' }));
    try {
      const html = await (await fetch(`${url}/`)).text();
      expect(pageConfig(html).title).toBeNull();
      expect(html).toContain(`<title>${escapeHtml(prompts.text('en-US', 'webchat.title'))}</title>`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
