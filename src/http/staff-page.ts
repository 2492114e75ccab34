import fs from 'node:fs';
import path from 'node:path';
import type { Response, Router } from 'express';
import { LOCALES, type Locale } from '../domain/complaint';
import type { PromptCatalog } from '../i18n/prompt-catalog';
import { IMMUTABLE_CACHE, contentVersion, sendAsset } from './static-asset';

/**
 * The Content-Security-Policy of the staff pages (the editor and the agent console): scripts and
 * styles only as files from this server (no inline script or style, no eval), requests and live
 * sockets only back here, never framed.
 */
export const STAFF_PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sends a staff page: the policy above and the headers that keep it out of frames and caches shared between users. */
export function sendStaffPage(res: Response, html: string): void {
  res.set({
    'Content-Security-Policy': STAFF_PAGE_CONTENT_SECURITY_POLICY,
    'Referrer-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    Vary: 'Accept-Language, Cookie',
  });
  res.type('html').send(html);
}

/**
 * Serves a staff page's script and stylesheet (`<dir>/<name>.js` and `.css`, read once) under
 * `<mountPath>/assets/`, cached for good, and returns their URLs with the content version.
 */
export function serveStaffAssets(router: Router, mountPath: string, dir: string, name: string): { script: string; stylesheet: string } {
  const script = fs.readFileSync(path.join(dir, `${name}.js`), 'utf8');
  const stylesheet = fs.readFileSync(path.join(dir, `${name}.css`), 'utf8');
  router.get(`/assets/${name}.js`, (_req, res) => sendAsset(res, 'js', script, IMMUTABLE_CACHE));
  router.get(`/assets/${name}.css`, (_req, res) => sendAsset(res, 'css', stylesheet, IMMUTABLE_CACHE));
  return {
    script: `${mountPath}/assets/${name}.js?v=${contentVersion(script)}`,
    stylesheet: `${mountPath}/assets/${name}.css?v=${contentVersion(stylesheet)}`,
  };
}

/**
 * A staff page's texts per locale, as `{placeholder}` templates the page script fills in: every
 * prompt under `prefix` (without it) except those under `skip`, every prompt under one of
 * `alsoUnder` (with its full key), and the role and language names every staff page shows.
 */
export function staffPageStrings(
  prompts: PromptCatalog,
  prefix: string,
  options: { skip?: string; alsoUnder?: readonly string[] } = {},
): Record<Locale, Record<string, string>> {
  // Each placeholder renders as itself, so the catalogue's checks still apply to these texts.
  const asTemplate = new Proxy<Record<string, string>>({}, { get: (_target, name) => `{${String(name)}}` });
  const alsoUnder = ['auth.roles.', ...(options.alsoUnder ?? [])];
  const forLocale = (locale: Locale): Record<string, string> => {
    const strings: Record<string, string> = {};
    for (const key of prompts.keys(locale)) {
      if (key.startsWith(prefix) && !(options.skip && key.startsWith(options.skip))) strings[key.slice(prefix.length)] = prompts.text(locale, key, asTemplate);
      if (alsoUnder.some((under) => key.startsWith(under)) || key === 'auth.languageZh' || key === 'auth.languageEn') strings[key] = prompts.text(locale, key);
    }
    return strings;
  };
  return Object.fromEntries(LOCALES.map((locale) => [locale, forLocale(locale)])) as Record<Locale, Record<string, string>>;
}
