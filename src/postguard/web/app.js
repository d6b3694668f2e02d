// postguard paste page: paste a draft, pick channel and kind, see the findings in place; post a
// finding anyway (with a reason) or report it as wrong, recorded in the local log of the server.
// Talks only to the server that served it (same origin). Never logs or stores the draft.
//
// Shares the browser extension's finding logic (text.js), finding rows (rows.js), decisions
// (decisions.js) and their messages (messages-de.json, messages-en.json): the server serves the
// extension's own files.
(function () {
  'use strict';

  const T = window.PostguardText;

  const STRINGS = window.PostguardPageStrings;

  const DEBOUNCE_MS = 300;
  const LANG_KEY = 'postguard.uiLang';
  const TOKEN_KEY = 'postguard.token';

  const $ = (id) => document.getElementById(id);
  const draft = $('draft');
  const highlights = $('highlights');
  const backdrop = highlights.parentElement;
  const list = $('findings');
  const status = $('status');

  const state = {
    ui: 'en',
    messages: {}, // the extension's messages by language (rows and decisions)
    findings: [], // {severity, message, ruleId, ruleName, replacements, start, end} (UTF-16)
    overridden: new Set(), // keys of the findings posted anyway: hidden for this draft
    editing: null, // the decision being made about one finding (see rows.js)
    shownText: '',
    answered: false,
    problem: null, // null | {key, status}
    language: null,
    ruleCount: null,
    seq: 0,
    timer: null,
    current: -1,
  };

  // ------------------------------------------------------------------ language

  function pickLanguage() {
    let stored = null;
    try {
      stored = localStorage.getItem(LANG_KEY);
    } catch {
      // storage may be disabled
    }
    if (stored && STRINGS[stored]) return stored;
    const langs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
    for (const l of langs) {
      const base = String(l).toLowerCase().split('-')[0];
      if (STRINGS[base]) return base;
    }
    return 'en';
  }

  function s(key, ...args) {
    const value = STRINGS[state.ui][key];
    return typeof value === 'function' ? value(...args) : value;
  }

  /** The extension's message `key` in the UI language, `$1`... replaced by `subs`. */
  function t(key, subs) {
    const entry = (state.messages[state.ui] || {})[key];
    if (!entry) return key;
    const list = subs === undefined ? [] : [].concat(subs);
    return entry.message.replace(/\$(\d)/g, (_, n) => list[Number(n) - 1] ?? '');
  }

  async function loadMessages() {
    await Promise.all(Object.keys(STRINGS).map(async (lang) => {
      try {
        const response = await fetch('static/messages-' + lang + '.json', { cache: 'no-cache' });
        if (response.ok) state.messages[lang] = await response.json();
      } catch {
        // the rows show message keys
      }
    }));
    renderResults();
  }

  function setLanguage(lang, remember) {
    state.ui = lang;
    document.documentElement.lang = lang;
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = s(el.dataset.i18n);
    for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = s(el.dataset.i18nPlaceholder);
    for (const button of document.querySelectorAll('.langs button')) {
      button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
    }
    if (remember) {
      try {
        localStorage.setItem(LANG_KEY, lang);
      } catch {
        // not remembered
      }
    }
    renderResults();
    renderServerInfo();
    if (images) images.label();
  }

  // ------------------------------------------------------------------ server

  function headers() {
    const h = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const token = $('token').value || sessionToken();
    if (token) h.Authorization = 'Bearer ' + token;
    return h;
  }

  function sessionToken() {
    try {
      return sessionStorage.getItem(TOKEN_KEY) || '';
    } catch {
      return '';
    }
  }

  async function getJson(path) {
    const response = await fetch(path, { headers: headers(), cache: 'no-store' });
    if (!response.ok) {
      const error = new Error('HTTP ' + response.status);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  function askForToken() {
    $('tokenField').hidden = false;
  }

  async function loadChannels() {
    if ($('channel').localName !== 'select' || $('channel').options.length > 1) return;
    let channels = null;
    try {
      const answer = await getJson('v1/channels');
      channels = Array.isArray(answer.channels) ? answer.channels : null;
    } catch (error) {
      if (error.status === 401 || error.status === 403) {
        askForToken(); // asked again once the token is there
        return;
      }
      channels = null;
    }
    if (channels) {
      const select = $('channel');
      for (const c of channels) {
        if (!c || typeof c.name !== 'string') continue;
        const option = document.createElement('option');
        option.value = c.name;
        option.textContent = c.name;
        select.append(option);
      }
      return;
    }
    // No channel list from this server: a free text field instead.
    const input = document.createElement('input');
    input.id = 'channel';
    input.type = 'text';
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.setAttribute('aria-describedby', 'channelHelp');
    $('channel').replaceWith(input);
    $('channelHelp').dataset.i18n = 'channelFree';
    $('channelHelp').textContent = s('channelFree');
    input.addEventListener('change', scheduleCheck);
  }

  async function loadHealth() {
    try {
      const h = await getJson('v1/health');
      state.ruleCount = typeof h.rule_count === 'number' ? h.rule_count : null;
      state.version = h.version;
    } catch (error) {
      state.ruleCount = null;
      if (error.status === 401 || error.status === 403) askForToken();
    }
    renderServerInfo();
  }

  function renderServerInfo() {
    $('serverInfo').textContent = state.version ? s('server', state.version, state.ruleCount ?? '?') : '';
  }

  function publishAt() {
    const value = $('publishAt').value;
    if (!value) return undefined;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return undefined;
    const offset = -date.getTimezoneOffset();
    const pad = (n) => String(Math.trunc(Math.abs(n))).padStart(2, '0');
    const seconds = value.length === 16 ? ':00' : '';
    return value + seconds + (offset >= 0 ? '+' : '-') + pad(offset / 60) + ':' + pad(offset % 60);
  }

  async function runCheck() {
    clearTimeout(state.timer);
    state.timer = null;
    const text = draft.value;
    const seq = ++state.seq;
    const files = images ? images.files() : [];
    if (!text.trim() && !files.length) {
      state.findings = [];
      state.answered = false;
      state.problem = null;
      state.shownText = text;
      render();
      return;
    }
    const body = { text, kind: $('kind').value };
    const channel = $('channel').value.trim();
    if (channel) body.channel = channel;
    if ($('lang').value) body.lang = $('lang').value;
    const when = publishAt();
    if (when) body.publish_at = when;
    status.classList.add('busy'); // until render(): not busy = this answer is shown
    let response;
    try {
      response = await fetch('v1/check', { method: 'POST', cache: 'no-store', ...request(body, files) });
    } catch {
      response = null;
    }
    if (seq !== state.seq) return; // a newer check is on its way
    if (!response) {
      state.problem = { key: 'down' };
    } else if (response.status === 401 || response.status === 403) {
      state.problem = { key: 'unauthorized' };
      askForToken();
    } else if (!response.ok) {
      state.problem = { key: 'failed', status: response.status, detail: await errorDetail(response) };
      if (seq !== state.seq) return;
    } else {
      let answer;
      try {
        answer = await response.json();
      } catch {
        answer = null;
      }
      if (seq !== state.seq) return;
      if (!answer || !Array.isArray(answer.findings)) {
        state.problem = { key: 'failed', status: response.status };
      } else {
        state.problem = null;
        state.language = answer.language || null;
        state.findings = T.shiftFindings(readFindings(answer), text, draft.value);
        if (images) images.show(Array.isArray(answer.images) ? answer.images.map(readImage) : []);
        state.shownText = draft.value;
        state.answered = true;
        state.current = -1;
        if ($('token').value) {
          try {
            sessionStorage.setItem(TOKEN_KEY, $('token').value);
          } catch {
            // not remembered
          }
        }
      }
    }
    render();
  }

  /** The draft as JSON, or with images as a multipart form (the browser sets its boundary). */
  function request(body, files) {
    if (!files.length) return { headers: headers(), body: JSON.stringify(body) };
    const form = new FormData();
    for (const [key, value] of Object.entries(body)) form.append(key, value);
    for (const file of files) form.append('image', file, file.name);
    const h = headers();
    delete h['Content-Type'];
    return { headers: h, body: form };
  }

  function readImage(r) {
    const findings = Array.isArray(r && r.findings) ? r.findings : [];
    return {
      error: r && typeof r.error === 'string' ? r.error : null,
      width: r && Number.isInteger(r.width) ? r.width : 0,
      height: r && Number.isInteger(r.height) ? r.height : 0,
      findings: findings.map((f) => ({
        ruleId: String(f.rule_id || ''),
        ruleName: String(f.rule_name || ''),
        severity: ['error', 'warning', 'info'].includes(f.severity) ? f.severity : 'warning',
        message: String(f.message || ''),
        match: String(f.match || ''),
        box: Array.isArray(f.box) && f.box.length === 4 && f.box.every(Number.isInteger) ? f.box : null,
      })),
    };
  }

  /**
   * A finding in an image, as a row like those of the draft, with its decisions (no "show", no
   * fixes: pixels cannot be edited). Its `key` (from images.js) names the image, so posting one
   * image's finding anyway hides neither the same words in the draft nor in another image.
   */
  function renderImageFinding(f) {
    return rows.findingItem(f, { editing: state.editing }, decisionActions, {
      severityText: true, match: f.match || undefined, fixText: false,
    });
  }

  /** The server's explanation of a refused check (e.g. an unknown channel), if it gave one. */
  async function errorDetail(response) {
    try {
      const body = await response.json();
      return body && typeof body.error === 'string' ? body.error : '';
    } catch {
      return '';
    }
  }

  /** The findings of an answer (UTF-16 spans, as the extension reads them), in text order. */
  function readFindings(answer) {
    return T.toLocalFindings(answer).sort((a, b) => a.start - b.start || a.end - b.end);
  }

  /** The findings not posted anyway, each with its matched words and key (as in the extension). */
  function shown() {
    const text = draft.value;
    return state.findings
      .map((f) => {
        const match = text.slice(f.start, f.end);
        return { ...f, match, key: f.ruleId + '|' + match.toLowerCase() };
      })
      .filter((f) => !state.overridden.has(f.key));
  }

  function scheduleCheck() {
    clearTimeout(state.timer);
    state.timer = setTimeout(runCheck, DEBOUNCE_MS);
  }

  // ------------------------------------------------------------------ drawing

  function render() {
    renderHighlights();
    renderResults();
  }

  /** The backdrop: the draft's text (invisible) with <mark> around each finding, under the textarea. */
  function renderHighlights() {
    const text = draft.value;
    const nodes = [];
    let at = 0;
    shown().forEach((f, index) => {
      if (f.start < at || f.end > text.length) return; // overlapping or stale: skip
      if (f.start > at) nodes.push(document.createTextNode(text.slice(at, f.start)));
      const mark = document.createElement('mark');
      mark.className = 'sev-' + f.severity + (index === state.current ? ' current' : '');
      mark.dataset.index = String(index);
      mark.textContent = text.slice(f.start, f.end);
      nodes.push(mark);
      at = f.end;
    });
    // A trailing newline needs something after it to take up its line, like in the textarea.
    nodes.push(document.createTextNode(text.slice(at) + (text.endsWith('\n') ? ' ' : '')));
    highlights.replaceChildren(...nodes);
    syncScroll();
  }

  function syncScroll() {
    backdrop.scrollTop = draft.scrollTop;
    backdrop.scrollLeft = draft.scrollLeft;
  }

  function renderResults() {
    status.className = 'status';
    if (state.problem) {
      status.classList.add('problem');
      status.textContent = s(state.problem.key, state.problem.status) +
        (state.problem.detail ? ' ' + state.problem.detail : '');
    } else if (!draft.value.trim() && !(images && images.files().length)) {
      status.textContent = s('empty');
    } else if (!state.answered) {
      status.textContent = s('checking');
    } else if (!shown().length && !(images && images.findingCount())) {
      status.classList.add('clean');
      status.textContent = (state.ruleCount ? s('cleanRules', state.ruleCount) : s('clean')) +
        (state.language ? s('detected', state.language) : '');
    } else {
      const total = shown().length + (images ? images.findingCount() : 0);
      status.textContent = s('count', total) + (state.language ? s('detected', state.language) : '');
    }
    // The lists are rebuilt: the focus goes back to the same control of the same row, or into a new form.
    const focused = document.activeElement && document.activeElement.closest('li[data-key]');
    const refocus = focused && { key: focused.dataset.key, className: document.activeElement.className };
    const items = shown().map((f, index) => renderFinding(f, index));
    list.replaceChildren(...items);
    if (images) images.render();
    let target = null;
    if (state.editing && state.editing.focus) {
      const editingRow = row(state.editing.key);
      target = editingRow && editingRow.querySelector('.form .reason, .form .report');
      state.editing.focus = false;
    } else if (refocus && row(refocus.key)) {
      target = row(refocus.key).querySelector('.' + refocus.className.trim().split(/\s+/).join('.'));
    }
    if (target) target.focus();
  }

  /** The row of the finding with `key`: of the draft or of an image. */
  function row(key) {
    return [...document.querySelectorAll('#findings li[data-key], #images li[data-key]')].find((li) => li.dataset.key === key);
  }

  const decisionActions = {
    decide: (f, kind) => {
      state.editing = { key: f.key, kind, reason: '', quote: false, error: '', report: null, focus: true };
      renderResults();
    },
    cancel: () => {
      const { key, kind } = state.editing || {};
      state.editing = null;
      renderResults();
      const back = row(key);
      (back ? back.querySelector('.decide .act.' + (kind === 'override' ? 'override' : 'wrong')) : draft).focus();
    },
    edit: (changes) => Object.assign(state.editing || {}, changes, { focus: false }),
    confirm: (f) => decisions.decide({ overridden: state.overridden, afterCheck: render, el: draft }, f),
  };

  function renderFinding(f, index) {
    const fixes = document.createElement('div');
    fixes.className = 'fixes';
    const show = document.createElement('button');
    show.type = 'button';
    show.className = 'show';
    show.textContent = s('show');
    show.addEventListener('click', () => selectFinding(index));
    fixes.append(show);
    if (f.replacements.length) {
      const label = document.createElement('span');
      label.className = 'fix-label';
      label.textContent = s('fixLabel');
      fixes.append(label);
      for (const replacement of f.replacements.slice(0, 5)) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'apply';
        button.textContent = replacement === '' ? s('remove') : s('replaceWith', replacement);
        button.addEventListener('click', () => applyFix(f, replacement));
        fixes.append(button);
      }
    }
    const li = rows.findingItem(f, { editing: state.editing }, decisionActions, {
      severityText: true, match: f.match, fixText: false, extra: [fixes],
    });
    li.dataset.index = String(index);
    li.dataset.key = f.key;
    return li;
  }

  function selectFinding(index) {
    const f = shown()[index];
    if (!f) return;
    state.current = index;
    draft.focus();
    draft.setSelectionRange(f.start, f.end);
    renderHighlights();
  }

  function applyFix(f, replacement) {
    draft.focus();
    draft.setSelectionRange(f.start, f.end);
    // execCommand keeps the textarea's undo history; setRangeText where it is not available.
    const done = document.queryCommandSupported && document.queryCommandSupported('insertText') &&
      document.execCommand('insertText', false, replacement);
    if (!done) {
      draft.setRangeText(replacement, f.start, f.end, 'end');
      onInput();
    }
  }

  // ------------------------------------------------------------------ events

  function onInput() {
    const text = draft.value;
    state.findings = T.shiftFindings(state.findings, state.shownText, text);
    if (!text.trim()) {
      // An emptied draft starts a new one; its images (if any are left) stay as decided.
      for (const key of [...state.overridden]) if (!key.startsWith('image')) state.overridden.delete(key);
      state.editing = null;
    }
    state.shownText = text;
    state.current = -1;
    render();
    scheduleCheck();
  }

  draft.addEventListener('input', onInput);
  draft.addEventListener('scroll', syncScroll, { passive: true });
  draft.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      runCheck();
    }
  });
  if (typeof ResizeObserver === 'function') new ResizeObserver(syncScroll).observe(draft);
  $('form').addEventListener('submit', (event) => {
    event.preventDefault();
    runCheck();
  });
  $('clear').addEventListener('click', () => {
    draft.value = '';
    if (images) images.clear();
    onInput();
    draft.focus();
  });
  for (const id of ['kind', 'lang', 'publishAt', 'channel']) $(id).addEventListener('change', scheduleCheck);
  $('token').addEventListener('change', () => {
    loadChannels();
    loadHealth();
    runCheck();
  });
  for (const button of document.querySelectorAll('.langs button')) {
    button.addEventListener('click', () => setLanguage(button.dataset.lang, true));
  }

  const rows = window.PostguardRows.create({ doc: document, win: window, t });

  /** Record a decision in the server's local log: the rule, the matched words (fingerprinted there), the reason. */
  async function sendFeedback(message) {
    const body = { action: message.action, rule_id: message.ruleId, match: message.match, site: message.site, reason: message.reason };
    try {
      await fetch('v1/feedback', { method: 'POST', cache: 'no-store', headers: headers(), body: JSON.stringify(body) });
    } catch {
      // not recorded: the server is gone (the check says so)
    }
  }

  const decisions = window.PostguardDecisions.create({
    win: window, t, send: sendFeedback, state, schedule: renderResults, site: () => 'paste-page',
  });

  const images = window.PostguardImages
    ? window.PostguardImages.create({
      root: $('images'),
      input: $('imageInput'),
      drop: $('form'),
      lang: () => state.ui,
      changed: () => runCheck(),
      finding: renderImageFinding,
      hidden: (key) => state.overridden.has(key),
    })
    : null;

  setLanguage(pickLanguage(), false);
  loadMessages();
  loadChannels();
  loadHealth();
  if (draft.value) onInput();
})();
