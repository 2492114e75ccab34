import type { Locale } from '../domain/complaint';
import { escapeHtml } from '../channels/webchat/webchat-html';
import type { PromptCatalog } from '../i18n/prompt-catalog';

/**
 * The sign-in and "not allowed" pages' Content-Security-Policy: no script at all, styles only
 * from this server, forms only posted back here, never framed (clickjacking).
 */
export const AUTH_PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const AUTH_STYLESHEET_PATH = '/auth/assets/auth.css';

/** What the sign-in page shows besides the form. */
export type LoginNotice = 'failed' | 'formExpired' | 'signedOut' | { tooMany: number };

/** The sign-in page: a plain form (works without JavaScript) and a zh/en switch. */
export function renderLoginPage(params: {
  prompts: PromptCatalog;
  locale: Locale;
  /** Login-CSRF token, also set as a cookie: the form must send it back. */
  csrfToken: string;
  next: string | undefined;
  name?: string;
  notice?: LoginNotice;
}): string {
  const { prompts, locale } = params;
  const t = (key: string, vars?: Record<string, string | number>) => escapeHtml(prompts.text(locale, `auth.${key}`, vars));
  const query = (lang: Locale) => `/login?${new URLSearchParams({ lang, ...(params.next ? { next: params.next } : {}) }).toString()}`;
  const notice = params.notice;
  const noticeHtml =
    notice === undefined
      ? ''
      : notice === 'signedOut'
        ? `<p class="hl-notice" role="status">${t('signedOut')}</p>`
        : `<p class="hl-error" role="alert">${typeof notice === 'object' ? t('tooMany', { seconds: notice.tooMany }) : t(notice)}</p>`;
  return page(t('htmlLang'), t('pageTitle'), `
<nav class="hl-lang" aria-label="${t('languageLabel')}">
<a href="${escapeHtml(query('zh-CN'))}" lang="zh-CN"${locale === 'zh-CN' ? ' aria-current="true"' : ''}>${t('languageZh')}</a>
<a href="${escapeHtml(query('en-US'))}" lang="en-US"${locale === 'en-US' ? ' aria-current="true"' : ''}>${t('languageEn')}</a>
</nav>
<h1>${t('heading')}</h1>
<p class="hl-intro">${t('intro')}</p>
${noticeHtml}
<form method="post" action="/login" class="hl-form">
<input type="hidden" name="csrf" value="${escapeHtml(params.csrfToken)}">
<input type="hidden" name="lang" value="${escapeHtml(locale)}">
${params.next ? `<input type="hidden" name="next" value="${escapeHtml(params.next)}">` : ''}
<label for="hl-name">${t('name')}</label>
<input id="hl-name" name="name" autocomplete="username" required maxlength="64" value="${escapeHtml(params.name ?? '')}"${params.name ? '' : ' autofocus'}>
<label for="hl-password">${t('password')}</label>
<input id="hl-password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${params.name ? ' autofocus' : ''}>
<button type="submit">${t('submit')}</button>
</form>`);
}

/** Shown to a signed-in user whose role may not open a page; offers to sign out. */
export function renderForbiddenPage(params: { prompts: PromptCatalog; locale: Locale; userName: string; roleName: string; csrfToken: string }): string {
  const { prompts, locale } = params;
  const t = (key: string, vars?: Record<string, string | number>) => escapeHtml(prompts.text(locale, `auth.${key}`, vars));
  return page(t('htmlLang'), t('forbiddenTitle'), `
<h1>${t('forbiddenHeading')}</h1>
<p class="hl-error" role="alert">${t('forbidden', { name: params.userName, role: params.roleName })}</p>
<form method="post" action="/logout" class="hl-form">
<input type="hidden" name="csrf" value="${escapeHtml(params.csrfToken)}">
<input type="hidden" name="lang" value="${escapeHtml(locale)}">
<button type="submit">${t('signOut')}</button>
</form>`);
}

function page(lang: string, title: string, main: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${AUTH_STYLESHEET_PATH}">
</head>
<body>
<main class="hl-card">${main}
</main>
</body>
</html>
`;
}
