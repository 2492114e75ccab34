/**
 * The two scripts Hearline sends to browsers, kept as source text so they ship inside the
 * compiled server (dist/ holds no loose asset files) and are served as static files: the page's
 * Content-Security-Policy allows scripts from 'self' only, never inline.
 *
 * They are plain ES2017 without template literals, and read every text for people from the
 * JSON the server renders from prompts/. `browser-scripts.test.ts` checks that both parse;
 * `test/webchat.e2e.test.ts` runs them in Chromium.
 */

/**
 * GET /webchat/page.js: picks the locale, fills the page chrome from the embedded JSON, fetches
 * a Direct Line token and renders the official Web Chat into `#hl-webchat`.
 */
export const PAGE_SCRIPT = String.raw`(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('hearline-webchat-config').textContent);
  var languages = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  var locale = config.queryLocale || pickLocale(languages, config.defaultLocale);
  var strings = config.strings[locale];
  var title = config.title || strings.title;

  var statusBox = document.getElementById('hl-status');
  var errorBox = document.getElementById('hl-error');
  var retryButton = document.getElementById('hl-retry');

  // The server rendered its best guess from Accept-Language; the browser's own list decides.
  document.documentElement.lang = strings.htmlLang;
  document.title = title;
  setText('hl-title', title);
  setText('hl-intro', strings.intro);
  setText('hl-status', strings.connecting);
  setText('hl-error-text', strings.tokenError);
  setText('hl-retry', strings.retry);

  /** zh* means Simplified Chinese, en* English; a list naming neither gets English. */
  function pickLocale(list, fallback) {
    var seen = 0;
    for (var i = 0; i < list.length; i++) {
      if (!list[i]) continue;
      seen++;
      var tag = String(list[i]).toLowerCase();
      if (tag.indexOf('zh') === 0) return 'zh-CN';
      if (tag.indexOf('en') === 0) return 'en-US';
    }
    return seen > 0 ? 'en-US' : fallback;
  }

  function setText(id, text) {
    var element = document.getElementById(id);
    if (element) element.textContent = text;
  }

  function showError(error) {
    if (error) console.error(error);
    statusBox.hidden = true;
    errorBox.hidden = false;
  }

  function start() {
    errorBox.hidden = true;
    statusBox.hidden = false;
    if (!window.WebChat) {
      showError(new Error('Web Chat bundle did not load'));
      return;
    }
    fetch(config.tokenPath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ locale: locale }),
      credentials: 'same-origin',
      cache: 'no-store'
    })
      .then(function (response) {
        if (!response.ok) throw new Error('token request answered ' + response.status);
        return response.json();
      })
      .then(function (session) {
        if (!session || typeof session.token !== 'string' || !session.token) throw new Error('token response holds no token');
        render(session);
      })
      .catch(showError);
  }

  // No userID: the token carries the user's dl_ id, which Web Chat reads from it.
  function render(session) {
    var props = {
      directLine: window.WebChat.createDirectLine({
        token: session.token,
        domain: location.origin + config.directLinePath,
        webSocket: true,
        // Sent with POST /conversations, so the bot greets in the customer's language.
        conversationStartProperties: { locale: locale }
      }),
      locale: locale,
      styleOptions: {
        accent: config.accentColor,
        botAvatarInitials: strings.botAvatarInitials,
        userAvatarInitials: strings.userAvatarInitials,
        hideUploadButton: false,
        suggestedActionLayout: 'flow'
      }
    };
    window.WebChat.renderWebChat(props, document.getElementById('hl-webchat'));
    statusBox.hidden = true;
  }

  retryButton.addEventListener('click', start);
  start();
})();
`;

/** What the embed script needs to know, rendered into it as JSON. */
export interface EmbedScriptConfig {
  accentColor: string;
  defaultLocale: string;
  /** Per locale: openChat, closeChat and chatWindow (the iframe's accessible name). */
  strings: Record<string, { openChat: string; closeChat: string; chatWindow: string }>;
}

/**
 * GET /embed.js: one `<script src="https://hearline.example/embed.js">` on any site adds a
 * floating chat button that opens this server's page (`/?embed=1&locale=…`) in an iframe. The
 * server's address comes from the script's own src, so the snippet needs no configuration;
 * `data-locale="en-US"` on the tag overrides the browser's languages.
 *
 * @param configJson the EmbedScriptConfig, already serialised with `jsonForScript`.
 */
export function embedScript(configJson: string): string {
  return String.raw`(function (config) {
  'use strict';

  var script = document.currentScript;
  // Without its own src the script cannot know which server to open; a second copy must not add a second button.
  if (!script || !script.src || document.getElementById('hearline-chat-button')) return;
  var origin = new URL(script.src, location.href).origin;
  var languages = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  var locale = normalise(script.getAttribute('data-locale')) || pickLocale(languages, config.defaultLocale);
  var strings = config.strings[locale];
  var SVG = 'http://www.w3.org/2000/svg';
  var CHAT_ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z';
  var CLOSE_ICON = 'M6 6l12 12M18 6L6 18';

  function normalise(tag) {
    if (!tag) return null;
    tag = String(tag).toLowerCase();
    if (tag.indexOf('zh') === 0) return 'zh-CN';
    if (tag.indexOf('en') === 0) return 'en-US';
    return null;
  }

  /** zh* means Simplified Chinese, en* English; a list naming neither gets English. */
  function pickLocale(list, fallback) {
    var seen = 0;
    for (var i = 0; i < list.length; i++) {
      if (!list[i]) continue;
      seen++;
      var found = normalise(list[i]);
      if (found) return found;
    }
    return seen > 0 ? 'en-US' : fallback;
  }

  function applyStyle(element, style) {
    for (var name in style) element.style.setProperty(name, style[name]);
  }

  var button = document.createElement('button');
  button.type = 'button';
  button.id = 'hearline-chat-button';
  button.setAttribute('aria-controls', 'hearline-chat-panel');
  applyStyle(button, {
    position: 'fixed', right: '20px', bottom: '20px', width: '56px', height: '56px', padding: '0',
    display: 'flex', 'align-items': 'center', 'justify-content': 'center',
    border: '0', 'border-radius': '50%', background: config.accentColor, color: '#fff',
    'box-shadow': '0 4px 12px rgba(0, 0, 0, 0.3)', cursor: 'pointer', 'z-index': '2147483000'
  });
  var icon = document.createElementNS(SVG, 'svg');
  icon.setAttribute('viewBox', '0 0 24 24');
  icon.setAttribute('width', '28');
  icon.setAttribute('height', '28');
  icon.setAttribute('aria-hidden', 'true');
  icon.setAttribute('focusable', 'false');
  var iconPath = document.createElementNS(SVG, 'path');
  iconPath.setAttribute('stroke', 'currentColor');
  iconPath.setAttribute('stroke-width', '2');
  iconPath.setAttribute('stroke-linecap', 'round');
  iconPath.setAttribute('stroke-linejoin', 'round');
  icon.appendChild(iconPath);
  button.appendChild(icon);

  var panel = null;
  var open = false;

  function showState() {
    button.setAttribute('aria-label', open ? strings.closeChat : strings.openChat);
    button.title = open ? strings.closeChat : strings.openChat;
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    iconPath.setAttribute('d', open ? CLOSE_ICON : CHAT_ICON);
    iconPath.setAttribute('fill', open ? 'none' : 'currentColor');
    if (panel) panel.style.display = open ? 'block' : 'none';
  }

  // The iframe is made on first open, so visitors who never chat never ask for a token.
  function makePanel() {
    panel = document.createElement('div');
    panel.id = 'hearline-chat-panel';
    applyStyle(panel, {
      position: 'fixed', right: '20px', bottom: '88px',
      width: 'min(400px, calc(100vw - 40px))', height: 'min(640px, calc(100vh - 120px))',
      'border-radius': '12px', overflow: 'hidden', background: '#fff',
      'box-shadow': '0 8px 28px rgba(0, 0, 0, 0.3)', 'z-index': '2147483000'
    });
    var frame = document.createElement('iframe');
    frame.src = origin + '/?embed=1&locale=' + encodeURIComponent(locale);
    frame.title = strings.chatWindow;
    frame.setAttribute('allow', 'clipboard-write');
    applyStyle(frame, { width: '100%', height: '100%', border: '0', display: 'block' });
    panel.appendChild(frame);
    document.body.appendChild(panel);
    return frame;
  }

  button.addEventListener('click', function () {
    open = !open;
    var frame = open && !panel ? makePanel() : null;
    showState();
    if (frame) frame.focus();
  });
  document.addEventListener('keydown', function (event) {
    if (open && event.key === 'Escape') {
      open = false;
      showState();
      button.focus();
    }
  });

  function mount() {
    showState();
    document.body.appendChild(button);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})(${configJson});
`;
}
