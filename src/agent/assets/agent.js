// The agent console page (/agent). Plain browser JavaScript, served as a file under a strict
// Content-Security-Policy: no inline script, no eval, every text node set with textContent.
// The API is /agent/api; live changes come over the WebSocket at config.socketPath.
'use strict';

(function () {
  const config = JSON.parse(document.getElementById('hl-agent-config').textContent);
  const LOCALE_KEY = 'hearline-agent-locale';
  const PROFILE_KEY = 'hearline-agent-profile';
  const query = new URLSearchParams(location.search);
  let uiLocale = query.get('lang') || localStorage.getItem(LOCALE_KEY) || config.uiLocale;
  if (!config.strings[uiLocale]) uiLocale = config.uiLocale;
  const me = config.user.name;

  /** The UI text of `key`, with `{name}` placeholders filled from `vars`. */
  function t(key, vars) {
    const template = config.strings[uiLocale][key] || key;
    return template.replace(/\{(\w+)\}/g, (whole, name) => (vars && vars[name] !== undefined ? String(vars[name]) : whole));
  }
  /** A text whose key may be unknown (a future emotion or reason): the raw value then. */
  function tOr(key, fallback) {
    return config.strings[uiLocale][key] === undefined ? fallback : t(key);
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

  /** Calls the agent API; a lost session sends the browser to the sign-in page. */
  async function api(method, path, body) {
    let response;
    try {
      response = await fetch(`/agent/api${path}`, {
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
      location.assign(`/login?next=${encodeURIComponent('/agent')}&lang=${uiLocale}`);
      throw new ApiFailure(401, data.error);
    }
    if (!response.ok) throw new ApiFailure(response.status, data.error);
    return data;
  }

  function showMessage(text, kind) {
    const box = $('hl-message');
    box.replaceChildren(h('span', { text }));
    box.className = `hl-message hl-message-${kind || 'info'}`;
    box.hidden = false;
  }

  /** Shows what went wrong; 409 and 404 also reload what the agent sees. */
  function showFailure(failure, form) {
    const code = failure.error && failure.error.code;
    if (form && failure.status === 400 && failure.error.fields) {
      for (const [field, problems] of Object.entries(failure.error.fields)) {
        const slot = form.querySelector(`.hl-field-error[data-field="${CSS.escape(field)}"]`) || form.querySelector('.hl-field-error');
        if (slot) slot.textContent = problems.join(' ');
      }
    }
    const known = {
      ROLE_FORBIDDEN: 'errors.forbidden', CSRF_REJECTED: 'errors.csrf', HANDOFF_CONFLICT: 'errors.conflict', CONSOLE_CLOSED: 'errors.consoleClosed', NOT_FOUND: 'errors.notFound', BAD_REQUEST: 'errors.fields',
    };
    showMessage(failure.status === 0 ? t('errors.network') : known[code] ? t(known[code]) : t('errors.generic'), 'error');
    if (code === 'HANDOFF_CONFLICT') {
      void loadOverview();
      if (state.key) void openConversation(state.key);
    }
  }

  function clearFieldErrors(form) {
    for (const slot of form.querySelectorAll('.hl-field-error')) slot.textContent = '';
  }

  const debounce = (fn, ms) => {
    let timer;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  };
  const formatTime = (iso) => (iso ? new Date(iso).toLocaleTimeString(uiLocale, { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '');
  const formatDate = (iso) => (iso ? new Date(iso).toLocaleString(uiLocale) : '');
  function formatWait(since) {
    const seconds = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000));
    if (seconds < 60) return t('time.seconds', { count: seconds });
    if (seconds < 3600) return t('time.minutes', { count: Math.floor(seconds / 60) });
    return t('time.hours', { count: Math.floor(seconds / 3600) });
  }
  const localeName = (locale) => tOr(`locale.${String(locale).replace('-', '')}`, locale);
  const reasonName = (reason) => tOr(`handoff.reason.${String(reason).replace(/-/g, '_')}`, reason);
  const emotionText = (reading) => (reading ? t('emotion.intensity', { emotion: tOr(`emotion.${reading.emotion}`, reading.emotion), intensity: Math.round(reading.intensity * 100) }) : '—');
  const pathOf = (key) => key.split('/').map(encodeURIComponent).join('/');
  const shortId = (id) => (id.length > 10 ? `${id.slice(0, 8)}…` : id);

  // ---- state ----

  const state = {
    overview: { online: false, queue: [], mine: [] },
    key: null,
    view: null,
    unread: new Set(),
    heartbeat: null,
    socket: null,
    // The id of the live socket, from its hello: heartbeats name it and count only while it is open.
    consoleId: null,
    socketOpen: false,
  };

  // ---- language ----

  function applyStrings() {
    document.documentElement.lang = t('htmlLang');
    document.title = t('pageTitle');
    for (const element of document.querySelectorAll('[data-t]')) element.textContent = t(element.dataset.t);
    $('hl-user').textContent = t('signedInAs', { name: me, role: t(`auth.roles.${config.user.role}`) });
    $('hl-lang-zh').setAttribute('aria-pressed', String(uiLocale === 'zh-CN'));
    $('hl-lang-en').setAttribute('aria-pressed', String(uiLocale === 'en-US'));
    renderPresence();
    renderLive();
  }

  function switchLanguage(locale) {
    uiLocale = locale;
    localStorage.setItem(LOCALE_KEY, locale);
    applyStrings();
    renderOverview();
    if (state.view) renderView();
  }

  // ---- presence ----

  function savedProfile() {
    try {
      const saved = JSON.parse(localStorage.getItem(PROFILE_KEY) || 'null');
      if (saved && Array.isArray(saved.locales) && Array.isArray(saved.skills)) return saved;
    } catch (ignored) {
      // a damaged saved profile falls back to the default
    }
    return { locales: config.locales.slice(), skills: ['general'], online: false };
  }

  function chosenProfile() {
    const form = $('hl-presence');
    const checked = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);
    return { locales: checked('locale'), skills: checked('skill') };
  }

  /** The heartbeat: the chosen profile, and which console socket says so (once its hello came). */
  function presenceBody() {
    return Object.assign(chosenProfile(), state.consoleId ? { console: state.consoleId } : {});
  }

  function renderPresence() {
    const online = state.overview.online;
    const pill = $('hl-presence-state');
    pill.textContent = t(online ? 'presence.online' : 'presence.offline');
    pill.className = `hl-pill ${online ? 'hl-pill-on' : 'hl-pill-off'}`;
    $('hl-go-online').hidden = online;
    $('hl-go-offline').hidden = !online;
  }

  async function goOnline(event) {
    if (event) event.preventDefault();
    const profile = chosenProfile();
    if (profile.locales.length === 0) {
      showMessage(t('presence.needLocale'), 'error');
      return;
    }
    localStorage.setItem(PROFILE_KEY, JSON.stringify(Object.assign({}, profile, { online: true })));
    let counted = true;
    try {
      await api('POST', '/presence', presenceBody());
    } catch (failure) {
      showFailure(failure);
      // The live socket is reconnecting: its hello goes online again, once the heartbeat below is set up.
      if (!(failure.error && failure.error.code === 'CONSOLE_CLOSED')) return;
      counted = false;
    }
    clearInterval(state.heartbeat);
    state.heartbeat = setInterval(() => {
      api('POST', '/presence', presenceBody()).catch(() => undefined);
    }, config.heartbeatSeconds * 1000);
    if (counted) $('hl-message').hidden = true;
    await loadOverview();
  }

  async function goOffline() {
    clearInterval(state.heartbeat);
    state.heartbeat = null;
    localStorage.setItem(PROFILE_KEY, JSON.stringify(Object.assign({}, chosenProfile(), { online: false })));
    try {
      await api('DELETE', '/presence');
    } catch (failure) {
      showFailure(failure);
    }
    await loadOverview();
  }

  // ---- queue and my conversations ----

  async function loadOverview() {
    try {
      state.overview = await api('GET', '/overview');
    } catch (failure) {
      showFailure(failure);
      return;
    }
    renderOverview();
  }
  const scheduleOverview = debounce(loadOverview, 150);

  function renderOverview() {
    renderPresence();
    const { queue, mine, online } = state.overview;
    $('hl-queue-count').textContent = t('queue.count', { count: queue.length });
    $('hl-offline-hint').hidden = online;
    $('hl-queue-empty').hidden = queue.length > 0;
    const rows = queue.map((item) =>
      h(
        'tr',
        { 'data-key': item.key, class: [item.key === state.key ? 'hl-selected' : '', `hl-priority-${item.priority}`].join(' ') },
        h(
          'td',
          {},
          h('button', { type: 'button', class: 'hl-link', onclick: () => openConversation(item.key), text: shortId(item.conversationId) }),
          item.vip ? h('span', { class: 'hl-badge', text: t('vip') }) : null,
          // Its agent went away mid-conversation: it is served first, and its messages so far are kept.
          item.interruptedFrom ? h('span', { class: 'hl-badge hl-interrupted', text: t('queue.interrupted', { agent: item.interruptedFrom }) }) : null,
        ),
        h('td', { text: localeName(item.locale) }),
        h('td', { text: item.channel }),
        h('td', { class: 'hl-wait hl-number', 'data-since': item.requestedAt, text: formatWait(item.requestedAt) }),
        h('td', {}, h('span', { class: `hl-pill hl-pill-${item.priority}`, text: t(`priority.${item.priority}`) }), item.severity ? h('span', { class: 'hl-muted', text: ` ${item.severity}` }) : null),
        h('td', { class: item.emotion && ['anger', 'frustration'].includes(item.emotion.emotion) ? 'hl-hot' : '', text: emotionText(item.emotion) }),
        h('td', { text: tOr(`skill.${item.skill}`, item.skill) }),
      ),
    );
    $('hl-queue').tBodies[0].replaceChildren(...rows);
    $('hl-mine-empty').hidden = mine.length > 0;
    $('hl-mine').replaceChildren(
      ...mine.map((item) =>
        h(
          'li',
          { 'data-key': item.key, class: item.key === state.key ? 'hl-selected' : '' },
          h('button', { type: 'button', class: 'hl-link', onclick: () => openConversation(item.key), text: `${shortId(item.conversationId)} · ${localeName(item.locale)} · ${item.channel}` }),
          state.unread.has(item.key) ? h('span', { class: 'hl-badge hl-unread', text: '●' }) : null,
          item.customerLeftAt ? h('span', { class: 'hl-badge hl-customer-left', text: t('mine.customerLeft') }) : null,
          h('span', { class: 'hl-muted', text: ` ${emotionText(item.emotion)}` }),
        ),
      ),
    );
  }

  function tickWaits() {
    for (const cell of document.querySelectorAll('.hl-wait')) cell.textContent = formatWait(cell.dataset.since);
  }

  // ---- one conversation ----

  async function openConversation(key) {
    state.key = key;
    state.unread.delete(key);
    watch();
    try {
      state.view = await api('GET', `/conversations/${pathOf(key)}`);
    } catch (failure) {
      if (failure.status === 404) {
        state.key = null;
        state.view = null;
        renderView();
      }
      showFailure(failure);
      return;
    }
    if (state.key !== key) return;
    renderView();
    renderOverview();
    void loadCanned();
  }

  function renderView() {
    const view = state.view;
    $('hl-pick').hidden = view !== null;
    $('hl-view').hidden = view === null;
    if (!view) return;
    const record = view.record;
    const mineNow = record.state === 'assigned' && record.assignedAgent === me;
    $('hl-c-heading').textContent = t('conversation.heading', { id: shortId(record.conversationId) });
    const pill = $('hl-c-state');
    pill.textContent = t(`state.${record.state}`);
    pill.className = `hl-pill hl-state-${record.state}`;
    $('hl-c-place').textContent =
      record.state === 'queued' && view.place
        ? t('conversation.place', { position: view.place.position, minutes: view.place.estimatedWaitMinutes })
        : record.state === 'assigned' && record.assignedAgent
          ? t('conversation.assignedTo', { agent: record.assignedAgent })
          : '';
    // A customer who left while an agent has them: the agent closes the conversation with an outcome.
    const left = $('hl-c-left');
    left.hidden = !view.customerLeftAt;
    left.textContent = view.customerLeftAt ? t('conversation.customerLeft', { time: formatTime(view.customerLeftAt) }) : '';
    $('hl-claim').hidden = record.state !== 'queued';
    for (const id of ['hl-return', 'hl-transfer', 'hl-close']) $(id).hidden = !mineNow;
    if (!mineNow) {
      $('hl-transfer-form').hidden = true;
      $('hl-close-form').hidden = true;
    }
    $('hl-reply').hidden = !mineNow;
    $('hl-not-pushed').hidden = !mineNow || view.livePush;
    renderPacket(record);
    renderMessages(record.messages);
  }

  function definitions(pairs) {
    const shown = pairs.filter(([, value]) => value !== undefined && value !== null && value !== '');
    return h('dl', { class: 'hl-fields' }, shown.flatMap(([label, value]) => [h('dt', { text: label }), h('dd', { text: String(value) })]));
  }

  function renderPacket(record) {
    const packet = record.packet;
    const complaint = packet.complaint;
    const section = (titleKey, ...content) => h('section', { class: 'hl-packet-part' }, h('h4', { text: t(titleKey) }), ...content);
    const line = (entry) =>
      h('li', { class: `hl-line hl-line-${entry.from}` }, h('span', { class: 'hl-who', text: entry.from === 'agent' ? entry.agent || t('messages.bot') : t(`messages.${entry.from}`) }), h('span', { class: 'hl-at', text: formatTime(entry.at) }), h('p', { text: entry.text }));
    $('hl-packet-body').replaceChildren(
      section('packet.summary', h('p', { class: 'hl-summary', text: packet.summary })),
      definitions([
        [t('packet.priority'), t(`priority.${record.priority}`)],
        [t('packet.skill'), tOr(`skill.${record.skill}`, record.skill)],
        [t('packet.channel'), record.channel],
        [t('packet.language'), localeName(record.locale)],
        [t('vip'), record.vip ? '✓' : ''],
      ]),
      section(
        'packet.complaint',
        complaint
          ? definitions([
              [t('packet.description'), complaint.description],
              [t('packet.order'), complaint.orderRef],
              [t('packet.remedy'), complaint.remedy],
              [t('packet.contact'), complaint.contact ? complaint.contact.value : ''],
              [t('packet.category'), complaint.category ? tOr(`skill.${complaint.category}`, complaint.category) : ''],
              [t('packet.severity'), complaint.severity],
              [t('packet.trackingCode'), complaint.trackingCode],
            ])
          : h('p', { class: 'hl-muted', text: t('packet.noComplaint') }),
      ),
      // The policy's reasons carry their facts (emotion, intensity, words); without them, the reason codes.
      section(
        'packet.escalation',
        h('ul', { class: 'hl-reasons' }, packet.escalation.length > 0 ? packet.escalation.map((reason) => h('li', { text: escalationDetail(reason) })) : record.reasons.map((reason) => h('li', { text: reasonName(reason) }))),
      ),
      section(
        'packet.emotions',
        packet.emotions.length === 0
          ? h('p', { class: 'hl-muted', text: t('packet.noEmotions') })
          : h('ol', { class: 'hl-emotions' }, packet.emotions.map((reading) => h('li', { class: `hl-emotion-${reading.emotion}` }, h('span', { class: 'hl-at', text: formatTime(reading.at) }), h('span', { text: emotionText(reading) }), h('meter', { min: '0', max: '1', value: String(reading.intensity) })))),
      ),
      section(
        'packet.articles',
        packet.articles.length === 0
          ? h('p', { class: 'hl-muted', text: t('packet.noArticles') })
          : h('ul', {}, packet.articles.map((article) => h('li', { text: `${article.title} — ${tOr(`feedback.${article.feedback}`, article.feedback)}` }))),
      ),
      section('packet.transcript', h('ol', { class: 'hl-messages hl-transcript' }, packet.transcript.map(line))),
      section(
        'packet.earlier',
        packet.earlierComplaints.length === 0
          ? h('p', { class: 'hl-muted', text: t('packet.noEarlier') })
          : h('ul', {}, packet.earlierComplaints.map((earlier) => h('li', { text: `${earlier.code} · ${earlier.status} · ${tOr(`skill.${earlier.category}`, earlier.category)} · ${formatDate(earlier.createdAt)} — ${earlier.description}` }))),
      ),
    );
  }

  /** An escalation reason object (code plus facts) as one readable line. */
  function escalationDetail(reason) {
    const facts = Object.entries(reason)
      .filter(([name]) => name !== 'code')
      .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : typeof value === 'number' ? Math.round(value * 100) / 100 : String(value)}`);
    return `${reasonName(reason.code || '')}${facts.length > 0 ? ` (${facts.join('; ')})` : ''}`;
  }

  function renderMessages(messages) {
    const list = $('hl-messages');
    list.replaceChildren();
    if (messages.length === 0) list.append(h('li', { class: 'hl-muted hl-empty', text: t('messages.empty') }));
    for (const message of messages) appendMessage(message);
  }

  function appendMessage(message) {
    const list = $('hl-messages');
    const id = `${message.at}|${message.from}|${message.text}`;
    if ([...list.children].some((item) => item.dataset.id === id)) return;
    const empty = list.querySelector('.hl-empty');
    if (empty) empty.remove();
    list.append(
      h(
        'li',
        { class: `hl-line hl-line-${message.from}`, 'data-id': id },
        h('span', { class: 'hl-who', text: message.from === 'agent' ? message.agent || '' : t(`messages.${message.from}`) }),
        h('span', { class: 'hl-at', text: formatTime(message.at) }),
        h('p', { text: message.text }),
      ),
    );
    list.scrollTop = list.scrollHeight;
  }

  // ---- actions ----

  async function act(path, body, notice, form) {
    if (!state.key) return;
    const key = state.key;
    if (form) clearFieldErrors(form);
    try {
      await api('POST', `/conversations/${pathOf(key)}/${path}`, body || {});
    } catch (failure) {
      showFailure(failure, form);
      return false;
    }
    if (notice) showMessage(t(notice), 'success');
    await Promise.all([openConversation(key), loadOverview()]);
    return true;
  }

  async function sendReply(event) {
    event.preventDefault();
    const text = $('hl-reply-text').value.trim();
    if (!text || !state.key) return;
    clearFieldErrors($('hl-reply'));
    $('hl-send').disabled = true;
    try {
      const result = await api('POST', `/conversations/${pathOf(state.key)}/reply`, { text });
      $('hl-reply-text').value = '';
      appendMessage(result.line);
    } catch (failure) {
      showFailure(failure, $('hl-reply'));
    } finally {
      $('hl-send').disabled = false;
    }
  }

  async function showTransfer() {
    $('hl-close-form').hidden = true;
    const form = $('hl-transfer-form');
    clearFieldErrors(form);
    let agents = [];
    try {
      agents = (await api('GET', '/agents')).agents.filter((agent) => agent.name !== me);
    } catch (failure) {
      showFailure(failure);
    }
    $('hl-t-agent').replaceChildren(h('option', { value: '', text: t('transfer.choose') }), ...agents.map((agent) => h('option', { value: agent.name, text: `${agent.name} (${agent.locales.map(localeName).join(', ')})` })));
    $('hl-t-skill').value = '';
    form.hidden = false;
  }

  async function submitTransfer(event) {
    event.preventDefault();
    const toAgent = $('hl-t-agent').value;
    const toSkill = $('hl-t-skill').value;
    const body = toAgent ? { toAgent } : toSkill ? { toSkill } : {};
    if (await act('transfer', body, 'notices.transferred', $('hl-transfer-form'))) $('hl-transfer-form').hidden = true;
  }

  async function submitClose(event) {
    event.preventDefault();
    const note = $('hl-c-note').value.trim();
    const body = Object.assign({ outcome: $('hl-c-outcome').value }, note ? { note } : {});
    if (await act('close', body, 'notices.closed', $('hl-close-form'))) {
      $('hl-close-form').hidden = true;
      $('hl-c-note').value = '';
    }
  }

  // ---- canned replies ----

  async function loadCanned() {
    if (!state.view) return;
    const words = $('hl-canned-q').value.trim();
    const params = new URLSearchParams({ locale: state.view.record.locale });
    if (words) params.set('q', words);
    let replies = [];
    try {
      replies = (await api('GET', `/canned?${params}`)).replies;
    } catch (failure) {
      showFailure(failure);
      return;
    }
    $('hl-canned').replaceChildren(
      ...(replies.length === 0
        ? [h('li', { class: 'hl-muted', text: t('canned.empty') })]
        : replies.map((reply) =>
            h(
              'li',
              {},
              h('button', {
                type: 'button',
                class: 'hl-link',
                'data-article': reply.articleId,
                title: reply.text,
                text: reply.title,
                onclick: () => {
                  const box = $('hl-reply-text');
                  box.value = box.value ? `${box.value}\n${reply.text}` : reply.text;
                  box.focus();
                },
              }),
            ),
          )),
    );
  }

  // ---- live updates ----

  function renderLive() {
    const live = $('hl-live');
    live.textContent = state.socket === null ? '' : t(state.socketOpen ? 'live.connected' : 'live.reconnecting');
    live.className = `hl-live ${state.socketOpen ? 'hl-live-on' : 'hl-live-off'}`;
  }

  function watch() {
    if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify({ type: 'watch', key: state.key }));
  }

  function connect(attempt) {
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${config.socketPath}`);
    state.socket = socket;
    socket.addEventListener('open', () => {
      state.socketOpen = true;
      attempt = 0;
      renderLive();
      watch();
      if (state.key) void openConversation(state.key);
    });
    socket.addEventListener('message', (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (ignored) {
        return;
      }
      if (data.type === 'hello') {
        // Losing the socket took this agent offline at the desk (it cannot tell a dropped connection
        // from a closed tab): an agent who was online says so again at once, naming the new socket.
        state.consoleId = typeof data.console === 'string' ? data.console : null;
        const present = state.heartbeat !== null ? api('POST', '/presence', presenceBody()).catch(() => undefined) : Promise.resolve();
        void present.then(loadOverview);
      } else if (data.type === 'changed') {
        scheduleOverview();
        if (data.key === state.key) void openConversation(data.key);
      } else if (data.type === 'message') {
        if (data.key === state.key) appendMessage(data.line);
        else {
          state.unread.add(data.key);
          renderOverview();
        }
      }
    });
    socket.addEventListener('close', (event) => {
      state.socketOpen = false;
      renderLive();
      if (event.code === 4401) {
        location.assign(`/login?next=${encodeURIComponent('/agent')}&lang=${uiLocale}`);
        return;
      }
      // A refused upgrade does not say why: an API call finds out (a lost session goes to sign-in).
      setTimeout(() => {
        api('GET', '/overview').catch(() => undefined);
        connect(attempt + 1);
      }, Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)));
    });
  }

  async function signOut() {
    try {
      clearInterval(state.heartbeat);
      await api('DELETE', '/presence').catch(() => undefined);
      await fetch('/auth/api/logout', { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': config.csrfToken } });
    } finally {
      location.assign(`/login?signedOut=1&lang=${uiLocale}`);
    }
  }

  // ---- wiring ----

  const profile = savedProfile();
  for (const box of document.querySelectorAll('#hl-presence input[name="locale"]')) box.checked = profile.locales.includes(box.value);
  for (const box of document.querySelectorAll('#hl-presence input[name="skill"]')) box.checked = profile.skills.includes(box.value);
  $('hl-presence').addEventListener('submit', goOnline);
  $('hl-go-offline').addEventListener('click', goOffline);
  $('hl-lang-zh').addEventListener('click', () => switchLanguage('zh-CN'));
  $('hl-lang-en').addEventListener('click', () => switchLanguage('en-US'));
  $('hl-signout').addEventListener('click', signOut);
  $('hl-claim').addEventListener('click', () => act('claim', {}, 'notices.claimed'));
  $('hl-return').addEventListener('click', () => act('return', {}, 'notices.returned'));
  $('hl-transfer').addEventListener('click', showTransfer);
  $('hl-transfer-cancel').addEventListener('click', () => ($('hl-transfer-form').hidden = true));
  $('hl-transfer-form').addEventListener('submit', submitTransfer);
  $('hl-close').addEventListener('click', () => {
    $('hl-transfer-form').hidden = true;
    clearFieldErrors($('hl-close-form'));
    $('hl-close-form').hidden = false;
  });
  $('hl-close-cancel').addEventListener('click', () => ($('hl-close-form').hidden = true));
  $('hl-close-form').addEventListener('submit', submitClose);
  $('hl-reply').addEventListener('submit', sendReply);
  $('hl-reply-text').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) $('hl-reply').requestSubmit();
  });
  $('hl-canned-q').addEventListener('input', debounce(loadCanned, 250));
  setInterval(tickWaits, 1000);

  state.view = null;
  applyStrings();
  renderView();
  connect(0);
  if (profile.online) void goOnline();
  else void loadOverview();
})();
