// postguard content-script logic that does not touch the page's layout: which sites are enabled,
// which elements are compose boxes, the ONE text form sent to the server (with a map back to DOM
// positions), keeping findings aligned while the user types, and a debounce.
//
// Text form (the server's offsets refer to it; the extension uses the UTF-16 offsets):
// - textarea: its value, unchanged.
// - contenteditable: the data of its text nodes in document order (no-break spaces read as spaces,
//   same length), "\n" between block elements and for each <br> (a <br> that ends its block is a
//   placeholder and adds nothing). Every character of a text node is one character of the text, so
//   a UTF-16 offset maps to exactly one (text node, offset) position.
//
// Loaded as a classic script before content.js (they share the content script's isolated world) and
// by the unit tests into jsdom.
(function (root) {
  'use strict';

  const DEFAULT_SITES = Object.freeze([
    'linkedin.com', 'x.com', 'twitter.com', 'facebook.com', 'instagram.com', 'xing.com', 'bsky.app',
    'threads.net', 'threads.com',
  ]);

  const BLOCKS = new Set([
    'address', 'article', 'aside', 'blockquote', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
    'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header',
    'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot',
    'th', 'thead', 'tr', 'ul',
  ]);

  // Elements whose content is never part of a draft (and never read).
  const SKIPPED = new Set([
    'script', 'style', 'noscript', 'template', 'input', 'textarea', 'select', 'option', 'button',
    'img', 'svg', 'canvas', 'video', 'audio', 'iframe', 'object', 'embed', 'math',
  ]);

  /** The default site a hostname belongs to ("www.linkedin.com" -> "linkedin.com"), or null. */
  function defaultSiteFor(hostname) {
    const host = String(hostname || '').toLowerCase();
    return DEFAULT_SITES.find((site) => host === site || host.endsWith('.' + site)) || null;
  }

  /**
   * Normalise what a user types for an extra site ("mastodon.social", "https://social.example/@me",
   * "http://127.0.0.1:8000") to an origin ("https://mastodon.social"), or null if it is not a host.
   */
  function normaliseOrigin(input) {
    let value = String(input || '').trim();
    if (!value) return null;
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) value = 'https://' + value;
    let url;
    try {
      url = new URL(value);
    } catch {
      return null;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    if (!url.hostname || url.username || url.password) return null;
    return url.protocol + '//' + url.hostname;
  }

  /** The match pattern of a default site, as in the manifest's content_scripts. */
  function sitePattern(site) {
    return 'https://*.' + site + '/*';
  }

  /** The match pattern for an origin made by normaliseOrigin (ports are not part of patterns). */
  function originPattern(origin) {
    return origin + '/*';
  }

  /**
   * Is the extension switched on for this hostname? Default sites are on unless the user turned them
   * off (settings.sites[site] === false); other sites only if the user added them (customSites).
   */
  function isSiteEnabled(hostname, settings) {
    const s = settings || {};
    const site = defaultSiteFor(hostname);
    if (site) return !(s.sites && s.sites[site] === false);
    const host = String(hostname || '').toLowerCase();
    return (s.customSites || []).some((origin) => {
      try {
        return new URL(origin).hostname === host;
      } catch {
        return false;
      }
    });
  }

  function isContentEditableTrue(el) {
    if (typeof el.isContentEditable === 'boolean') return el.isContentEditable;
    // jsdom has no isContentEditable: the nearest contenteditable attribute decides.
    const nearest = el.closest && el.closest('[contenteditable]');
    return Boolean(nearest) && nearest.getAttribute('contenteditable') !== 'false';
  }

  /**
   * The compose box an element belongs to: an editable <textarea>, or the editing host of a
   * contenteditable region. Anything else (inputs, password fields, plain page text) gives null.
   */
  function composeBoxFor(target) {
    let el = target;
    if (!el || el.nodeType !== 1) el = el && el.parentElement;
    if (!el) return null;
    const name = el.localName;
    if (name === 'input' || name === 'select') return null;
    if (name === 'textarea') return el.disabled || el.readOnly ? null : el;
    if (!isContentEditableTrue(el)) return null;
    let host = el.closest('[contenteditable]');
    if (!host || host.getAttribute('contenteditable') === 'false') return null;
    // Climb to the outermost editable element: that is the editing host.
    for (let up = host.parentElement; up; up = up.parentElement) {
      const attr = up.getAttribute('contenteditable');
      if (attr === null) continue;
      if (attr === 'false') break;
      host = up;
    }
    return host;
  }

  function isBlock(el) {
    return BLOCKS.has(el.localName);
  }

  function isWhitespaceOnly(data) {
    return /^[ \t\r\n]*$/.test(data);
  }

  /** Does this <br> end its block (nothing visible follows it before the block ends)? */
  function isTrailingBreak(br, rootEl) {
    let node = br;
    while (node && node !== rootEl) {
      for (let next = node.nextSibling; next; next = next.nextSibling) {
        if (next.nodeType === 3) {
          if (next.data.length) return false;
        } else if (next.nodeType === 1) {
          if (SKIPPED.has(next.localName)) continue;
          return isBlock(next);
        }
      }
      const parent = node.parentNode;
      if (!parent || parent === rootEl || (parent.nodeType === 1 && isBlock(parent))) return true;
      node = parent;
    }
    return true;
  }

  /**
   * Build the text of a contenteditable compose box and the map from text offsets to text nodes.
   * Returns {text, segments}; each segment is {start, end, node} for a text node whose data is
   * text.slice(start, end).
   */
  function extractEditable(rootEl) {
    let text = '';
    const segments = [];
    let started = false;
    let pendingBreak = false;

    function flush() {
      if (pendingBreak && started) text += '\n';
      pendingBreak = false;
      started = true;
    }

    function visit(node) {
      if (node.nodeType === 3) {
        const data = node.data;
        if (!data.length) return;
        if (isWhitespaceOnly(data) && data.includes('\n') && nextToBlock(node)) return;
        flush();
        const start = text.length;
        text += data.replace(/\u00a0/g, ' ');
        segments.push({ start, end: text.length, node });
        return;
      }
      if (node.nodeType !== 1) return;
      const name = node.localName;
      if (SKIPPED.has(name)) return;
      if (name === 'br') {
        if (isTrailingBreak(node, rootEl)) {
          flush();
        } else {
          flush();
          text += '\n';
        }
        return;
      }
      const block = isBlock(node) && node !== rootEl;
      if (block) pendingBreak = true;
      for (let child = node.firstChild; child; child = child.nextSibling) visit(child);
      if (block) pendingBreak = true;
    }

    visit(rootEl);
    return { text, segments };
  }

  function nextToBlock(node) {
    const prev = node.previousSibling;
    const next = node.nextSibling;
    return Boolean((prev && prev.nodeType === 1 && isBlock(prev)) || (next && next.nodeType === 1 && isBlock(next)));
  }

  /**
   * The DOM position of text offset `offset` in an extraction. As a range start (`asEnd` false) a
   * position between two text nodes resolves into the later one; as a range end into the earlier.
   * Offsets on a synthetic "\n" resolve to the nearest text node on the inside of the range.
   */
  function domPosition(extracted, offset, asEnd) {
    const segs = extracted.segments;
    if (!segs.length) return null;
    let lo = 0;
    let hi = segs.length - 1;
    // Last segment whose start <= offset (for a start) / whose start < offset (for an end).
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const ok = asEnd ? segs[mid].start < offset : segs[mid].start <= offset;
      if (ok) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (asEnd) {
      if (found < 0) return null;
      const seg = segs[found];
      return { node: seg.node, offset: Math.min(offset, seg.end) - seg.start };
    }
    if (found >= 0 && offset < segs[found].end) {
      return { node: segs[found].node, offset: offset - segs[found].start };
    }
    const next = segs[found + 1];
    return next ? { node: next.node, offset: 0 } : null;
  }

  /** A DOM Range for the UTF-16 span [start, end) of an extraction, or null. */
  function rangeFor(extracted, start, end, doc) {
    const from = domPosition(extracted, start, false);
    const to = domPosition(extracted, end, true);
    if (!from || !to) return null;
    const range = doc.createRange();
    range.setStart(from.node, from.offset);
    range.setEnd(to.node, to.offset);
    if (range.collapsed) return null;
    return range;
  }

  /**
   * Keep findings aligned after an edit, before the server has answered for the new text: spans
   * before the edit stay, spans after it move by the edit's length change, spans the edit touched
   * are dropped. Findings carry UTF-16 `start`/`end`.
   */
  function shiftFindings(findings, oldText, newText) {
    if (oldText === newText) return findings.slice();
    const max = Math.min(oldText.length, newText.length);
    let prefix = 0;
    while (prefix < max && oldText.charCodeAt(prefix) === newText.charCodeAt(prefix)) prefix++;
    let suffix = 0;
    while (
      suffix < max - prefix &&
      oldText.charCodeAt(oldText.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix)
    ) {
      suffix++;
    }
    const oldChangeEnd = oldText.length - suffix;
    const delta = newText.length - oldText.length;
    const out = [];
    for (const f of findings) {
      if (f.end <= prefix) out.push(f);
      else if (f.start >= oldChangeEnd) out.push({ ...f, start: f.start + delta, end: f.end + delta });
    }
    return out;
  }

  /** The findings of a server answer in the extension's form: UTF-16 start/end. */
  function toLocalFindings(answer) {
    const list = (answer && Array.isArray(answer.findings) && answer.findings) || [];
    return list
      .filter((f) => Number.isInteger(f.start_utf16) && Number.isInteger(f.end_utf16) && f.end_utf16 > f.start_utf16)
      .map((f) => ({
        ruleId: String(f.rule_id || ''),
        ruleName: String(f.rule_name || ''),
        category: String(f.category || ''),
        severity: ['error', 'warning', 'info'].includes(f.severity) ? f.severity : 'warning',
        message: String(f.message || ''),
        replacements: Array.isArray(f.replacements) ? f.replacements.map(String) : [],
        start: f.start_utf16,
        end: f.end_utf16,
      }));
  }

  const SEVERITY_RANK = { info: 0, warning: 1, error: 2 };

  /** The most severe severity among findings, or null. */
  function worstSeverity(findings) {
    let worst = null;
    for (const f of findings) {
      if (worst === null || SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst]) worst = f.severity;
    }
    return worst;
  }

  /** Call fn once, `ms` after the last call; `cancel()` drops a pending call. */
  function debounce(fn, ms) {
    let timer = null;
    function debounced(...args) {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        fn(...args);
      }, ms);
    }
    debounced.cancel = () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    };
    return debounced;
  }

  root.PostguardText = Object.freeze({
    DEFAULT_SITES,
    defaultSiteFor,
    normaliseOrigin,
    sitePattern,
    originPattern,
    isSiteEnabled,
    composeBoxFor,
    extractEditable,
    domPosition,
    rangeFor,
    shiftFindings,
    toLocalFindings,
    worstSeverity,
    debounce,
  });
})(globalThis);
