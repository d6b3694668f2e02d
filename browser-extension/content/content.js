// postguard content script: finds the compose box the user is typing in, sends its text (debounced)
// to the background worker, and draws the findings over the box without touching the page's DOM
// inside it. Reads nothing but the focused compose box; does nothing on sites that are not enabled.
(function () {
  'use strict';

  const T = globalThis.PostguardText;
  const I = globalThis.PostguardImages;
  const api = globalThis.browser || globalThis.chrome;
  if (!T || !I || !globalThis.PostguardPanel || !api || !api.runtime) return;
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
        const image = { key, name: file.name || 'image', url: thumbnailUrl(file), status: 'checking', findings: [], error: '' };
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

    removeImage(image) {
      this.images = this.images.filter((other) => other !== image);
      if (image.url && win.URL.revokeObjectURL) win.URL.revokeObjectURL(image.url);
      this.afterCheck();
    }

    /** Text findings and image findings, for the badge. */
    allFindings() {
      return this.findings.concat(...this.images.map((image) => image.findings));
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

  function thumbnailUrl(file) {
    try {
      return win.URL.createObjectURL(file);
    } catch {
      return '';
    }
  }

  // Images: read the files during the event (a DataTransfer is emptied after it), check them later.
  // Listeners only: never preventDefault or stopPropagation, so the site's own upload is unchanged.
  function attachImages(boxEl, files) {
    if (!files.length || !boxEl) return;
    const box = activate(boxEl, boxEl);
    if (box) box.addImages(files);
  }

  function onPaste(event) {
    const target = event.composedPath ? event.composedPath()[0] : event.target;
    attachImages(T.composeBoxFor(target), I.imageFiles(event.clipboardData));
  }

  function onDrop(event) {
    const target = event.composedPath ? event.composedPath()[0] : event.target;
    attachImages(I.attachmentBoxFor(target), I.imageFiles(event.dataTransfer));
  }

  function onChange(event) {
    const target = event.composedPath ? event.composedPath()[0] : event.target;
    if (!target || target.localName !== 'input' || String(target.type).toLowerCase() !== 'file') return;
    attachImages(I.attachmentBoxFor(target), I.imageFiles(target.files));
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
    // Keep the focus (and caret) in the compose box when the panel is clicked.
    panel.addEventListener('mousedown', (event) => event.preventDefault());
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

  function clientBox(el) {
    const r = el.getBoundingClientRect();
    const cs = win.getComputedStyle(el);
    const bl = parseFloat(cs.borderLeftWidth) || 0;
    const bt = parseFloat(cs.borderTopWidth) || 0;
    return {
      left: r.left + bl,
      top: r.top + bt,
      width: el.clientWidth || Math.max(0, r.width - bl - (parseFloat(cs.borderRightWidth) || 0)),
      height: el.clientHeight || Math.max(0, r.height - bt - (parseFloat(cs.borderBottomWidth) || 0)),
      outer: r,
    };
  }

  const MIRRORED = [
    'boxSizing', 'fontFamily', 'fontSize', 'fontStyle', 'fontVariant', 'fontWeight', 'fontStretch',
    'fontKerning', 'fontFeatureSettings', 'fontVariationSettings', 'lineHeight', 'letterSpacing',
    'wordSpacing', 'textTransform', 'textIndent', 'textAlign', 'textRendering', 'tabSize', 'direction',
    'wordBreak', 'hyphens', 'paddingTop', 'paddingRight', 'paddingBottom', 'paddingLeft',
    'borderTopWidth', 'borderRightWidth', 'borderBottomWidth', 'borderLeftWidth',
  ];

  /** Client rects of [start, end) in a textarea, measured on an invisible copy laid out like it. */
  function textareaRects(el, spans, mirrorBox) {
    const cs = win.getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const mirror = doc.createElement('div');
    const s = mirror.style;
    for (const prop of MIRRORED) s[prop] = cs[prop];
    s.position = 'fixed';
    s.left = r.left + 'px';
    s.top = r.top + 'px';
    s.boxSizing = 'border-box';
    s.width = r.width + 'px';
    s.height = r.height + 'px';
    s.borderStyle = 'solid';
    s.borderColor = 'transparent';
    s.whiteSpace = 'pre-wrap';
    s.overflowWrap = 'break-word';
    s.overflow = 'hidden';
    s.visibility = 'hidden';
    s.pointerEvents = 'none';
    s.margin = '0';
    // A vertical scrollbar narrows the text area: narrow the copy the same way.
    const bl = parseFloat(cs.borderLeftWidth) || 0;
    const br = parseFloat(cs.borderRightWidth) || 0;
    const scrollbar = el.offsetWidth - el.clientWidth - bl - br;
    if (scrollbar > 0) s.paddingRight = (parseFloat(cs.paddingRight) || 0) + scrollbar + 'px';
    const value = el.value;
    const textNode = doc.createTextNode(value);
    mirror.append(textNode, doc.createTextNode('\u200b'));
    mirrorBox.replaceChildren(mirror);
    mirror.scrollTop = el.scrollTop;
    mirror.scrollLeft = el.scrollLeft;
    const out = spans.map((span) => {
      const start = Math.min(span.start, value.length);
      const end = Math.min(span.end, value.length);
      if (end <= start) return [];
      const range = doc.createRange();
      range.setStart(textNode, start);
      range.setEnd(textNode, end);
      return range.getClientRects ? Array.from(range.getClientRects()) : [];
    });
    mirrorBox.replaceChildren();
    return out;
  }

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
    const findings = box.findings;
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
    panelView().render(panel, { findings: box.findings, images: box.images, notice, collapsed: state.collapsed, anchor }, {
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
    });
  }

  function panelView() {
    if (!state.panelView) state.panelView = globalThis.PostguardPanel.create({ doc, win, t });
    return state.panelView;
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
      win.addEventListener('paste', onPaste, true);
      win.addEventListener('drop', onDrop, true);
      win.addEventListener('change', onChange, true);
      win.addEventListener('scroll', schedule, { capture: true, passive: true });
      win.addEventListener('resize', schedule, { passive: true });
      if (doc.activeElement) activate(doc.activeElement);
    } else {
      doc.removeEventListener('focusin', onFocusIn, true);
      doc.removeEventListener('input', onDocumentInput, true);
      win.removeEventListener('paste', onPaste, true);
      win.removeEventListener('drop', onDrop, true);
      win.removeEventListener('change', onChange, true);
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
