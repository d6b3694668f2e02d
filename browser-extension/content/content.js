// postguard content script: finds the compose box the user is typing in, sends its text (debounced)
// to the background worker, and draws the findings over the box without touching the page's DOM
// inside it. Reads nothing but the focused compose box; does nothing on sites that are not enabled.
(function () {
  'use strict';

  const T = globalThis.PostguardText;
  const I = globalThis.PostguardImages;
  const api = globalThis.browser || globalThis.chrome;
  if (!T || !I || !globalThis.PostguardPanel || !globalThis.PostguardRows || !globalThis.PostguardGeometry || !globalThis.PostguardDecisions || !api || !api.runtime) return;
  // Injected twice (manifest + registered site)? Run once.
  if (globalThis.__postguardContentLoaded) return;
  globalThis.__postguardContentLoaded = true;

  const DEBOUNCE_MS = 400;
  const POLL_MS = 1000;
  const HOST_TAG = 'postguard-overlay';

  const doc = document;
  const win = window;

  const state = {
    settings: null,
    enabled: false,
    active: null, // the Box being typed in
    boxes: new WeakMap(),
    overlay: null,
    collapsed: false,
    dismissedNotice: false,
    frame: null,
    poll: null,
    panelView: null,
    decisions: null,
    editing: null, // the decision being made about one finding (see panel.js)
  };

  function t(key, subs) {
    try {
      const text = api.i18n && api.i18n.getMessage(key, subs);
      if (text) return text;
    } catch {
      // fall through
    }
    return key;
  }

  function send(message) {
    try {
      return Promise.resolve(api.runtime.sendMessage(message)).catch(() => null);
    } catch {
      // The extension was reloaded or removed: this script is orphaned.
      return Promise.resolve(null);
    }
  }

  // ---------------------------------------------------------------- compose boxes

  class Box {
    constructor(el) {
      this.el = el;
      this.isTextarea = el.localName === 'textarea';
      this.findings = [];
      this.images = []; // attached images: {key, name, url, status, findings, error}
      this.overridden = new Set(); // keys of the findings posted anyway: hidden for this draft
      this.shownText = this.read().text;
      this.checkedText = null;
      this.status = 'idle'; // idle | ok | down | unauthorized | permission | error
      this.detail = ''; // the server's explanation of a refused check
      this.seq = 0;
      this.check = T.debounce(() => this.runCheck(), DEBOUNCE_MS);
      this.onInput = () => this.changed();
      this.onScroll = () => schedule();
      if (this.isTextarea) {
        el.addEventListener('input', this.onInput);
        el.addEventListener('scroll', this.onScroll, { passive: true });
      } else {
        this.observer = new MutationObserver(() => this.changed());
        this.observer.observe(el, { subtree: true, childList: true, characterData: true });
        el.addEventListener('input', this.onInput);
        el.addEventListener('scroll', this.onScroll, { passive: true });
      }
      if (typeof ResizeObserver === 'function') {
        this.resize = new ResizeObserver(() => schedule());
        this.resize.observe(el);
      }
    }

    read() {
      if (this.isTextarea) return { text: this.el.value, extracted: null };
      const extracted = T.extractEditable(this.el);
      return { text: extracted.text, extracted };
    }

    changed() {
      const { text } = this.read();
      if (text === this.shownText) return;
      this.findings = T.shiftFindings(this.findings, this.shownText, text);
      if (!text.trim()) this.overridden.clear(); // an emptied box starts a new draft
      this.shownText = text;
      if (state.active === this) {
        schedule();
        reportBadge(this);
      }
      this.check();
    }

    async runCheck() {
      const text = this.read().text;
      const seq = ++this.seq;
      if (!text.trim()) {
        this.findings = [];
        this.checkedText = text;
        this.status = 'ok';
        this.afterCheck();
        return;
      }
      const answer = await send({ type: 'check', text, kind: 'post' });
      if (seq !== this.seq || !state.enabled) return; // a newer check is on its way
      if (!answer) {
        this.status = 'error';
      } else if (!answer.ok) {
        this.status = ['down', 'unauthorized', 'permission'].includes(answer.error) ? answer.error : 'error';
        this.detail = typeof answer.detail === 'string' ? answer.detail : '';
      } else {
        const current = this.read().text;
        this.findings = T.shiftFindings(T.toLocalFindings(answer.result), text, current);
        this.shownText = current;
        this.checkedText = text;
        this.status = 'ok';
        state.dismissedNotice = false;
      }
      this.afterCheck();
    }

    afterCheck() {
      if (state.active === this) {
        schedule();
        reportBadge(this);
      }
    }

    /** Check image files attached to this box (each once); the page's own upload goes on as it is. */
    addImages(files) {
      for (const file of files) {
        const key = I.fileKey(file);
        if (this.images.some((image) => image.key === key)) continue;
        if (this.images.length >= I.MAX_IMAGES_PER_BOX) break;
        const image = { key, name: file.name || 'image', url: I.thumbnailUrl(file, win), status: 'checking', findings: [], error: '' };
        this.images.push(image);
        if (file.size > I.MAX_IMAGE_BYTES) image.status = 'toolarge';
        else this.checkImage(image, file);
      }
      this.afterCheck();
    }

    async checkImage(image, file) {
      let answer = null;
      try {
        const data = await I.readAsDataUrl(file, win);
        answer = await send({ type: 'checkImage', name: image.name, data, kind: 'post' });
      } catch {
        answer = { ok: false, error: 'error' };
      }
      if (!this.images.includes(image)) return; // removed meanwhile
      if (answer && answer.ok && answer.result) {
        image.findings = I.toImageFindings(answer.result);
        image.status = answer.result.error ? 'error' : 'done';
        image.error = answer.result.error ? String(answer.result.error) : '';
      } else {
        image.status = answer && answer.error === 'down' ? 'down' : 'error';
        image.error = answer && typeof answer.detail === 'string' ? answer.detail : '';
      }
      this.afterCheck();
    }

    removeImage(shown) {
      const image = this.images.find((other) => other.key === shown.key);
      if (!image) return;
      this.images = this.images.filter((other) => other !== image);
      if (image.url && win.URL.revokeObjectURL) win.URL.revokeObjectURL(image.url);
      this.afterCheck();
    }

    /** The findings not posted anyway, each with its key and matched words; images with theirs. */
    visible() {
      const text = this.shownText;
      const findings = this.findings
        .map((f) => {
          const match = text.slice(f.start, f.end);
          return { ...f, match, key: f.ruleId + '|' + match.toLowerCase() };
        })
        .filter((f) => !this.overridden.has(f.key));
      const images = this.images.map((image) => ({
        ...image,
        findings: image.findings
          .map((f) => ({ ...f, key: image.key + '|' + f.ruleId + '|' + f.match.toLowerCase() }))
          .filter((f) => !this.overridden.has(f.key)),
      }));
      return { findings, images };
    }

    /** Text findings and image findings still shown, for the badge. */
    allFindings() {
      const { findings, images } = this.visible();
      return findings.concat(...images.map((image) => image.findings));
    }

    detach() {
      for (const image of this.images) {
        if (image.url && win.URL.revokeObjectURL) win.URL.revokeObjectURL(image.url);
      }
      this.images = [];
      this.check.cancel();
      this.seq++;
      this.el.removeEventListener('input', this.onInput);
      this.el.removeEventListener('scroll', this.onScroll);
      if (this.observer) this.observer.disconnect();
      if (this.resize) this.resize.disconnect();
    }
  }

  function activate(el, boxEl = T.composeBoxFor(el)) {
    if (!state.enabled) return null;
    if (!boxEl) return null;
    let box = state.boxes.get(boxEl);
    if (!box) {
      box = new Box(boxEl);
      state.boxes.set(boxEl, box);
      if (box.shownText.trim()) box.check();
    }
    if (state.active !== box) {
      state.active = box;
      reportBadge(box);
      schedule();
    }
    startPolling();
    return box;
  }

  // Images attached to a compose box (images.js decides which): checked beside the text.
  function attachImages(boxEl, files) {
    const box = activate(boxEl, boxEl);
    if (box) box.addImages(files);
  }
  const imageListeners = I.listeners(attachImages);

  // Keyboard: Alt+Shift+P in the compose box moves to the panel (its first finding's first button);
  // Escape in the panel goes back to the compose box. Every control of the panel is a button or a
  // form field, reached with Tab.
  function onKeyDown(event) {
    if (!state.active || !state.overlay || state.overlay.panel.hidden) return;
    if (event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyP') {
      const panel = state.overlay.panel;
      const first = panel.querySelector('.decide button, .dismiss, .toggle, button');
      if (!first) return;
      event.preventDefault();
      if (state.collapsed) {
        state.collapsed = false;
        render();
      }
      (panel.querySelector('.decide button') || first).focus();
    }
  }

  function onPanelKeyDown(event) {
    if (event.key === 'Escape' && !state.editing && state.active) {
      event.preventDefault();
      state.active.el.focus();
    }
  }

  function onFocusIn(event) {
    activate(event.composedPath ? event.composedPath()[0] : event.target);
  }

  function onDocumentInput(event) {
    // Editors that replace the focused element while typing: follow the new one.
    const target = event.composedPath ? event.composedPath()[0] : event.target;
    const boxEl = T.composeBoxFor(target);
    if (boxEl && (!state.active || state.active.el !== boxEl)) activate(boxEl);
  }

  // Textareas whose value a framework sets without an input event.
  function startPolling() {
    if (state.poll !== null) return;
    state.poll = setInterval(() => {
      const box = state.active;
      if (!box) return;
      if (!box.el.isConnected) {
        forgetActive();
        return;
      }
      box.changed();
    }, POLL_MS);
  }

  function forgetActive() {
    if (state.active) state.active.detach();
    if (state.active) state.boxes.delete(state.active.el);
    state.active = null;
    if (state.poll !== null) clearInterval(state.poll);
    state.poll = null;
    send({ type: 'badge', count: 0 });
    schedule();
  }

  function reportBadge(box) {
    if (box.status === 'down' || box.status === 'unauthorized' || box.status === 'permission') {
      send({ type: 'badge', count: null, problem: box.status });
    } else {
      const all = box.allFindings();
      send({ type: 'badge', count: all.length, severity: T.worstSeverity(all) });
    }
  }

  // ---------------------------------------------------------------- drawing

  function ensureOverlay() {
    if (state.overlay && state.overlay.host.isConnected) return state.overlay;
    const host = doc.createElement(HOST_TAG);
    host.setAttribute('style', 'all: initial; position: fixed; top: 0; left: 0; width: 0; height: 0;');
    // Closed: the page's own scripts cannot reach into the panel, whose messages can tell what the
    // company's rule pack protects (a codename's reason, an embargo date). The content script keeps
    // its own reference.
    const shadow = host.attachShadow({ mode: 'closed' });
    const style = doc.createElement('style');
    style.textContent = globalThis.PostguardStyles || '';
    const layer = doc.createElement('div');
    layer.className = 'layer';
    const mirrorBox = doc.createElement('div');
    const panel = doc.createElement('div');
    panel.className = 'panel';
    panel.hidden = true;
    panel.setAttribute('role', 'region');
    panel.setAttribute('aria-label', t('panelLabel'));
    // Keep the focus (and caret) in the compose box when the panel is clicked, except on the
    // fields of a decision form (a reason is typed there).
    panel.addEventListener('mousedown', (event) => {
      const target = event.composedPath ? event.composedPath()[0] : event.target;
      if (!(target && target.closest && target.closest('input, textarea'))) event.preventDefault();
    });
    panel.addEventListener('keydown', onPanelKeyDown);
    shadow.append(style, layer, mirrorBox, panel);
    doc.documentElement.append(host);
    state.overlay = { host, shadow, layer, mirrorBox, panel };
    return state.overlay;
  }

  function schedule() {
    if (state.frame !== null) return;
    const run = () => {
      state.frame = null;
      render();
    };
    state.frame = typeof win.requestAnimationFrame === 'function' ? win.requestAnimationFrame(run) : setTimeout(run, 16);
  }

  const { clientBox, textareaRects } = globalThis.PostguardGeometry.create({ doc, win });

  function editableRects(box, spans) {
    const { text, extracted } = box.read();
    if (text !== box.shownText) {
      // The DOM moved on since the findings were aligned: realign first.
      box.changed();
    }
    return spans.map((span) => {
      const range = T.rangeFor(extracted, span.start, span.end, doc);
      return range && range.getClientRects ? Array.from(range.getClientRects()) : [];
    });
  }

  function render() {
    const box = state.active;
    const overlay = state.enabled ? ensureOverlay() : state.overlay;
    if (!overlay) return;
    const { layer, panel, mirrorBox } = overlay;
    if (!box || !box.el.isConnected || !state.enabled) {
      layer.replaceChildren();
      panel.hidden = true;
      return;
    }
    const clip = box.isTextarea ? clientBox(box.el) : clientBox(box.el);
    Object.assign(layer.style, {
      left: clip.left + 'px',
      top: clip.top + 'px',
      width: clip.width + 'px',
      height: clip.height + 'px',
    });
    const findings = box.visible().findings; // not those posted anyway
    const rects = box.isTextarea ? textareaRects(box.el, findings, mirrorBox) : editableRects(box, findings);
    const marks = [];
    findings.forEach((f, index) => {
      for (const rect of rects[index] || []) {
        if (rect.width <= 0 || rect.height <= 0) continue;
        const mark = doc.createElement('div');
        mark.className = 'mark sev-' + f.severity;
        mark.dataset.index = String(index);
        mark.dataset.rule = f.ruleId;
        mark.dataset.start = String(f.start);
        mark.dataset.end = String(f.end);
        Object.assign(mark.style, {
          left: rect.left - clip.left + 'px',
          top: rect.top - clip.top + 'px',
          width: rect.width + 'px',
          height: rect.height + 'px',
        });
        marks.push(mark);
      }
    });
    layer.replaceChildren(...marks);
    renderPanel(box, panel, clip.outer);
  }

  // ---------------------------------------------------------------- panel

  function renderPanel(box, panel, anchor) {
    const notice = ['down', 'unauthorized', 'permission', 'error'].includes(box.status) && !state.dismissedNotice
      ? { status: box.status, detail: box.detail } : null;
    const { findings, images } = box.visible();
    const editing = state.editing && state.editing.box === box ? state.editing : null;
    panelView().render(panel, { findings, images, notice, collapsed: state.collapsed, anchor, editing }, {
      toggle: () => {
        state.collapsed = !state.collapsed;
        schedule();
      },
      dismiss: () => {
        state.dismissedNotice = true;
        schedule();
      },
      select: (f) => selectSpan(box, f),
      removeImage: (image) => box.removeImage(image),
      decide: (f, kind) => {
        state.editing = { box, key: f.key, kind, reason: '', quote: false, error: '', report: null, focus: true };
        schedule();
      },
      cancel: () => {
        state.editing = null;
        schedule();
        box.el.focus();
      },
      edit: (changes) => Object.assign(state.editing || {}, changes, { focus: false }),
      confirm: (f) => decisions().decide(box, f),
    });
    if (state.editing) state.editing.focus = false;
  }

  function panelView() {
    if (!state.panelView) state.panelView = globalThis.PostguardPanel.create({ doc, win, t });
    return state.panelView;
  }

  function decisions() {
    if (!state.decisions) state.decisions = globalThis.PostguardDecisions.create({ win, t, send, state, schedule });
    return state.decisions;
  }

  /** Select a finding's span in the compose box (only on the user's click). */
  function selectSpan(box, f) {
    if (box.isTextarea) {
      box.el.focus();
      box.el.setSelectionRange(f.start, f.end);
      return;
    }
    const { extracted } = box.read();
    const range = T.rangeFor(extracted, f.start, f.end, doc);
    if (!range) return;
    box.el.focus();
    const selection = win.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // ---------------------------------------------------------------- settings and start

  function applySettings(settings) {
    state.settings = settings || {};
    const enabled = T.isSiteEnabled(win.location.hostname, state.settings);
    if (enabled === state.enabled) return;
    state.enabled = enabled;
    if (enabled) {
      doc.addEventListener('focusin', onFocusIn, true);
      doc.addEventListener('input', onDocumentInput, true);
      doc.addEventListener('keydown', onKeyDown, true);
      for (const [type, fn] of imageListeners) win.addEventListener(type, fn, true);
      win.addEventListener('scroll', schedule, { capture: true, passive: true });
      win.addEventListener('resize', schedule, { passive: true });
      if (doc.activeElement) activate(doc.activeElement);
    } else {
      doc.removeEventListener('focusin', onFocusIn, true);
      doc.removeEventListener('input', onDocumentInput, true);
      doc.removeEventListener('keydown', onKeyDown, true);
      for (const [type, fn] of imageListeners) win.removeEventListener(type, fn, true);
      win.removeEventListener('scroll', schedule, { capture: true });
      win.removeEventListener('resize', schedule);
      forgetActive();
      if (state.overlay) state.overlay.host.remove();
      state.overlay = null;
    }
  }

  async function start() {
    // The paste page of `postguard serve` checks its own text.
    if (doc.documentElement.hasAttribute('data-postguard-page')) return;
    let settings = {};
    try {
      settings = (await api.storage.local.get(null)) || {};
    } catch {
      return;
    }
    applySettings(settings);
    api.storage.onChanged.addListener((changes, area) => {
      if (area !== 'local') return;
      const next = { ...state.settings };
      for (const [key, change] of Object.entries(changes)) next[key] = change.newValue;
      applySettings(next);
      if (state.active) state.active.check();
    });
  }

  start();
})();
