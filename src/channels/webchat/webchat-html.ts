import type { Locale } from '../../domain/complaint';

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * JSON that is safe inside a `<script>` element and inside a JavaScript file: `<`, `>` and `&`
 * become \u escapes so no `</script>` or `<!--` can end or change the element, and U+2028/U+2029
 * are escaped for older JavaScript parsers. JSON.parse and JavaScript read it back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The page's texts in one locale, as the browser script receives them. */
export interface PageStrings {
  htmlLang: string;
  title: string;
  intro: string;
  connecting: string;
  tokenError: string;
  retry: string;
  noScript: string;
  botAvatarInitials: string;
  userAvatarInitials: string;
}

/** Everything the page script reads from the `#hearline-webchat-config` JSON. */
export interface PageConfig {
  /** The configured title, or null to use each locale's fallback title. */
  title: string | null;
  accentColor: string;
  defaultLocale: Locale;
  /** The locale the URL asked for (`?locale=`), which beats the browser's languages. */
  queryLocale: Locale | null;
  tokenPath: string;
  directLinePath: string;
  strings: Record<Locale, PageStrings>;
}

/** Where the page's own files are, with their cache-busting versions. */
export interface PageAssets {
  stylesheet: string;
  webChatBundle: string;
  pageScript: string;
}

/**
 * The HTML of the chat page, filled in for `initialLocale` (the server's guess, so the page
 * reads right before any script runs) and carrying both locales' texts for the page script.
 * In embed mode the header is hidden: the embedding site's bubble frames the chat itself.
 */
export function renderChatPage(params: { config: PageConfig; initialLocale: Locale; embed: boolean; assets: PageAssets }): string {
  const { config, initialLocale, embed, assets } = params;
  const strings = config.strings[initialLocale];
  const title = config.title ?? strings.title;
  return `<!doctype html>
<html lang="${escapeHtml(strings.htmlLang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(assets.stylesheet)}">
<script type="application/json" id="hearline-webchat-config">${jsonForScript(config)}</script>
<script src="${escapeHtml(assets.webChatBundle)}" defer></script>
<script src="${escapeHtml(assets.pageScript)}" defer></script>
</head>
<body class="${embed ? 'hl-embed' : 'hl-full'}">
<header class="hl-header">
<h1 id="hl-title">${escapeHtml(title)}</h1>
<p id="hl-intro">${escapeHtml(strings.intro)}</p>
</header>
<main class="hl-main">
<p id="hl-status" class="hl-status" role="status">${escapeHtml(strings.connecting)}</p>
<div id="hl-error" class="hl-error" role="alert" hidden>
<p id="hl-error-text">${escapeHtml(strings.tokenError)}</p>
<button id="hl-retry" type="button">${escapeHtml(strings.retry)}</button>
</div>
<noscript><p class="hl-noscript">${escapeHtml(strings.noScript)}</p></noscript>
<div id="hl-webchat" class="hl-webchat"></div>
</main>
</body>
</html>
`;
}

/** The page's stylesheet; the accent colour must already be a checked `#RRGGBB`. */
export function renderStylesheet(accentColor: string): string {
  return `:root { --hl-accent: ${accentColor}; }
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body {
  display: flex; flex-direction: column; background: #f4f5f7; color: #1f2328;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
}
.hl-header { flex: none; padding: 12px 20px; background: var(--hl-accent); color: #fff; }
.hl-header h1 { margin: 0; font-size: 1.25rem; }
.hl-header p { margin: 4px 0 0; font-size: 0.95rem; opacity: 0.95; }
.hl-embed .hl-header { display: none; }
.hl-main { flex: 1; display: flex; flex-direction: column; min-height: 0; width: 100%; max-width: 960px; margin: 0 auto; background: #fff; }
.hl-status, .hl-noscript { margin: 16px 20px; color: #57606a; }
.hl-error { margin: 16px 20px; padding: 12px 16px; border: 1px solid #d1242f; border-radius: 6px; color: #82071e; background: #ffebe9; }
.hl-error p { margin: 0 0 8px; }
.hl-error button { font: inherit; padding: 6px 14px; border: 0; border-radius: 6px; background: var(--hl-accent); color: #fff; cursor: pointer; }
.hl-webchat { flex: 1; min-height: 0; }
[hidden] { display: none !important; }
`;
}
