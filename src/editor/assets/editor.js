// The knowledge editor page (/editor). Plain browser JavaScript, served as a file under a strict
// Content-Security-Policy: no inline script, no eval, every text node set with textContent except
// the answer preview, which is HTML the server rendered from Markdown with raw HTML escaped.
'use strict';

(function () {
  const config = JSON.parse(document.getElementById('hl-editor-config').textContent);
  const LOCALE_KEY = 'hearline-editor-locale';
  const query = new URLSearchParams(location.search);
  let uiLocale = query.get('lang') || localStorage.getItem(LOCALE_KEY) || config.uiLocale;
  if (!config.strings[uiLocale]) uiLocale = config.uiLocale;

  /** The UI text of `key`, with `{name}` placeholders filled from `vars`. */
  function t(key, vars) {
    const template = config.strings[uiLocale][key] || key;
    return template.replace(/\{(\w+)\}/g, (whole, name) => (vars && vars[name] !== undefined ? String(vars[name]) : whole));
  }

  const $ = (id) => document.getElementById(id);

  /** An element with attributes (and `text`), and children. */
  function h(tag, attrs, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') element.textContent = value;
      else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
      else element.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) if (child) element.append(child);
    return element;
  }

  class ApiFailure extends Error {
    constructor(status, error) {
      super((error && error.message) || `HTTP ${status}`);
      this.status = status;
      this.error = error || {};
    }
  }

  /** Calls the editor API; a lost session sends the browser to the sign-in page. */
  async function api(method, path, body) {
    let response;
    try {
      response = await fetch(path, {
        method,
        credentials: 'same-origin',
        headers: Object.assign({ accept: 'application/json', 'x-csrf-token': config.csrfToken }, body === undefined ? {} : { 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new ApiFailure(0, { message: t('errors.network') });
    }
    const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
    if (response.status === 401) {
      location.assign(`/login?next=${encodeURIComponent('/editor')}&lang=${uiLocale}`);
      throw new ApiFailure(401, data.error);
    }
    if (!response.ok) throw new ApiFailure(response.status, data.error);
    return data;
  }

  function showMessage(text, kind) {
    const box = $('hl-message');
    box.replaceChildren();
    box.append(h('span', { text }));
    box.className = `hl-message hl-message-${kind || 'info'}`;
    box.hidden = false;
    return box;
  }

  function showFailure(failure) {
    const code = failure.error && failure.error.code;
    const known = { ROLE_FORBIDDEN: 'errors.forbidden', CSRF_REJECTED: 'errors.csrf', RATE_LIMITED: 'errors.tooMany' };
    showMessage(failure.status === 0 ? t('errors.network') : known[code] ? t(known[code]) : t('errors.generic'), 'error');
  }

  const formatTime = (iso) => (iso ? new Date(iso).toLocaleString(uiLocale) : '');
  const debounce = (fn, ms) => {
    let timer;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  };

  // ---- language and tabs ----

  function applyStrings() {
    document.documentElement.lang = t('htmlLang');
    for (const element of document.querySelectorAll('[data-t]')) element.textContent = t(element.dataset.t);
    $('hl-user').textContent = t('signedInAs', { name: config.user.name, role: t(`auth.roles.${config.user.role}`) });
    $('hl-lang-zh').setAttribute('aria-pressed', String(uiLocale === 'zh-CN'));
    $('hl-lang-en').setAttribute('aria-pressed', String(uiLocale === 'en-US'));
  }

  function switchLanguage(locale) {
    uiLocale = locale;
    localStorage.setItem(LOCALE_KEY, locale);
    applyStrings();
    renderArticles();
    renderEditHeading();
    if (state.history) renderHistory();
    if (state.tab === 'gaps') loadGaps();
    if (state.tab === 'status') loadStatus();
  }

  function showTab(tab) {
    state.tab = tab;
    $('hl-message').hidden = true;
    for (const button of document.querySelectorAll('[data-tab]')) button.setAttribute('aria-selected', String(button.dataset.tab === tab));
    for (const name of ['articles', 'try', 'gaps', 'status']) $(`hl-panel-${name}`).hidden = name !== tab;
    if (tab === 'gaps') loadGaps();
    if (tab === 'status') loadStatus();
  }

  // ---- article list ----

  const state = { tab: 'articles', articles: [], editing: null, history: null };

  async function loadArticles() {
    const filters = new URLSearchParams();
    filters.set('locale', $('hl-f-locale').value);
    for (const name of ['category', 'tag', 'q']) {
      const value = $(`hl-f-${name}`).value.trim();
      if (value) filters.set(name, value);
    }
    if ($('hl-f-retired').checked) filters.set('retired', '1');
    try {
      state.articles = (await api('GET', `/editor/api/articles?${filters}`)).articles;
      renderArticles();
    } catch (failure) {
      showFailure(failure);
    }
  }

  function renderArticles() {
    const body = $('hl-articles').tBodies[0];
    body.replaceChildren(
      ...state.articles.map((article) =>
        h(
          'tr',
          {
            class: state.editing && state.editing.id === article.id && state.editing.locale === article.locale ? 'hl-selected' : '',
            'data-id': article.id,
          },
          h('td', {}, h('button', { type: 'button', class: 'hl-link', text: article.id, onclick: () => openArticle(article.locale, article.id) })),
          h('td', { text: article.title }),
          h('td', { text: article.category || '' }),
          h('td', { text: String(article.version) }),
          h('td', { text: t(`origin.${article.origin}`) }),
          h('td', { class: `hl-state-${article.state}`, text: t(`state.${article.state}`) + (article.problemCount > 0 ? ' ⚠' : '') }),
        ),
      ),
    );
    $('hl-count').textContent = state.articles.length === 0 ? t('noArticles') : t('count', { count: state.articles.length });
  }

  // ---- the article form ----

  const form = () => $('hl-editor');

  function readDraft() {
    const f = form();
    const lines = (text) => text.split('\n').map((line) => line.trim()).filter(Boolean);
    return {
      title: f.elements.title.value,
      questions: lines(f.elements.questions.value),
      tags: f.elements.tags.value.split(/[,，]/).map((tag) => tag.trim()).filter(Boolean),
      category: f.elements.category.value,
      voice: f.elements.voice.value,
      actions: [...f.querySelectorAll('input[name="actions"]:checked')].map((box) => box.value),
      updated: f.elements.updated.value,
      owner: f.elements.owner.value,
      body: f.elements.body.value,
    };
  }

  function fillForm(draft) {
    const f = form();
    f.elements.title.value = draft.title;
    f.elements.questions.value = draft.questions.join('\n');
    f.elements.tags.value = draft.tags.join(', ');
    f.elements.category.value = draft.category;
    f.elements.voice.value = draft.voice;
    for (const box of f.querySelectorAll('input[name="actions"]')) box.checked = draft.actions.includes(box.value);
    f.elements.updated.value = draft.updated;
    f.elements.owner.value = draft.owner;
    f.elements.body.value = draft.body;
    f.elements.comment.value = '';
  }

  function showFieldErrors(fields) {
    for (const slot of form().querySelectorAll('.hl-field-error')) {
      const messages = (fields && fields[slot.dataset.field]) || [];
      slot.textContent = messages.join(' ');
      const control = form().elements[slot.dataset.field];
      if (control && control.setAttribute) control.setAttribute('aria-invalid', String(messages.length > 0));
    }
  }

  function renderEditHeading() {
    const editing = state.editing;
    if (!editing) return;
    $('hl-edit-heading').textContent =
      editing.mode === 'new' ? t('creating') : t('editing', { id: editing.id, locale: editing.locale, version: editing.version });
    $('hl-publish').textContent = editing.mode === 'new' ? t('create') : t('publish');
  }

  async function openArticle(locale, id, keepMessage) {
    try {
      const article = await api('GET', `/editor/api/articles/${locale}/${id}`);
      state.editing = { mode: 'edit', locale, id, version: article.version, state: article.state };
      const f = form();
      f.elements.id.value = id;
      f.elements.id.readOnly = true;
      f.elements.locale.value = locale;
      f.elements.locale.disabled = true;
      if (article.draft) fillForm(article.draft);
      $('hl-retire').hidden = article.state === 'retired';
      $('hl-edit').hidden = false;
      if (!keepMessage) $('hl-message').hidden = true;
      showFieldErrors({});
      renderEditHeading();
      renderArticles();
      refreshPreview();
      loadHistory();
    } catch (failure) {
      showFailure(failure);
    }
  }

  function newArticle() {
    state.editing = { mode: 'new', locale: $('hl-f-locale').value, id: '', version: 0 };
    state.history = null;
    const f = form();
    f.elements.id.value = '';
    f.elements.id.readOnly = false;
    f.elements.locale.value = state.editing.locale;
    f.elements.locale.disabled = false;
    fillForm({ title: '', questions: [], tags: [], category: 'general', voice: '', actions: [], updated: config.today, owner: config.user.name, body: '' });
    $('hl-retire').hidden = true;
    $('hl-history-list').replaceChildren();
    $('hl-edit').hidden = false;
    showFieldErrors({});
    renderEditHeading();
    renderArticles();
    refreshPreview();
    f.elements.id.focus();
  }

  const currentLocale = () => (state.editing && state.editing.mode === 'edit' ? state.editing.locale : form().elements.locale.value);
  const currentId = () => (state.editing && state.editing.mode === 'edit' ? state.editing.id : form().elements.id.value.trim());

  async function refreshPreview() {
    if (!state.editing) return;
    try {
      const preview = await api('POST', '/editor/api/preview', { locale: currentLocale(), id: currentId(), draft: readDraft() });
      $('hl-preview-chat').innerHTML = preview.html; // rendered by the server, raw HTML escaped
      $('hl-preview-voice').textContent = preview.voice;
      const valid = Object.keys(preview.fields).length === 0;
      $('hl-preview-status').textContent = valid ? t('preview.valid') : '';
      showFieldErrors(preview.fields);
    } catch (failure) {
      showFailure(failure);
    }
  }

  async function publish(event) {
    event.preventDefault();
    const editing = state.editing;
    if (!editing) return;
    const comment = form().elements.comment.value.trim();
    try {
      const result =
        editing.mode === 'new'
          ? await api('POST', '/editor/api/articles', { locale: currentLocale(), id: currentId(), draft: readDraft(), comment })
          : await api('PUT', `/editor/api/articles/${editing.locale}/${editing.id}`, { baseVersion: editing.version, draft: readDraft(), comment });
      const locale = currentLocale();
      const id = currentId();
      showMessage(t('published', { version: result.version }), 'success');
      await loadArticles();
      await openArticle(locale, id, true);
    } catch (failure) {
      handlePublishFailure(failure);
    }
  }

  function handlePublishFailure(failure) {
    const error = failure.error || {};
    if (failure.status === 400 && error.fields) {
      showFieldErrors(error.fields);
      showMessage(t('invalid'), 'error');
    } else if (error.code === 'EDIT_CONFLICT') {
      const details = error.details || {};
      const box = showMessage(t('conflict', { version: details.currentVersion, author: details.author || '', at: formatTime(details.at) }), 'error');
      box.append(' ', h('button', { type: 'button', text: t('reload'), onclick: () => openArticle(state.editing.locale, state.editing.id) }));
    } else if (error.code === 'ID_TAKEN') {
      showFieldErrors(error.fields || {});
      showMessage(t('idTaken', { id: currentId() }), 'error');
    } else {
      showFailure(failure);
    }
  }

  async function retire() {
    const editing = state.editing;
    if (!editing || editing.mode !== 'edit' || !window.confirm(t('confirmRetire'))) return;
    try {
      await api('POST', `/editor/api/articles/${editing.locale}/${editing.id}/retire`, { baseVersion: editing.version, comment: form().elements.comment.value.trim() });
      showMessage(t('retired'), 'success');
      await loadArticles();
      await openArticle(editing.locale, editing.id, true);
    } catch (failure) {
      handlePublishFailure(failure);
    }
  }

  // ---- history ----

  async function loadHistory() {
    const editing = state.editing;
    try {
      state.history = await api('GET', `/editor/api/articles/${editing.locale}/${editing.id}/history`);
      renderHistory();
    } catch (failure) {
      showFailure(failure);
    }
  }

  function renderHistory() {
    const editing = state.editing;
    const history = state.history;
    if (!editing || !history) return;
    const kinds = { text: 'history.kindText', retired: 'history.kindRetired', folder: 'history.kindFolder' };
    const rows = history.versions.map((version) =>
      historyRow(version.version, `${t('history.version', { version: version.version })} · ${t(kinds[version.kind])}`, `${version.author} · ${formatTime(version.at)}${version.comment ? ` · ${version.comment}` : ''}`),
    );
    if (history.inFolder) rows.push(historyRow(0, t('history.folder'), ''));
    $('hl-history-list').replaceChildren(...rows);
  }

  function historyRow(version, title, detail) {
    const current = version === state.editing.version;
    return h(
      'li',
      { 'data-version': String(version) },
      h('strong', { text: title }),
      current ? h('span', { class: 'hl-badge', text: t('history.current') }) : null,
      detail ? h('span', { class: 'hl-muted', text: ` ${detail}` }) : null,
      current ? null : h('button', { type: 'button', class: 'hl-small', text: t('history.rollback'), onclick: () => rollback(version) }),
    );
  }

  async function rollback(toVersion) {
    const editing = state.editing;
    try {
      const result = await api('POST', `/editor/api/articles/${editing.locale}/${editing.id}/rollback`, { baseVersion: editing.version, toVersion, comment: '' });
      showMessage(t('history.rolledBack', { version: result.version }), 'success');
      await loadArticles();
      await openArticle(editing.locale, editing.id, true);
    } catch (failure) {
      handlePublishFailure(failure);
    }
  }

  // ---- try a question ----

  async function tryQuestion(event) {
    event.preventDefault();
    const locale = $('hl-t-locale').value;
    const useDraft = $('hl-t-draft').checked && state.editing && currentLocale() === locale && currentId();
    try {
      const result = await api('POST', '/editor/api/try', {
        locale,
        question: $('hl-t-question').value,
        ...(useDraft ? { draft: { id: currentId(), draft: readDraft() } } : {}),
      });
      const decision = result.decision;
      $('hl-t-decision').textContent =
        decision.kind === 'answer'
          ? t('try.decisionAnswer', { title: decision.title, confidence: decision.confidence.toFixed(3) })
          : decision.kind === 'clarify'
            ? t('try.decisionClarify', { first: decision.options[0].title, second: decision.options[1].title })
            : t('try.decisionNone');
      const body = $('hl-t-ranked').tBodies[0];
      body.replaceChildren(
        ...result.ranked.map((scored) => h('tr', {}, h('td', { text: scored.articleId }), h('td', { text: scored.title }), h('td', { class: 'hl-number', text: scored.score.toFixed(3) }))),
      );
      if (result.ranked.length === 0) body.append(h('tr', {}, h('td', { colspan: '3', class: 'hl-muted', text: t('try.nothing') })));
    } catch (failure) {
      if (failure.status === 400 && failure.error.fields) showMessage(Object.values(failure.error.fields).flat().join(' '), 'error');
      else showFailure(failure);
    }
  }

  // ---- gaps ----

  async function loadGaps() {
    const locale = $('hl-g-locale').value;
    try {
      renderGaps(locale, await api('GET', `/editor/api/gaps?locale=${locale}`));
    } catch (failure) {
      showFailure(failure);
    }
  }

  function renderGaps(locale, data) {
    const container = $('hl-gaps');
    if (data.groups.length === 0) {
      container.replaceChildren(h('p', { class: 'hl-muted', text: t('gaps.empty') }));
      return;
    }
    container.replaceChildren(
      ...data.groups.map((group) => {
        const reasons = Object.entries(group.reasons).map(([reason, count]) => `${t(`gapReasons.${reason}`)} × ${count}`).join(', ');
        return h(
          'article',
          { class: 'hl-gap-group' },
          h(
            'header',
            {},
            h('strong', { text: t('gaps.count', { count: group.count }) }),
            h('span', { class: 'hl-muted', text: ` ${t('gaps.newest', { time: formatTime(group.newestAt) })} · ${reasons}` }),
            h('button', { type: 'button', class: 'hl-small', text: t('gaps.dismiss'), onclick: () => dismissGroup(locale, group.gapIds) }),
          ),
          h('ul', {}, ...group.gaps.map((gap) => gapRow(locale, gap, group, data.articles))),
        );
      }),
    );
  }

  function gapRow(locale, gap, group, articles) {
    const select = h(
      'select',
      { 'aria-label': t('gaps.target') },
      ...articles.map((article) => h('option', { value: article.id, text: `${article.id} · ${article.title}`, selected: article.id === group.bestArticleId })),
    );
    return h(
      'li',
      { class: 'hl-gap' },
      h('q', { text: gap.question }),
      h('span', { class: 'hl-muted', text: ` ${t(`gapReasons.${gap.reason}`)} · ${formatTime(gap.at)} · ${gap.channel} ` }),
      h('label', {}, h('span', { text: `${t('gaps.target')} ` }), select),
      h('button', { type: 'button', class: 'hl-small hl-primary', text: t('gaps.add'), onclick: () => addQuestion(locale, gap.id, select.value) }),
    );
  }

  async function addQuestion(locale, gapId, articleId) {
    try {
      const result = await api('POST', '/editor/api/gaps/add-question', { locale, gapId, articleId });
      showMessage(t('gaps.added', { id: articleId, version: result.version }), 'success');
      await loadGaps();
      await loadArticles();
    } catch (failure) {
      if (failure.status === 400 && failure.error.fields) showMessage(`${t('invalid')} ${Object.values(failure.error.fields).flat().join(' ')}`, 'error');
      else showFailure(failure);
    }
  }

  async function dismissGroup(locale, gapIds) {
    try {
      await api('POST', '/editor/api/gaps/dismiss', { locale, gapIds });
      showMessage(t('gaps.dismissed'), 'success');
      await loadGaps();
    } catch (failure) {
      showFailure(failure);
    }
  }

  // ---- status ----

  async function loadStatus() {
    try {
      const status = await api('GET', '/editor/api/status');
      const problems = status.problems.map((problem) => h('li', { text: `${problem.file}${problem.field ? ` (${problem.field})` : ''}: ${problem.message}` }));
      $('hl-status').replaceChildren(
        h('p', { text: t('status.revision', { revision: status.revision, time: formatTime(status.builtAt), articles: status.articles }) }),
        status.lastFailure ? h('p', { class: 'hl-message-error', text: t('status.lastFailure', { message: status.lastFailure.message }) }) : null,
        h('h3', { text: t('status.problems') }),
        problems.length > 0 ? h('ul', {}, ...problems) : h('p', { class: 'hl-muted', text: t('status.noProblems') }),
      );
    } catch (failure) {
      showFailure(failure);
    }
  }

  async function signOut() {
    try {
      await api('POST', '/auth/api/logout');
    } finally {
      location.assign(`/login?signedOut=1&lang=${uiLocale}`);
    }
  }

  // ---- wiring ----

  for (const select of ['hl-f-locale', 'hl-t-locale', 'hl-g-locale']) $(select).value = config.locales.includes(uiLocale) ? uiLocale : config.locales[0];
  applyStrings();
  for (const button of document.querySelectorAll('[data-tab]')) button.addEventListener('click', () => showTab(button.dataset.tab));
  $('hl-lang-zh').addEventListener('click', () => switchLanguage('zh-CN'));
  $('hl-lang-en').addEventListener('click', () => switchLanguage('en-US'));
  $('hl-signout').addEventListener('click', signOut);
  const reloadList = debounce(loadArticles, 250);
  $('hl-filters').addEventListener('input', reloadList);
  $('hl-filters').addEventListener('submit', (event) => event.preventDefault());
  $('hl-new').addEventListener('click', newArticle);
  form().addEventListener('input', debounce(refreshPreview, 300));
  form().addEventListener('submit', publish);
  $('hl-retire').addEventListener('click', retire);
  $('hl-close').addEventListener('click', () => {
    state.editing = null;
    $('hl-edit').hidden = true;
    renderArticles();
  });
  $('hl-try').addEventListener('submit', tryQuestion);
  $('hl-g-locale').addEventListener('change', loadGaps);
  loadArticles();
})();
