// Unit tests of the content script's behaviour (content/content.js) in jsdom with a stubbed
// extension API: what it reads, when it sends, what it shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerFor, makePage, settle, typeInto } from '../../testlib/jsdom-env.mjs';

const SAMPLE = '🚀 Stolz auf das Sturmvogel-Team! Der Trekker T5 kommt bald.';
const NEEDLES = [['Sturmvogel', 'error'], ['Trekker T5', 'warning']];
const COMPOSE = '<textarea id="ta"></textarea><div id="ed" contenteditable="true"></div>' +
  '<input id="pw" type="password"><input id="search" type="text"><p id="other">Sturmvogel im Seitentext</p>';

const checks = (messages) => messages.filter((m) => m.type === 'check');

async function open(options = {}) {
  const page = makePage({
    html: COMPOSE,
    respond: (m) => (m.type === 'check' ? answerFor(m.text, NEEDLES) : { ok: true }),
    ...options,
  });
  await settle();
  return page;
}

test('typing is sent once, debounced, with the whole text of the box', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const { window, document, messages } = await open();
  const ta = document.getElementById('ta');
  ta.focus();
  for (const word of ['🚀 Stolz auf das ', 'Sturmvogel-Team! ', 'Der Trekker T5 kommt bald.']) {
    typeInto(window, ta, word);
    t.mock.timers.tick(150);
  }
  assert.equal(checks(messages).length, 0, 'nothing is sent while the user is typing');
  t.mock.timers.tick(399 - 150);
  assert.equal(checks(messages).length, 0);
  t.mock.timers.tick(1);
  assert.deepEqual(checks(messages).map((m) => m.text), [SAMPLE]);
});

test('a contenteditable box is sent in the agreed text form', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const { document, messages } = await open();
  const ed = document.getElementById('ed');
  ed.focus();
  ed.innerHTML = '<p>🚀 Stolz auf das Sturmvogel-Team!</p><p>Der Trekker T5\u00a0kommt bald.</p>';
  await settle(); // MutationObserver
  t.mock.timers.tick(400);
  assert.deepEqual(checks(messages).map((m) => m.text), [
    '🚀 Stolz auf das Sturmvogel-Team!\nDer Trekker T5 kommt bald.',
  ]);
});

test('findings are listed in the panel (closed to the page) with message and fix, and counted on the badge', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const { window, document, messages, panel: panelOf } = await open();
  const ta = document.getElementById('ta');
  ta.focus();
  typeInto(window, ta, SAMPLE);
  t.mock.timers.tick(400);
  await settle();
  t.mock.timers.tick(20); // the frame that draws
  const panel = panelOf();
  assert.ok(panel && !panel.hidden, 'panel shown');
  const items = [...panel.querySelectorAll('.item')];
  assert.deepEqual(items.map((li) => li.querySelector('.msg').textContent), ['About Sturmvogel', 'About Trekker T5']);
  assert.deepEqual(items.map((li) => li.className), ['item sev-error', 'item sev-warning']);
  assert.match(items[0].querySelector('.fix').textContent, /the project/);
  const badges = messages.filter((m) => m.type === 'badge');
  assert.deepEqual(badges.at(-1), { type: 'badge', count: 2, severity: 'error' });
  assert.equal(ta.value, SAMPLE, 'the text is not changed');
  // The page's own scripts cannot reach the panel: its shadow root is closed.
  assert.equal(document.querySelector('postguard-overlay').shadowRoot, null);
});

test('server not running: a discreet notice with the command, typing goes on', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const { window, document, messages, panel: panelOf } = await open({ respond: (m) => (m.type === 'check' ? { ok: false, error: 'down' } : { ok: true }) });
  const ta = document.getElementById('ta');
  ta.focus();
  typeInto(window, ta, 'Hallo');
  t.mock.timers.tick(400);
  await settle();
  t.mock.timers.tick(20);
  const panel = panelOf();
  assert.ok(!panel.hidden);
  assert.equal(panel.querySelector('.notice code').textContent, 'postguard serve');
  assert.deepEqual(messages.filter((m) => m.type === 'badge').at(-1), { type: 'badge', count: null, problem: 'down' });
  typeInto(window, ta, ' Welt');
  assert.equal(ta.value, 'Hallo Welt');
  panel.querySelector('.dismiss').click();
  t.mock.timers.tick(20);
  assert.ok(panel.hidden, 'the notice can be dismissed');
});

test('password fields, text inputs and page text are never read or sent', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const { window, document, messages } = await open();
  for (const id of ['pw', 'search']) {
    const input = document.getElementById(id);
    input.focus();
    input.value = 'Sturmvogel';
    input.dispatchEvent(new window.InputEvent('input', { bubbles: true }));
  }
  t.mock.timers.tick(2000);
  await settle();
  assert.deepEqual(messages, []);
  const ta = document.getElementById('ta');
  ta.focus();
  typeInto(window, ta, 'nur das hier');
  t.mock.timers.tick(400);
  assert.deepEqual(checks(messages).map((m) => m.text), ['nur das hier'], 'only the compose box text, nothing of the page');
});

for (const [name, url, settings] of [
  ['a default site switched off', 'https://www.linkedin.com/feed/', { sites: { 'linkedin.com': false } }],
  ['a site that was never added', 'https://example.org/compose', {}],
]) {
  test(`does nothing on ${name}`, async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    const { window, document, messages } = await open({ url, settings });
    const ta = document.getElementById('ta');
    ta.focus();
    typeInto(window, ta, SAMPLE);
    t.mock.timers.tick(2000);
    await settle();
    assert.deepEqual(messages, []);
    assert.equal(document.querySelector('postguard-overlay'), null);
  });
}

test('an added site is checked; switching the site off stops everything', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const { window, document, messages, changeStorage } = await open({
    url: 'https://mastodon.example/home',
    settings: { customSites: ['https://mastodon.example'] },
  });
  const ta = document.getElementById('ta');
  ta.focus();
  typeInto(window, ta, SAMPLE);
  t.mock.timers.tick(400);
  await settle();
  t.mock.timers.tick(20);
  assert.equal(checks(messages).length, 1);
  assert.ok(document.querySelector('postguard-overlay'));
  changeStorage({ customSites: { newValue: [] } });
  typeInto(window, ta, ' Sturmvogel');
  t.mock.timers.tick(2000);
  await settle();
  assert.equal(checks(messages).length, 1, 'no check after the site was switched off');
  assert.equal(document.querySelector('postguard-overlay'), null);
});

test('a stale answer does not overwrite findings for newer text', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const pending = [];
  const { window, document, panel: panelOf } = await open({
    respond: (m) => (m.type === 'check' ? new Promise((resolve) => pending.push(() => resolve(answerFor(m.text, NEEDLES)))) : { ok: true }),
  });
  const ta = document.getElementById('ta');
  ta.focus();
  typeInto(window, ta, 'Sturmvogel');
  t.mock.timers.tick(400);
  ta.value = 'Trekker T5';
  ta.dispatchEvent(new window.InputEvent('input', { bubbles: true }));
  t.mock.timers.tick(400);
  assert.equal(pending.length, 2);
  pending[1]();
  await settle();
  pending[0]();
  await settle();
  t.mock.timers.tick(20);
  const msgs = [...panelOf().querySelectorAll('.msg')].map((el) => el.textContent);
  assert.deepEqual(msgs, ['About Trekker T5']);
});

test('the paste page of postguard serve is left alone', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const page = makePage({ html: COMPOSE, url: 'https://www.linkedin.com/', respond: () => ({ ok: true }), scripts: [] });
  page.document.documentElement.setAttribute('data-postguard-page', '');
  const { readFileSync } = await import('node:fs');
  const { EXT_DIR } = await import('../../testlib/jsdom-env.mjs');
  for (const f of ['content/text.js', 'content/styles.js', 'content/content.js']) {
    page.window.eval(readFileSync(`${EXT_DIR}/${f}`, 'utf8'));
  }
  await settle();
  const ta = page.document.getElementById('ta');
  ta.focus();
  typeInto(page.window, ta, SAMPLE);
  t.mock.timers.tick(2000);
  await settle();
  assert.deepEqual(page.messages, []);
});

test("a refused check shows the server's explanation", async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const { window, document, panel: panelOf } = await open({
    respond: (m) => (m.type === 'check' ? { ok: false, error: 'error', status: 400, detail: "unknown channel 'bad'" } : { ok: true }),
  });
  const ta = document.getElementById('ta');
  ta.focus();
  typeInto(window, ta, 'Hallo');
  t.mock.timers.tick(400);
  await settle();
  t.mock.timers.tick(20);
  assert.match(panelOf().querySelector('.notice').textContent, /could not check this text\. unknown channel 'bad'/);
});
