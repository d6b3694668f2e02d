// Unit tests of the paste page (src/postguard/web/app.js) in jsdom with a stubbed fetch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { EXT_DIR, answerFor, settle } from '../testlib/jsdom-env.mjs';

const WEB = join(EXT_DIR, '..', 'src', 'postguard', 'web');
const HTML = readFileSync(join(WEB, 'index.html'), 'utf8').replace(/<script[^>]*><\/script>/, '');
const APP = readFileSync(join(WEB, 'app.js'), 'utf8');
const SAMPLE = '🚀 Stolz auf das Sturmvogel-Team! Der Trekker T5 kommt bald.';
const NEEDLES = [['Sturmvogel', 'error'], ['Trekker T5', 'warning']];

const json = (status, body) => ({ ok: status < 400, status, json: async () => structuredClone(body) });

/** The page with a fake server: `routes[path](request)` answers; every request is recorded. */
function open({ languages = ['de-DE'], routes = {} } = {}) {
  const dom = new JSDOM(HTML, { url: 'http://127.0.0.1:8421/', runScripts: 'outside-only', pretendToBeVisual: true });
  const { window } = dom;
  Object.defineProperty(window.navigator, 'languages', { value: languages });
  const requests = [];
  const defaults = {
    'v1/health': () => json(200, { status: 'ok', version: '1.2.3', rule_count: 13 }),
    'v1/channels': () => json(200, { channels: [{ name: 'linkedin-company', business: true }] }),
    'v1/check': (req) => json(200, { ...answerFor(JSON.parse(req.body).text, NEEDLES).result }),
  };
  window.fetch = async (path, init = {}) => {
    const req = { path, method: init.method || 'GET', headers: { ...init.headers }, body: init.body };
    requests.push(req);
    const route = routes[path] || defaults[path];
    return route ? route(req) : json(404, { error: 'not found' });
  };
  window.setTimeout = (fn, ms, ...args) => setTimeout(fn, ms, ...args);
  window.clearTimeout = (id) => clearTimeout(id);
  window.eval(APP);
  const $ = (id) => window.document.getElementById(id);
  const type = (text) => {
    $('draft').value = text;
    $('draft').dispatchEvent(new window.InputEvent('input', { bubbles: true }));
  };
  return { window, document: window.document, $, type, requests };
}

const checks = (requests) => requests.filter((r) => r.path === 'v1/check');

test('German browser: German UI; the switch changes language and is remembered', async () => {
  const { document, $, window } = open({ languages: ['de-DE', 'en'] });
  await settle();
  assert.equal(document.documentElement.lang, 'de');
  assert.equal(document.querySelector('label[for="draft"]').textContent, 'Entwurf');
  assert.equal($('status').textContent, 'Fügen Sie einen Entwurf ein, um ihn zu prüfen.');
  document.querySelector('[data-lang="en"]').click();
  assert.equal(document.documentElement.lang, 'en');
  assert.equal(document.querySelector('label[for="draft"]').textContent, 'Draft');
  assert.equal(document.querySelector('[data-lang="en"]').getAttribute('aria-pressed'), 'true');
  assert.equal(window.localStorage.getItem('postguard.uiLang'), 'en');
  const english = open({ languages: ['fr-FR', 'en-GB'] });
  assert.equal(english.document.documentElement.lang, 'en');
});

test('findings are marked at their UTF-16 spans after an emoji and listed with severity and fix', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { document, $, type, requests } = open();
  await settle();
  type(SAMPLE);
  assert.equal(checks(requests).length, 0, 'debounced');
  t.mock.timers.tick(300);
  await settle();
  assert.deepEqual(JSON.parse(checks(requests)[0].body), { text: SAMPLE, kind: 'post' });
  const marks = [...document.querySelectorAll('#highlights mark')];
  assert.deepEqual(marks.map((m) => m.textContent), ['Sturmvogel', 'Trekker T5']);
  assert.deepEqual(marks.map((m) => m.className), ['sev-error', 'sev-warning']);
  assert.equal($('highlights').textContent, SAMPLE, 'the backdrop holds exactly the draft');
  const items = [...document.querySelectorAll('#findings li')];
  assert.deepEqual(items.map((li) => li.querySelector('.severity').textContent), ['Fehler', 'Warnung']);
  assert.match(items[0].querySelector('.apply').textContent, /the project/);
  assert.match($('status').textContent, /^2 Hinweise\./);
});

test('a fix from the list is written into the draft', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { document, $, type } = open();
  await settle();
  type(SAMPLE);
  t.mock.timers.tick(300);
  await settle();
  document.querySelector('#findings li .apply').click();
  assert.equal($('draft').value, SAMPLE.replace('Sturmvogel', 'the project'));
  assert.deepEqual([...document.querySelectorAll('#highlights mark')].map((m) => m.textContent), ['Trekker T5']);
});

test('nothing found is said clearly, with the number of rules', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { document, $, type } = open();
  await settle();
  type('Schönes Wochenende!');
  t.mock.timers.tick(300);
  await settle();
  assert.equal($('status').className, 'status clean');
  assert.match($('status').textContent, /^Nichts gefunden\. 13 Regeln geprüft/);
  assert.equal(document.querySelectorAll('#highlights mark').length, 0);
  assert.equal($('status').getAttribute('role'), 'status');
});

test('channel, kind, language and publication date are sent', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { $, type, requests } = open();
  await settle();
  assert.deepEqual([...$('channel').options].map((o) => o.value), ['', 'linkedin-company']);
  $('channel').value = 'linkedin-company';
  $('kind').value = 'article';
  $('lang').value = 'de';
  $('publishAt').value = '2027-05-05T10:00';
  type('Hallo');
  t.mock.timers.tick(300);
  await settle();
  const body = JSON.parse(checks(requests)[0].body);
  assert.equal(body.channel, 'linkedin-company');
  assert.equal(body.kind, 'article');
  assert.equal(body.lang, 'de');
  assert.match(body.publish_at, /^2027-05-05T10:00:00[+-]\d\d:\d\d$/);
});

test('a server without a channel list gets a free text channel field', async () => {
  const { $ } = open({ routes: { 'v1/channels': () => json(404, { error: 'not found' }) } });
  await settle();
  assert.equal($('channel').localName, 'input');
  assert.equal(document_label($('channel')), 'Kanal');
});

function document_label(el) {
  return el.ownerDocument.querySelector(`label[for="${el.id}"]`).textContent;
}

test('a server with a token: the page asks for it and then sends it', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const guarded = (answer) => (req) => (req.headers.Authorization === 'Bearer t0k' ? answer(req) : json(401, { error: 'token' }));
  const { window, $, type, requests } = open({
    routes: {
      'v1/health': guarded(() => json(200, { status: 'ok', version: '1', rule_count: 3 })),
      'v1/channels': guarded(() => json(200, { channels: [{ name: 'blog', business: true }] })),
      'v1/check': guarded((req) => json(200, answerFor(JSON.parse(req.body).text, NEEDLES).result)),
    },
  });
  await settle();
  assert.equal($('tokenField').hidden, false);
  type(SAMPLE);
  t.mock.timers.tick(300);
  await settle();
  assert.match($('status').textContent, /Token/);
  $('token').value = 't0k';
  $('token').dispatchEvent(new window.Event('change', { bubbles: true }));
  await settle();
  assert.equal(checks(requests).at(-1).headers.Authorization, 'Bearer t0k');
  assert.equal(window.document.querySelectorAll('#highlights mark').length, 2);
  assert.deepEqual([...$('channel').options].map((o) => o.value), ['', 'blog']);
  assert.equal(window.sessionStorage.getItem('postguard.token'), 't0k');
});

test('a refused check shows the server\'s reason; a dead server says how to start it', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const refused = open({ routes: { 'v1/check': () => json(400, { error: "unknown channel 'x'" }) } });
  await settle();
  refused.type('Hallo');
  t.mock.timers.tick(300);
  await settle();
  assert.equal(refused.$('status').textContent, "Die Prüfung ist fehlgeschlagen (HTTP 400). unknown channel 'x'");
  const dead = open({ routes: { 'v1/check': () => Promise.reject(new TypeError('Failed to fetch')) } });
  await settle();
  dead.type('Hallo');
  t.mock.timers.tick(300);
  await settle();
  assert.match(dead.$('status').textContent, /postguard serve/);
});

test('the draft is never stored in the browser', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { window, type } = open();
  await settle();
  type(SAMPLE);
  t.mock.timers.tick(300);
  await settle();
  window.document.querySelector('[data-lang="en"]').click();
  for (const storage of [window.localStorage, window.sessionStorage]) {
    for (let i = 0; i < storage.length; i++) assert.ok(!storage.getItem(storage.key(i)).includes('Sturmvogel'));
  }
});
