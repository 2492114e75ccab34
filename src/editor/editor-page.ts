import type { Role } from '../auth/roles';
import { escapeHtml, jsonForScript } from '../channels/webchat/webchat-html';
import type { Locale } from '../domain/complaint';

/** Everything the page script reads from the `#hl-editor-config` JSON. */
export interface EditorPageConfig {
  /** The language the page starts in (the browser's, or `?lang=`); the page can switch. */
  uiLocale: Locale;
  /** The page's texts per locale, `{placeholder}` templates filled in by the script. */
  strings: Record<Locale, Record<string, string>>;
  user: { name: string; role: Role };
  /** Sent back in X-CSRF-Token with every change. */
  csrfToken: string;
  locales: Locale[];
  categories: string[];
  actions: string[];
  /** YYYY-MM-DD, for the "last reviewed" field of a new article. */
  today: string;
}

/**
 * The page's skeleton, its labels already in the starting language (each also names its text
 * key in `data-t`, so the script can switch language without a reload). The script fills in
 * the lists, the form and the results.
 */
export function renderEditorPage(params: { config: EditorPageConfig; assets: { script: string; stylesheet: string } }): string {
  const { config, assets } = params;
  const strings = config.strings[config.uiLocale];
  const t = (key: string) => `data-t="${escapeHtml(key)}">${escapeHtml(strings[key] ?? key)}`;
  const field = (name: string, control: string) =>
    `<div class="hl-field hl-field-${name}"><label for="hl-e-${name}" ${t(`fields.${name}`)}</label>${control}<p class="hl-field-error" data-field="${name}" role="alert"></p></div>`;
  const localeOptions = config.locales.map((locale) => `<option value="${locale}">${locale}</option>`).join('');
  const categoryOptions = config.categories.map((category) => `<option value="${escapeHtml(category)}">${escapeHtml(category)}</option>`).join('');
  const actionBoxes = config.actions
    .map((action) => `<label class="hl-check"><input type="checkbox" name="actions" value="${escapeHtml(action)}"> <span ${t(`actions.${action}`)}</span></label>`)
    .join('');
  return `<!doctype html>
<html lang="${escapeHtml(strings['htmlLang'] ?? config.uiLocale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title ${t('pageTitle')}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(assets.stylesheet)}">
<script type="application/json" id="hl-editor-config">${jsonForScript(config)}</script>
<script src="${escapeHtml(assets.script)}" defer></script>
</head>
<body>
<header class="hl-top">
<h1 ${t('heading')}</h1>
<nav class="hl-tabs" role="tablist">
<button type="button" role="tab" id="hl-tab-articles" data-tab="articles" aria-selected="true" ${t('tabs.articles')}</button>
<button type="button" role="tab" id="hl-tab-try" data-tab="try" aria-selected="false" ${t('tabs.try')}</button>
<button type="button" role="tab" id="hl-tab-gaps" data-tab="gaps" aria-selected="false" ${t('tabs.gaps')}</button>
<button type="button" role="tab" id="hl-tab-status" data-tab="status" aria-selected="false" ${t('tabs.status')}</button>
</nav>
<div class="hl-user">
<span id="hl-user"></span>
<button type="button" class="hl-link" id="hl-lang-zh" lang="zh-CN" ${t('auth.languageZh')}</button>
<button type="button" class="hl-link" id="hl-lang-en" lang="en-US" ${t('auth.languageEn')}</button>
<button type="button" id="hl-signout" ${t('signOut')}</button>
</div>
</header>
<div id="hl-message" class="hl-message" role="status" hidden></div>
<main>
<section id="hl-panel-articles" class="hl-panel" role="tabpanel" aria-labelledby="hl-tab-articles">
<form id="hl-filters" class="hl-filters">
<label><span ${t('filters.locale')}</span> <select id="hl-f-locale" name="locale">${localeOptions}</select></label>
<label><span ${t('filters.category')}</span> <select id="hl-f-category" name="category"><option value="" ${t('filters.allCategories')}</option>${categoryOptions}</select></label>
<label><span ${t('filters.tag')}</span> <input id="hl-f-tag" name="tag" maxlength="200"></label>
<label><span ${t('filters.search')}</span> <input id="hl-f-q" name="q" type="search" maxlength="200"></label>
<label class="hl-check"><input id="hl-f-retired" name="retired" type="checkbox"> <span ${t('filters.retiredToo')}</span></label>
<button type="button" id="hl-new" ${t('newArticle')}</button>
</form>
<div class="hl-split">
<div class="hl-list">
<p id="hl-count" class="hl-muted"></p>
<table id="hl-articles">
<thead><tr><th ${t('columns.id')}</th><th ${t('columns.title')}</th><th ${t('columns.category')}</th><th ${t('columns.version')}</th><th ${t('columns.origin')}</th><th ${t('columns.state')}</th></tr></thead>
<tbody></tbody>
</table>
</div>
<div id="hl-edit" class="hl-edit" hidden>
<h2 id="hl-edit-heading"></h2>
<form id="hl-editor" novalidate>
<p class="hl-field-error" data-field="(article)" role="alert"></p>
${field('id', '<input id="hl-e-id" name="id" maxlength="100" autocomplete="off">')}
${field('locale', `<select id="hl-e-locale" name="locale">${localeOptions}</select>`)}
${field('title', '<input id="hl-e-title" name="title" maxlength="1000">')}
${field('questions', '<textarea id="hl-e-questions" name="questions" rows="6"></textarea>')}
${field('tags', '<input id="hl-e-tags" name="tags">')}
${field('category', `<select id="hl-e-category" name="category">${categoryOptions}</select>`)}
${field('voice', '<textarea id="hl-e-voice" name="voice" rows="3"></textarea>')}
<fieldset class="hl-field hl-field-actions"><legend ${t('fields.actions')}</legend>${actionBoxes}<p class="hl-field-error" data-field="actions" role="alert"></p></fieldset>
${field('updated', '<input id="hl-e-updated" name="updated" type="date">')}
${field('owner', '<input id="hl-e-owner" name="owner" maxlength="200">')}
${field('body', '<textarea id="hl-e-body" name="body" rows="12"></textarea>')}
${field('comment', '<input id="hl-e-comment" name="comment" maxlength="500">')}
<div class="hl-buttons">
<button type="submit" id="hl-publish" class="hl-primary" ${t('publish')}</button>
<button type="button" id="hl-retire" ${t('retire')}</button>
<button type="button" id="hl-close" ${t('close')}</button>
</div>
</form>
<section class="hl-preview" aria-labelledby="hl-preview-heading">
<h3 id="hl-preview-heading" ${t('preview.heading')}</h3>
<h4 ${t('preview.chat')}</h4>
<div id="hl-preview-chat" class="hl-bubble"></div>
<h4 ${t('preview.voice')}</h4>
<p id="hl-preview-voice" class="hl-voice"></p>
<p id="hl-preview-status" class="hl-muted"></p>
</section>
<section class="hl-history" aria-labelledby="hl-history-heading">
<h3 id="hl-history-heading" ${t('history.heading')}</h3>
<ol id="hl-history-list"></ol>
</section>
</div>
</div>
</section>
<section id="hl-panel-try" class="hl-panel" role="tabpanel" aria-labelledby="hl-tab-try" hidden>
<h2 ${t('try.heading')}</h2>
<p class="hl-muted" ${t('try.intro')}</p>
<form id="hl-try" class="hl-filters">
<label><span ${t('filters.locale')}</span> <select id="hl-t-locale" name="locale">${localeOptions}</select></label>
<label class="hl-grow"><span ${t('try.question')}</span> <input id="hl-t-question" name="question" maxlength="4000"></label>
<label class="hl-check"><input id="hl-t-draft" type="checkbox"> <span ${t('try.withDraft')}</span></label>
<button type="submit" class="hl-primary" ${t('try.ask')}</button>
</form>
<p id="hl-t-decision" class="hl-decision"></p>
<table id="hl-t-ranked"><thead><tr><th ${t('columns.id')}</th><th ${t('columns.title')}</th><th ${t('try.score')}</th></tr></thead><tbody></tbody></table>
</section>
<section id="hl-panel-gaps" class="hl-panel" role="tabpanel" aria-labelledby="hl-tab-gaps" hidden>
<h2 ${t('gaps.heading')}</h2>
<p class="hl-muted" ${t('gaps.intro')}</p>
<form id="hl-gaps-filter" class="hl-filters"><label><span ${t('filters.locale')}</span> <select id="hl-g-locale" name="locale">${localeOptions}</select></label></form>
<div id="hl-gaps"></div>
</section>
<section id="hl-panel-status" class="hl-panel" role="tabpanel" aria-labelledby="hl-tab-status" hidden>
<h2 ${t('status.heading')}</h2>
<div id="hl-status"></div>
</section>
</main>
</body>
</html>
`;
}
