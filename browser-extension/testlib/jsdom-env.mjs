// Loads the real content scripts into jsdom with a stubbed extension API (for the unit tests).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';

export const EXT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPTS = ['content/text.js', 'content/images.js', 'content/rows.js', 'content/panel.js', 'content/geometry.js', 'content/decisions.js', 'content/styles.js', 'content/content.js'];
const EN = JSON.parse(readFileSync(join(EXT_DIR, '_locales/en/messages.json'), 'utf8'));

export function getMessage(key, subs) {
  const entry = EN[key];
  if (!entry) return '';
  const list = subs === undefined ? [] : [].concat(subs);
  return entry.message.replace(/\$(\d)/g, (_, n) => list[Number(n) - 1] ?? '');
}

/**
 * A jsdom window at `url` with `html`, the extension API stubbed, and the given scripts evaluated.
 * `respond(message)` answers runtime.sendMessage (may return a promise). Every message sent is
 * recorded in `messages`.
 */
export function makePage({ url = 'https://www.linkedin.com/feed/', html = '', settings = {}, respond, scripts = SCRIPTS } = {}) {
  const dom = new JSDOM(`<!doctype html><html><body>${html}</body></html>`, {
    url,
    runScripts: 'outside-only',
    pretendToBeVisual: true,
  });
  const { window } = dom;
  const messages = [];
  const storageListeners = [];
  window.chrome = {
    runtime: {
      sendMessage(message) {
        messages.push(JSON.parse(JSON.stringify(message)));
        return Promise.resolve(respond ? respond(message) : { ok: true });
      },
    },
    storage: {
      local: { get: async () => structuredClone(settings) },
      onChanged: { addListener: (fn) => storageListeners.push(fn) },
    },
    i18n: { getMessage },
  };
  // Route the page's timers through Node's globals so that node:test mock.timers drives them.
  window.setTimeout = (fn, ms, ...args) => setTimeout(fn, ms, ...args);
  window.clearTimeout = (id) => clearTimeout(id);
  // The content script's polling interval must not keep the test process alive (all suites share one).
  window.setInterval = (fn, ms, ...args) => {
    const id = setInterval(fn, ms, ...args);
    if (id && typeof id.unref === 'function') id.unref();
    return id;
  };
  window.clearInterval = (id) => clearInterval(id);
  window.requestAnimationFrame = (fn) => setTimeout(() => fn(Date.now()), 16);
  // The overlay's shadow root is closed; the tests read it through the reference kept here.
  const shadowRoots = new WeakMap();
  const attachShadow = window.Element.prototype.attachShadow;
  window.Element.prototype.attachShadow = function (init) {
    const root = attachShadow.call(this, init);
    shadowRoots.set(this, root);
    return root;
  };
  for (const script of SCRIPTS.filter((s) => scripts.includes(s))) {
    window.eval(readFileSync(join(EXT_DIR, script), 'utf8'));
  }
  const changeStorage = (changes) => {
    for (const fn of storageListeners) fn(changes, 'local');
  };
  /** The panel inside the overlay's (closed) shadow root, or null. */
  const panel = () => {
    const host = window.document.querySelector('postguard-overlay');
    return host ? shadowRoots.get(host).querySelector('.panel') : null;
  };
  return { dom, window, document: window.document, messages, changeStorage, panel };
}

/** Let pending promise callbacks run (the content script's start reads storage asynchronously). */
export async function settle(rounds = 5) {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Type into a textarea the way the browser reports it: value change + input event. */
export function typeInto(window, textarea, text) {
  textarea.value += text;
  textarea.dispatchEvent(new window.InputEvent('input', { bubbles: true, data: text }));
}

/** A server answer with findings for `needles` in `text` (UTF-16 offsets, like the real server). */
export function answerFor(text, needles) {
  const findings = [];
  for (const [needle, severity] of needles) {
    let from = 0;
    for (;;) {
      const i = text.indexOf(needle, from);
      if (i < 0) break;
      const cp = [...text.slice(0, i)].length;
      findings.push({
        rule_id: 'PG999', rule_name: 'test', category: 'confidential', severity, message: `About ${needle}`,
        start: cp, end: cp + [...needle].length, start_utf16: i, end_utf16: i + needle.length,
        line: 1, column: cp + 1, match: needle, replacements: ['the project'], confidence: 1,
      });
      from = i + needle.length;
    }
  }
  findings.sort((a, b) => a.start_utf16 - b.start_utf16);
  return { ok: true, result: { findings, language: 'de', pack_fingerprint: 'x' } };
}
