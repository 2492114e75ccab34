import { Router, type Request } from 'express';
import { z } from 'zod';
import { LOCALES, type Locale } from '../../domain/complaint';
import { contentVersion, IMMUTABLE_CACHE, sendAsset } from '../../http/static-asset';
import type { PromptCatalog } from '../../i18n/prompt-catalog';
import { embedScript, type EmbedScriptConfig, PAGE_SCRIPT } from './browser-scripts';
import { locateWebChatBundle } from './webchat-bundle';
import { jsonForScript, type PageConfig, type PageStrings, renderChatPage, renderStylesheet } from './webchat-html';
import { normaliseLocale } from '../../i18n/locale';

export { normaliseLocale };

/** Where the page asks for a Direct Line token (`POST`, JSON body `{ locale }`). */
export const DIRECT_LINE_TOKEN_PATH = '/api/directline/token';
/** Base of the Direct Line 3.0 API that Web Chat talks to (its `domain` option). */
export const DIRECT_LINE_BASE_PATH = '/v3/directline';

/**
 * The chat page's Content-Security-Policy. Scripts come only from this server as files (no
 * inline script, no eval: the Web Chat 4.18 bundle does not need 'unsafe-eval'). Web Chat
 * injects its styles as `<style>` elements at run time, hence 'unsafe-inline' for styles only.
 * Direct Line's stream is a WebSocket; uploads are read back from blob: URLs before sending, and
 * Web Chat resizes images in a worker made from a blob: URL. Any site may frame the page, since
 * that is what the embed bubble does.
 */
export const WEBCHAT_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss: blob:",
  'worker-src blob:',
  "base-uri 'none'",
  "form-action 'none'",
  'frame-ancestors *',
].join('; ');

/** What the web chat page needs; `title` and `accentColor` come from config.webChat. */
export interface WebChatPageDependencies {
  prompts: PromptCatalog;
  /** Shown in the header and the browser tab; blank means each locale's `webchat.title`. */
  title: string;
  /** `#RRGGBB`, used for Web Chat's accent, the header and the embed bubble. */
  accentColor: string;
  /** Locale for browsers that state no language at all. */
  defaultLocale: Locale;
}

const accentColorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/);

/** `?locale=` and `?embed=1`; anything else, or anything malformed, is ignored. */
const pageQuerySchema = z.object({
  locale: z.string().max(35).transform(normaliseLocale).optional().catch(undefined),
  embed: z.literal('1').optional().catch(undefined),
});

/** Sites embed /embed.js by a fixed URL: a short cache lets a new accent colour reach them soon. */
const EMBED_CACHE = 'public, max-age=300';

/**
 * The customer-facing web chat: mount at `/`.
 * - `GET /` the chat page (`?locale=zh-CN|en-US` overrides the browser's languages; `?embed=1`
 *   hides the header for the embed iframe);
 * - `GET /embed.js` the script that adds a chat bubble to any site;
 * - `GET /webchat/webchat.js`, `/webchat/page.js`, `/webchat/page.css` the page's files (the
 *   first is the official Web Chat bundle from node_modules, so the page works offline).
 * The page fetches its Direct Line token from `POST /api/directline/token` and talks to
 * `/v3/directline`, which other routers serve.
 */
export function webChatRouter(deps: WebChatPageDependencies): Router {
  const accent = accentColorSchema.safeParse(deps.accentColor);
  if (!accent.success) throw new Error(`webChatRouter: accentColor must look like #0063B1, not ${JSON.stringify(deps.accentColor)}`);
  const accentColor = accent.data;
  const bundle = locateWebChatBundle();

  const pageConfig: Omit<PageConfig, 'queryLocale'> = {
    title: deps.title.trim() || null,
    accentColor,
    defaultLocale: deps.defaultLocale,
    tokenPath: DIRECT_LINE_TOKEN_PATH,
    directLinePath: DIRECT_LINE_BASE_PATH,
    strings: localeRecord((locale) => pageStrings(deps.prompts, locale)),
  };
  const stylesheet = renderStylesheet(accentColor);
  const embedConfig: EmbedScriptConfig = {
    accentColor,
    defaultLocale: deps.defaultLocale,
    strings: localeRecord((locale) => ({
      openChat: deps.prompts.text(locale, 'webchat.openChat'),
      closeChat: deps.prompts.text(locale, 'webchat.closeChat'),
      chatWindow: deps.prompts.text(locale, 'webchat.chatWindow'),
    })),
  };
  const embed = embedScript(jsonForScript(embedConfig));
  const assets = {
    stylesheet: `/webchat/page.css?v=${contentVersion(stylesheet)}`,
    webChatBundle: `/webchat/webchat.js?v=${encodeURIComponent(bundle.version)}`,
    pageScript: `/webchat/page.js?v=${contentVersion(PAGE_SCRIPT)}`,
  };

  const router = Router();

  router.get('/', (req, res) => {
    const query = pageQuerySchema.parse(req.query);
    const initialLocale = query.locale ?? pickLocale(acceptedLanguages(req), deps.defaultLocale);
    const html = renderChatPage({ config: { ...pageConfig, queryLocale: query.locale ?? null }, initialLocale, embed: query.embed === '1', assets });
    res.set({
      'Content-Security-Policy': WEBCHAT_CONTENT_SECURITY_POLICY,
      'Cache-Control': 'no-cache',
      Vary: 'Accept-Language',
      'Referrer-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
    });
    res.type('html').send(html);
  });

  router.get('/webchat/webchat.js', async (req, res) => {
    const encoding = req.acceptsEncodings('gzip', 'identity') === 'gzip' ? 'gzip' : 'identity';
    const content = await bundle.content(encoding);
    res.set({ 'Cache-Control': IMMUTABLE_CACHE, Vary: 'Accept-Encoding', 'X-Content-Type-Options': 'nosniff' });
    if (encoding === 'gzip') res.set('Content-Encoding', 'gzip');
    res.type('js').send(content);
  });

  router.get('/webchat/page.js', (_req, res) => sendAsset(res, 'js', PAGE_SCRIPT, IMMUTABLE_CACHE));
  router.get('/webchat/page.css', (_req, res) => sendAsset(res, 'css', stylesheet, IMMUTABLE_CACHE));

  router.get('/embed.js', (_req, res) => {
    // Loaded by <script> tags on other sites, including ones that isolate themselves (COEP).
    res.set({ 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' });
    sendAsset(res, 'js', embed, EMBED_CACHE);
  });

  return router;
}

/**
 * The locale for a browser's preferred languages, in order: the first Chinese or English one
 * wins; a list naming neither gets English; an empty list gets `fallback`. The page script
 * applies the same rule to `navigator.languages`.
 */
export function pickLocale(languages: readonly string[], fallback: Locale): Locale {
  for (const tag of languages) {
    const locale = normaliseLocale(tag);
    if (locale) return locale;
  }
  return languages.length > 0 ? 'en-US' : fallback;
}

function acceptedLanguages(req: Request): string[] {
  return req.acceptsLanguages().filter((tag) => tag !== '*');
}

function pageStrings(prompts: PromptCatalog, locale: Locale): PageStrings {
  const text = (key: keyof PageStrings) => prompts.text(locale, `webchat.${key}`);
  return {
    htmlLang: text('htmlLang'),
    title: text('title'),
    intro: text('intro'),
    connecting: text('connecting'),
    tokenError: text('tokenError'),
    retry: text('retry'),
    noScript: text('noScript'),
    botAvatarInitials: text('botAvatarInitials'),
    userAvatarInitials: text('userAvatarInitials'),
  };
}

function localeRecord<T>(make: (locale: Locale) => T): Record<Locale, T> {
  const record: Partial<Record<Locale, T>> = {};
  for (const locale of LOCALES) record[locale] = make(locale);
  return record as Record<Locale, T>;
}

