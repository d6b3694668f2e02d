// End to end: the unpacked extension in headless Chromium against a running `postguard serve`
// (POSTGUARD_URL), on a local page imitating a compose box (one textarea, one contenteditable).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EXT_DIR, REPO_DIR, SAMPLE, SERVER_URL, SKIP_REASON, artifactsDir, equalTo, highlightedTexts, overlayEval, poll,
  serveFile, sharedChromium,
} from '../../testlib/e2e.mjs';

let browser;
let site;
let page;

before(async () => {
  if (SKIP_REASON) return;
  [site, browser] = await Promise.all([serveFile(join(EXT_DIR, 'testlib/compose.html')), sharedChromium()]);
});

after(async () => {
  if (page) await page.close();
  if (site) await site.close();
});

const marksIn = (selector) => overlayEval(page, '.mark', (els, sel) => {
  const box = document.querySelector(sel).getBoundingClientRect();
  return els.filter((el) => {
    const r = el.getBoundingClientRect();
    return r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
  }).length;
}, selector);
const count = (p, selector) => overlayEval(p, selector, (els) => els.length);
const firstLeft = () => overlayEval(page, '.mark', (els) => els[0].getBoundingClientRect().left);

const waitForHighlights = (selector, expected) => poll(() => highlightedTexts(page, selector), equalTo(expected));

async function badgeTexts() {
  return browser.sw.evaluate(async () => {
    const tabs = await chrome.tabs.query({});
    return Promise.all(tabs.map((tab) => chrome.action.getBadgeText({ tabId: tab.id })));
  });
}

test('the options page points the extension at the server and adds the test site', { skip: SKIP_REASON }, async () => {
  const options = await browser.ctx.newPage();
  await options.goto(`chrome-extension://${browser.extId}/options/options.html`);
  await options.getByLabel(/Server-Adresse|Server URL/).fill(SERVER_URL);
  await options.getByRole('button', { name: /Speichern|Save/ }).click();
  await assert.doesNotReject(options.getByText(/Gespeichert|Saved/).first().waitFor());
  await options.getByRole('button', { name: /Verbindung testen|Test connection/ }).click();
  await options.locator('#testResult.ok').waitFor({ timeout: 10000 });
  assert.match(await options.locator('#testResult').textContent(), /postguard .+, \d+/);
  assert.equal(await options.locator('#grantRow').isHidden(), true, 'Chromium grants the default sites at install');
  await options.getByLabel('linkedin.com').uncheck();
  await options.getByLabel('linkedin.com').check();
  await options.getByLabel('xing.com').uncheck();
  const stored = await browser.sw.evaluate(() => chrome.storage.local.get('sites'));
  assert.deepEqual(stored.sites, { 'linkedin.com': true, 'xing.com': false });
  // The test page is served from 127.0.0.1: add it like a user adds a Mastodon instance.
  await options.locator('#customSite').fill(new URL(site.url).origin);
  await options.getByRole('button', { name: /Website hinzufügen|Add site/ }).click();
  await options.locator('#customSites li').first().waitFor();
  assert.equal(await options.locator('#customSites li span').first().textContent(), 'http://127.0.0.1');
  await options.screenshot({ path: join(artifactsDir(), 'extension-options.png') });
  await options.close();
});

test('a textarea: highlights cover exactly the findings and follow edits', { skip: SKIP_REASON }, async () => {
  page = await browser.ctx.newPage();
  await page.goto(site.url);
  await page.click('#ta');
  await page.keyboard.type(SAMPLE);
  assert.deepEqual(await waitForHighlights('#ta', ['Sturmvogel', 'Trekker T5']), ['Sturmvogel', 'Trekker T5']);
  assert.equal(await page.inputValue('#ta'), SAMPLE, 'the text is unchanged');
  assert.equal(await count(page, '.item'), 2);
  const rules = await overlayEval(page, '.item', (els) => els.map((el) => el.dataset.rule));
  assert.equal(new Set(rules).size, 2);
  assert.deepEqual(
    await overlayEval(page, '.item', (els) => els.map((el) => el.className.replace('item sev-', ''))),
    await overlayEval(page, '.mark', (els) => els.map((el) => el.className.replace('mark sev-', ''))),
  );
  const messages = await overlayEval(page, '.item .msg', (els) => els.map((el) => el.textContent));
  for (const text of messages) assert.ok(text.trim().length > 0);
  // The page's own scripts cannot reach the panel: its shadow root is closed.
  assert.equal(await page.evaluate(() => document.querySelector('postguard-overlay').shadowRoot), null);
  assert.ok((await badgeTexts()).includes('2'), 'the toolbar badge counts the findings');
  await page.screenshot({ path: join(artifactsDir(), 'extension-textarea.png') });
  // The screenshot for the docs: this fresh page with the draft typed once, nothing else yet.
  const docsShot = join(artifactsDir(), 'extension-warning.png');
  await page.screenshot({ path: docsShot, clip: { x: 0, y: 0, width: 960, height: 290 } });
  if (process.env.POSTGUARD_UPDATE_DOCS_IMG) copyFileSync(docsShot, join(REPO_DIR, 'docs/img/extension-warning.png'));
  // Type in front of the findings: the highlights move with the words.
  const before = await firstLeft();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('Wow! ');
  assert.deepEqual(await waitForHighlights('#ta', ['Sturmvogel', 'Trekker T5']), ['Sturmvogel', 'Trekker T5']);
  const moved = await firstLeft();
  assert.ok(moved > before + 10, 'the first highlight moved right');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ta', 'the caret stays in the box');
  // Break the codename: only the embargoed product is left.
  await page.keyboard.press('End');
  const value = await page.inputValue('#ta');
  const at = value.indexOf('vogel');
  await page.evaluate((i) => document.querySelector('#ta').setSelectionRange(i, i), at);
  await page.keyboard.press('Delete');
  assert.deepEqual(await waitForHighlights('#ta', ['Trekker T5']), ['Trekker T5']);
  // The panel follows with the server's answer for the new text (the marks may go first).
  assert.equal(await poll(() => count(page, '.item'), (n) => n === 1), 1);
});

test('a re-rendering contenteditable: highlights cover exactly the findings and follow edits', { skip: SKIP_REASON }, async () => {
  await page.click('#ed');
  await page.keyboard.type(SAMPLE);
  assert.deepEqual(await waitForHighlights('#ed', ['Sturmvogel', 'Trekker T5']), ['Sturmvogel', 'Trekker T5']);
  assert.ok((await page.evaluate(() => window.rerenders)) >= SAMPLE.length - 5, 'the editor re-rendered while typing');
  assert.equal(await page.evaluate(() => document.querySelector('#ed').textContent), SAMPLE, 'the text is unchanged');
  assert.equal(await marksIn('#ed'), 2);
  const shot = join(artifactsDir(), 'extension-contenteditable.png');
  await page.screenshot({ path: shot });
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('Neu: ');
  assert.deepEqual(await waitForHighlights('#ed', ['Sturmvogel', 'Trekker T5']), ['Sturmvogel', 'Trekker T5']);
  // Turn "Trekker T5" into "Trekker X5": its highlight goes, the other one stays exact.
  await page.keyboard.press('Control+End');
  for (let i = 0; i < '5 kommt bald.'.length; i++) await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('X');
  assert.equal(
    await page.evaluate(() => document.querySelector('#ed').textContent),
    'Neu: 🚀 Stolz auf das Sturmvogel-Team! Der Trekker X5 kommt bald.',
  );
  assert.deepEqual(await waitForHighlights('#ed', ['Sturmvogel']), ['Sturmvogel']);
  assert.equal(await count(page, '.item'), 1);
});

test('nothing is drawn for a password field', { skip: SKIP_REASON }, async () => {
  await page.click('#pw');
  await page.keyboard.type('Sturmvogel');
  await page.waitForTimeout(1200);
  assert.equal(await marksIn('#pw'), 0);
});

test('server not running: a discreet notice with the command, typing is not blocked', { skip: SKIP_REASON }, async () => {
  const closed = await serveFile(join(EXT_DIR, 'testlib/compose.html'));
  const deadUrl = new URL(closed.url).origin;
  await closed.close(); // a port where nothing listens any more
  await browser.sw.evaluate((url) => chrome.storage.local.set({ serverUrl: url }), deadUrl);
  const down = await browser.ctx.newPage();
  try {
    await down.goto(site.url);
    await down.click('#ta');
    await down.keyboard.type(SAMPLE);
    assert.equal(await down.inputValue('#ta'), SAMPLE);
    const command = await poll(
      () => overlayEval(down, '.notice code', (els) => els[0]?.textContent ?? null),
      (t) => t !== null,
    );
    assert.equal(command, 'postguard serve');
    assert.equal(await count(down, '.mark'), 0);
    assert.ok((await badgeTexts()).includes('!'));
    await down.screenshot({ path: join(artifactsDir(), 'extension-server-down.png'), clip: { x: 0, y: 0, width: 960, height: 250 } });
  } finally {
    await down.close();
    await browser.sw.evaluate((url) => chrome.storage.local.set({ serverUrl: url }), SERVER_URL);
  }
});

test('keyboard only: from the box to the panel, "post anyway" with a reason, back to the box', { skip: SKIP_REASON }, async () => {
  const kb = await browser.ctx.newPage();
  await kb.goto(site.url);
  await kb.click('#ta');
  await kb.keyboard.type(SAMPLE);
  assert.deepEqual(await poll(() => highlightedTexts(kb, '#ta'), equalTo(['Sturmvogel', 'Trekker T5'])), ['Sturmvogel', 'Trekker T5']);
  const focused = () => overlayEval(kb, '.panel', (els) => {
    const active = els[0] && els[0].getRootNode().activeElement;
    return active ? active.className + ':' + (active.textContent || active.value || '') : null;
  });
  await kb.keyboard.press('Alt+Shift+P');
  assert.match(await focused(), /^act override:/, 'the first finding\'s "post anyway" has the focus');
  await kb.keyboard.press('Enter');
  assert.match(await poll(focused, (f) => /^reason/.test(f || '')), /^reason/, 'the reason field has the focus');
  await kb.keyboard.press('Enter'); // an error needs a reason
  assert.match(await poll(() => overlayEval(kb, '.form .error', (els) => els[0]?.textContent ?? ''), (x) => x !== ''), /./);
  await kb.keyboard.type('Freigegeben von der Presse');
  await kb.keyboard.press('Enter');
  assert.deepEqual(await poll(() => highlightedTexts(kb, '#ta'), equalTo(['Trekker T5'])), ['Trekker T5']);
  assert.equal(await kb.evaluate(() => document.activeElement.id), 'ta', 'back in the compose box');
  assert.equal(await count(kb, '.list > .item'), 1);
  // "This is wrong" on the other finding, by keyboard: Tab from "post anyway" to it.
  await kb.keyboard.press('Alt+Shift+P');
  await kb.keyboard.press('Tab');
  assert.match(await focused(), /^act wrong:/);
  await kb.keyboard.press('Enter');
  await poll(focused, (f) => /^reason/.test(f || ''));
  await kb.keyboard.type('Trekker ist ein Gattungsname');
  await kb.keyboard.press('Enter');
  const report = await poll(() => overlayEval(kb, 'textarea.report', (els) => els[0]?.value ?? ''), (x) => x !== '');
  assert.match(report, /Trekker ist ein Gattungsname/);
  assert.doesNotMatch(report, /Trekker T5/, 'the matched words only when ticked');
  await kb.keyboard.press('Escape');
  assert.equal(await kb.evaluate(() => document.activeElement.id), 'ta');
  await kb.screenshot({ path: join(artifactsDir(), 'extension-override.png'), clip: { x: 0, y: 0, width: 960, height: 300 } });
  await kb.close();
});
