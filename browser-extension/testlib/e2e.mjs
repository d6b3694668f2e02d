// Helpers for the end-to-end tests: a tiny static server, Chromium with the extension loaded, and
// reading back which text the drawn highlights actually cover.
import { createServer } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const EXT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = join(EXT_DIR, '..');
export const SERVER_URL = process.env.POSTGUARD_URL ? process.env.POSTGUARD_URL.replace(/\/+$/, '') : '';
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SAMPLE = '🚀 Stolz auf das Sturmvogel-Team! Der Trekker T5 kommt bald.';

export const SKIP_REASON = SERVER_URL ? false : 'set POSTGUARD_URL to a running `postguard serve` (tests/test_browser.py does)';

export function artifactsDir() {
  const dir = process.env.POSTGUARD_ARTIFACTS || join(EXT_DIR, 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Serve one HTML file at / on a free loopback port. */
export async function serveFile(path) {
  const body = readFileSync(path);
  const server = createServer((req, res) => {
    if (req.url === '/' || req.url.startsWith('/?')) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(body);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => {
    server.close(resolve);
    server.closeAllConnections(); // the shared browser lives on: do not wait for its keep-alive connections
  }) };
}

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--lang=de-DE'];

/** Headless Chromium, optionally with the unpacked extension at `extDir`. */
export async function launch({ extDir = null, locale = 'de-DE' } = {}) {
  const args = [...ARGS];
  if (extDir) args.push(`--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`);
  const ctx = await chromium.launchPersistentContext('', {
    executablePath: CHROMIUM,
    headless: true,
    args,
    locale,
    viewport: { width: 1100, height: 720 },
  });
  if (!extDir) return { ctx };
  let [sw] = ctx.serviceWorkers();
  if (!sw) sw = await ctx.waitForEvent('serviceworker', { timeout: 15000 });
  return { ctx, sw, extId: new URL(sw.url()).host };
}

let shared = null;

/**
 * The one headless Chromium with the unpacked extension that the suites of test/chromium.test.mjs
 * share (a launch and its service worker cost seconds; each suite opens and closes its own pages).
 */
export function sharedChromium() {
  if (!shared) shared = launch({ extDir: EXT_DIR });
  return shared;
}

export async function closeSharedChromium() {
  if (!shared) return;
  const browser = await shared.catch(() => null);
  shared = null;
  if (browser) await browser.ctx.close();
}

const cdpSessions = new WeakMap();

/**
 * Run `fn(elements, arg)` in the page on the elements matching `selector` inside the extension's
 * overlay, whose shadow root is closed to the page's scripts (and to Playwright's locators): the
 * DevTools protocol still sees it. Returns what `fn` returns (JSON), or `fn([], arg)`'s result when
 * there is no overlay yet.
 */
export async function overlayEval(page, selector, fn, arg = null) {
  let cdp = cdpSessions.get(page);
  if (!cdp) {
    cdp = await page.context().newCDPSession(page);
    cdpSessions.set(page, cdp);
  }
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  const find = (node) => {
    if (node.localName === 'postguard-overlay' && node.shadowRoots?.length) return node.shadowRoots[0];
    for (const child of node.children || []) {
      const found = find(child);
      if (found) return found;
    }
    return null;
  };
  const shadow = find(root);
  // Without an overlay, `fn` still runs in the page, on no elements.
  const call = `function (selector, arg, inOverlay) {
    const els = inOverlay ? [...this.querySelectorAll(selector)] : [];
    return (${fn.toString()})(els, arg);
  }`;
  const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: (shadow || root).backendNodeId });
  const { result, exceptionDetails } = await cdp.send('Runtime.callFunctionOn', {
    objectId: object.objectId,
    functionDeclaration: call,
    arguments: [{ value: selector }, { value: arg }, { value: Boolean(shadow) }],
    returnByValue: true,
  });
  if (exceptionDetails) throw new Error(`overlayEval(${selector}): ${exceptionDetails.exception?.description || exceptionDetails.text}`);
  return result.value;
}

/** Call `read()` every 100 ms until `ready(value)` holds or `timeout` ms pass; returns the last value. */
export async function poll(read, ready, { timeout = 10000 } = {}) {
  const until = Date.now() + timeout;
  let value;
  do {
    value = await read();
    if (ready(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < until);
  return value;
}

/** A `ready` for `poll`: the value equals `expected` (as JSON). */
export const equalTo = (expected) => (value) => JSON.stringify(value) === JSON.stringify(expected);

/** Runs in the page: the rectangles of highlight elements, with the finding index each belongs to. */
export const markRects = (els) =>
  els.map((el) => {
    const r = el.getBoundingClientRect();
    return { index: el.dataset.index ?? '', left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  });

/**
 * Runs in the page: for each group of highlight rectangles (`marks`, grouped by their index) over
 * the box at `selector`, the text between the caret positions at its left and right edges.
 */
export const textUnderHighlights = ({ selector, marks }) => {
  const box = document.querySelector(selector);
  const isTextarea = box.localName === 'textarea';
  const boxRect = box.getBoundingClientRect();
  // Text offset of the caret position at (x, y), in the same text form as the box's text.
  function offsetAt(x, y) {
    const pos = document.caretPositionFromPoint(x, y);
    if (!pos) return null;
    if (isTextarea) return pos.offsetNode === box ? pos.offset : null;
    if (!box.contains(pos.offsetNode)) return null;
    const r = document.createRange();
    r.setStart(box, 0);
    r.setEnd(pos.offsetNode, pos.offset);
    return r.toString().length;
  }
  const text = isTextarea ? box.value : box.textContent;
  const groups = new Map();
  for (const m of marks) {
    // Only highlights drawn over this box.
    if (m.right < boxRect.left || m.left > boxRect.right || m.bottom < boxRect.top || m.top > boxRect.bottom) continue;
    if (!groups.has(m.index)) groups.set(m.index, []);
    groups.get(m.index).push(m);
  }
  const out = [];
  for (const rects of groups.values()) {
    const first = rects[0];
    const last = rects[rects.length - 1];
    const start = offsetAt(first.left + 1, (first.top + first.bottom) / 2);
    const end = offsetAt(last.right - 1, (last.top + last.bottom) / 2);
    out.push(start === null || end === null ? null : text.slice(start, end));
  }
  return out;
};

/**
 * For every highlight drawn by the extension over `boxSelector`, the text of the box that lies
 * under it, found by asking the browser which caret positions are at the highlight's left and
 * right edges (independent of how the extension computed the highlight).
 */
export async function highlightedTexts(page, boxSelector, markSelector = null) {
  // markSelector null: the extension's highlights, inside its closed overlay
  const marks = markSelector
    ? await page.locator(markSelector).evaluateAll(markRects)
    : await overlayEval(page, '.mark', markRects);
  return page.evaluate(textUnderHighlights, { selector: boxSelector, marks });
}
