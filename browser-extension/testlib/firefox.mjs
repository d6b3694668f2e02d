// Headless Firefox driven over WebDriver BiDi (built into Firefox; no geckodriver, no patched build),
// with the extension installed as a temporary add-on. Used by test/e2e-firefox.test.mjs.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

export const FIREFOX = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

const PREFS = {
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'app.update.auto': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'extensions.autoDisableScopes': 0,
  'intl.accept_languages': 'de-DE',
  // A quicker start (about 20 % here): no first-run pages, no update or safe-browsing traffic,
  // and one content process (the tests open one tab at a time).
  'browser.startup.page': 0,
  'browser.aboutwelcome.enabled': false,
  'browser.newtabpage.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.update.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.captive-portal-service.enabled': false,
  'app.normandy.enabled': false,
  'toolkit.telemetry.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.update.enabled': false,
  'extensions.blocklist.enabled': false,
  'browser.search.update': false,
  'services.settings.server': 'http://127.0.0.1:9/',
  'browser.sessionstore.resume_from_crash': false,
  'dom.ipc.processCount': 1,
  'fission.autostart': false,
  'browser.places.importBookmarksHTML': false,
  'browser.bookmarks.restore_default_bookmarks': false,
};

/**
 * A copy of the extension whose worker stores `settings` when it is installed: what a user does on
 * the options page, which WebDriver BiDi cannot open (it refuses to navigate to moz-extension://).
 * The extension's own files are unchanged; the seed is appended to the copy's background.js.
 */
export function seededCopy(extDir, settings) {
  const dir = mkdtempSync(join(tmpdir(), 'postguard-ext-'));
  cpSync(extDir, dir, { recursive: true, filter: (src) => !/node_modules|test-artifacts/.test(src) });
  const worker = join(dir, 'background.js');
  writeFileSync(
    worker,
    readFileSync(worker, 'utf8') +
      `\n// test seed\napi.runtime.onInstalled.addListener(() => api.storage.local.set(${JSON.stringify(settings)}));\n`,
  );
  return dir;
}

/** Start headless Firefox with a fresh profile; resolves to a BiDi session. */
export async function launchFirefox() {
  const profile = mkdtempSync(join(tmpdir(), 'postguard-ff-'));
  writeFileSync(
    join(profile, 'user.js'),
    Object.entries(PREFS).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n'),
  );
  const proc = spawn(FIREFOX, ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await exited;
    }
    rmSync(profile, { recursive: true, force: true });
  };
  let ws;
  try {
    const url = await new Promise((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`Firefox did not start:\n${seen}`)), 30000);
      const onData = (chunk) => {
        seen += chunk;
        const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(seen);
        if (m) {
          clearTimeout(timer);
          proc.stderr.off('data', onData);
          proc.stderr.resume(); // keep draining, so Firefox never blocks on a full pipe
          resolve(m[1]);
        }
      };
      proc.stderr.on('data', onData);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Firefox exited (${code ?? signal}):\n${seen}`));
      });
    });
    ws = new WebSocket(`${url}/session`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const session = new BidiSession(ws);
    await session.send('session.new', { capabilities: { alwaysMatch: { acceptInsecureCerts: false } } });
    session.close = async () => {
      try {
        await session.send('session.end');
      } catch {
        // already gone
      }
      ws.close();
      await stop();
    };
    return session;
  } catch (error) {
    if (ws) ws.terminate();
    await stop();
    throw error;
  }
}

const REQUEST_TIMEOUT_MS = 30000;

class BidiSession {
  constructor(ws) {
    this.ws = ws;
    this.nextId = 0;
    this.pending = new Map();
    const failAll = (why) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`BiDi connection ${why}`));
      this.pending.clear();
    };
    ws.on('close', () => failAll('closed'));
    ws.on('error', (error) => failAll(`failed: ${error.message}`));
    ws.on('message', (data) => {
      const message = JSON.parse(data);
      const waiter = message.id !== undefined && this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      clearTimeout(waiter.timer);
      if (message.type === 'error') waiter.reject(new Error(`${message.error}: ${message.message}`));
      else waiter.resolve(message.result);
    });
  }

  send(method, params = {}) {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`BiDi ${method}: no answer within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Run `fn(...args)` in the page of `context`; plain JSON values in and out. */
  async call(context, fn, ...args) {
    const result = await this.send('script.callFunction', {
      functionDeclaration: `function (...args) {
        const value = (${fn.toString()})(...args.map((a) => (a === null ? null : JSON.parse(a))));
        return Promise.resolve(value).then((v) => JSON.stringify(v === undefined ? null : v));
      }`,
      target: { context },
      arguments: args.map(toRemote),
      awaitPromise: true,
      resultOwnership: 'none',
    });
    return fromRemote(result, 'call');
  }

  /**
   * Run `fn(elements, arg)` on the elements matching `selector` in the extension's overlay. Its
   * shadow root is closed to the page; BiDi hands it over when asked to include closed shadow trees.
   */
  async overlayEval(context, selector, fn, arg = null) {
    const found = await this.send('script.evaluate', {
      expression: "document.querySelector('postguard-overlay')",
      target: { context },
      awaitPromise: false,
      resultOwnership: 'none',
      serializationOptions: { maxDomDepth: 1, includeShadowTree: 'all' },
    });
    const shadow = found.result?.value?.shadowRoot;
    const result = await this.send('script.callFunction', {
      functionDeclaration: `function (root, selector, arg) {
        const els = root ? [...root.querySelectorAll(JSON.parse(selector))] : [];
        return JSON.stringify((${fn.toString()})(els, arg === null ? null : JSON.parse(arg)) ?? null);
      }`,
      target: { context },
      arguments: [shadow ? { sharedId: shadow.sharedId } : { type: 'null' }, toRemote(selector), toRemote(arg)],
      awaitPromise: false,
      resultOwnership: 'none',
    });
    return fromRemote(result, `overlayEval(${selector})`);
  }

  /** Type `text` into whatever has the focus, key by key. */
  async type(context, text) {
    const actions = [];
    for (const ch of text) actions.push({ type: 'keyDown', value: ch }, { type: 'keyUp', value: ch });
    await this.send('input.performActions', { context, actions: [{ type: 'key', id: 'keyboard', actions }] });
  }

  /** A real click (a user gesture) in the middle of the element matching `selector`. */
  async click(context, selector) {
    const { x, y } = await this.call(
      context,
      (sel) => {
        const r = document.querySelector(sel).getBoundingClientRect();
        return { x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2) };
      },
      selector,
    );
    await this.send('input.performActions', {
      context,
      actions: [
        {
          type: 'pointer',
          id: 'mouse',
          parameters: { pointerType: 'mouse' },
          actions: [
            { type: 'pointerMove', x, y },
            { type: 'pointerDown', button: 0 },
            { type: 'pointerUp', button: 0 },
          ],
        },
      ],
    });
  }
}

function toRemote(value) {
  return value === null || value === undefined ? { type: 'null' } : { type: 'string', value: JSON.stringify(value) };
}

function fromRemote(result, what) {
  if (result.type === 'exception') throw new Error(`${what} in the page: ${result.exceptionDetails.text}`);
  return JSON.parse(result.result.value);
}
