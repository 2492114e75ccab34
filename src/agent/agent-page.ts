import type { Role } from '../auth/roles';
import { escapeHtml, jsonForScript } from '../channels/webchat/webchat-html';
import type { Locale } from '../domain/complaint';

/** Everything the page script reads from the `#hl-agent-config` JSON. */
export interface AgentPageConfig {
  /** The language the page starts in (the browser's, or `?lang=`); the page can switch. */
  uiLocale: Locale;
  /** The page's texts per locale, `{placeholder}` templates filled in by the script. */
  strings: Record<Locale, Record<string, string>>;
  user: { name: string; role: Role };
  /** Sent back in X-CSRF-Token with every change. */
  csrfToken: string;
  locales: Locale[];
  skills: string[];
  outcomes: string[];
  /** Path of the live socket on this server. */
  socketPath: string;
  heartbeatSeconds: number;
}

/**
 * The page's skeleton, its labels already in the starting language (each also names its text
 * key in `data-t`, so the script can switch language without a reload). The script fills in the
 * queue, the conversation, its packet and messages.
 */
export function renderAgentPage(params: { config: AgentPageConfig; assets: { script: string; stylesheet: string } }): string {
  const { config, assets } = params;
  const strings = config.strings[config.uiLocale];
  const t = (key: string) => `data-t="${escapeHtml(key)}">${escapeHtml(strings[key] ?? key)}`;
  const localeKey = (locale: string) => `locale.${locale.replace('-', '')}`;
  const localeBoxes = config.locales
    .map((locale) => `<label class="hl-check"><input type="checkbox" name="locale" value="${escapeHtml(locale)}"> <span ${t(localeKey(locale))}</span></label>`)
    .join('');
  const skillBoxes = config.skills
    .map((skill) => `<label class="hl-check"><input type="checkbox" name="skill" value="${escapeHtml(skill)}"> <span ${t(`skill.${skill}`)}</span></label>`)
    .join('');
  const skillOptions = config.skills.map((skill) => `<option value="${escapeHtml(skill)}" ${t(`skill.${skill}`)}</option>`).join('');
  const outcomeOptions = config.outcomes.map((outcome) => `<option value="${escapeHtml(outcome)}" ${t(`outcome.${outcome}`)}</option>`).join('');
  const column = (key: string) => `<th scope="col" ${t(`columns.${key}`)}</th>`;
  return `<!doctype html>
<html lang="${escapeHtml(strings['htmlLang'] ?? config.uiLocale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title ${t('pageTitle')}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(assets.stylesheet)}">
<script type="application/json" id="hl-agent-config">${jsonForScript(config)}</script>
<script src="${escapeHtml(assets.script)}" defer></script>
</head>
<body>
<header class="hl-top">
<h1 ${t('heading')}</h1>
<form id="hl-presence" class="hl-presence">
<span id="hl-presence-state" class="hl-pill hl-pill-off" ${t('presence.offline')}</span>
<fieldset><legend ${t('presence.locales')}</legend>${localeBoxes}</fieldset>
<details class="hl-skills"><summary ${t('presence.skills')}</summary><fieldset>${skillBoxes}</fieldset></details>
<button type="submit" id="hl-go-online" class="hl-light" ${t('presence.goOnline')}</button>
<button type="button" id="hl-go-offline" class="hl-light" hidden ${t('presence.goOffline')}</button>
</form>
<div class="hl-user">
<span id="hl-user"></span>
<button type="button" class="hl-link" id="hl-lang-zh" lang="zh-CN" ${t('auth.languageZh')}</button>
<button type="button" class="hl-link" id="hl-lang-en" lang="en-US" ${t('auth.languageEn')}</button>
<button type="button" id="hl-signout" class="hl-light" ${t('signOut')}</button>
</div>
</header>
<div id="hl-message" class="hl-message" role="status" hidden></div>
<p id="hl-live" class="hl-live" aria-live="polite"></p>
<main class="hl-layout">
<aside class="hl-side">
<section aria-labelledby="hl-queue-heading">
<h2 id="hl-queue-heading" ${t('queue.heading')}</h2>
<p id="hl-queue-count" class="hl-muted"></p>
<p id="hl-offline-hint" class="hl-muted" hidden ${t('queue.offlineHint')}</p>
<table id="hl-queue">
<thead><tr>${['customer', 'language', 'channel', 'waited', 'priority', 'emotion', 'skill'].map(column).join('')}</tr></thead>
<tbody></tbody>
</table>
<p id="hl-queue-empty" class="hl-muted" hidden ${t('queue.empty')}</p>
</section>
<section aria-labelledby="hl-mine-heading">
<h2 id="hl-mine-heading" ${t('mine.heading')}</h2>
<ul id="hl-mine" class="hl-mine"></ul>
<p id="hl-mine-empty" class="hl-muted" hidden ${t('mine.empty')}</p>
</section>
</aside>
<section id="hl-conversation" class="hl-main" aria-labelledby="hl-c-heading">
<p id="hl-pick" class="hl-muted" ${t('conversation.pick')}</p>
<div id="hl-view" hidden>
<div class="hl-view-head">
<h2 id="hl-c-heading"></h2>
<span id="hl-c-state" class="hl-pill"></span>
<span id="hl-c-place" class="hl-muted"></span>
</div>
<p id="hl-c-left" class="hl-notice" role="status" hidden></p>
<div class="hl-buttons">
<button type="button" id="hl-claim" class="hl-primary" ${t('actions.claim')}</button>
<button type="button" id="hl-return" ${t('actions.return')}</button>
<button type="button" id="hl-transfer" ${t('actions.transfer')}</button>
<button type="button" id="hl-close" ${t('actions.close')}</button>
</div>
<form id="hl-transfer-form" class="hl-inline-form" hidden>
<h3 ${t('transfer.heading')}</h3>
<label><span ${t('transfer.toAgent')}</span> <select id="hl-t-agent" name="toAgent"></select></label>
<label><span ${t('transfer.toSkill')}</span> <select id="hl-t-skill" name="toSkill"><option value="" ${t('transfer.choose')}</option>${skillOptions}</select></label>
<p class="hl-field-error" data-field="toAgent" role="alert"></p>
<button type="submit" class="hl-primary" ${t('transfer.submit')}</button>
<button type="button" id="hl-transfer-cancel" ${t('transfer.cancel')}</button>
</form>
<form id="hl-close-form" class="hl-inline-form" hidden>
<h3 ${t('close.heading')}</h3>
<label><span ${t('close.outcome')}</span> <select id="hl-c-outcome" name="outcome">${outcomeOptions}</select></label>
<label class="hl-grow"><span ${t('close.note')}</span> <input id="hl-c-note" name="note" maxlength="500"></label>
<p class="hl-field-error" data-field="note" role="alert"></p>
<button type="submit" class="hl-primary" ${t('close.submit')}</button>
<button type="button" id="hl-close-cancel" ${t('close.cancel')}</button>
</form>
<div class="hl-columns">
<section id="hl-packet" class="hl-card" aria-labelledby="hl-packet-heading">
<h3 id="hl-packet-heading" ${t('packet.heading')}</h3>
<div id="hl-packet-body"></div>
</section>
<section class="hl-card hl-chat" aria-labelledby="hl-messages-heading">
<h3 id="hl-messages-heading" ${t('messages.heading')}</h3>
<ol id="hl-messages" class="hl-messages" aria-live="polite"></ol>
<p id="hl-not-pushed" class="hl-notice" hidden ${t('conversation.notPushed')}</p>
<form id="hl-reply" class="hl-reply">
<label for="hl-reply-text" ${t('reply.label')}</label>
<textarea id="hl-reply-text" name="text" rows="3" maxlength="2000"></textarea>
<p class="hl-field-error" data-field="text" role="alert"></p>
<button type="submit" id="hl-send" class="hl-primary" ${t('reply.send')}</button>
</form>
<section class="hl-canned" aria-labelledby="hl-canned-heading">
<h4 id="hl-canned-heading" ${t('canned.heading')}</h4>
<label class="hl-grow"><span ${t('canned.search')}</span> <input id="hl-canned-q" type="search" maxlength="200"></label>
<ul id="hl-canned"></ul>
</section>
</section>
</div>
</div>
</section>
</main>
</body>
</html>
`;
}
