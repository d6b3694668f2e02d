// End to end in headless Chromium: the extension on Quill, Lexical and TipTap compose pages built
// from their npm packages, against a running `postguard serve` (POSTGUARD_URL). The text is typed
// with real key events; an image with a codename in it is attached by the file input, by a drop and
// by a paste; the profile picture of the settings form on the same page is never sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE, SERVER_URL, SKIP_REASON, artifactsDir, equalTo, highlightedTexts, overlayEval, poll, sharedChromium } from '../../testlib/e2e.mjs';
import { EDITABLE, EDITORS, IMAGE, dropTooLarge, serveEditors } from '../../testlib/editors.mjs';

let browser;
let site;

before(async () => {
  if (SKIP_REASON) return;
  [site, browser] = await Promise.all([serveEditors(), sharedChromium()]);
  // What a user sets on the options page (tested in extension.mjs): the server, the test site.
  await browser.sw.evaluate((url) => chrome.storage.local.set({ serverUrl: url, customSites: ['http://127.0.0.1'] }), SERVER_URL);
  // The worker registers the content script for the added site when the setting changes.
  await poll(() => browser.sw.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).length), (n) => n > 0);
});

after(async () => {
  if (site) await site.close();
});

/** The image entries of the panel: name, status and the rules of their findings. */
const imageEntries = (page) => overlayEval(page, '.images .image', (els) => els.map((el) => ({
  name: el.querySelector('.image-name').textContent,
  status: el.dataset.status,
  thumb: Boolean(el.querySelector('img.thumb')?.src),
  rules: [...el.querySelectorAll('.item')].map((item) => item.dataset.rule),
})));

async function badgeTexts() {
  return browser.sw.evaluate(async () => {
    const tabs = await chrome.tabs.query({});
    return Promise.all(tabs.map((tab) => chrome.action.getBadgeText({ tabId: tab.id })));
  });
}

async function openEditor(name) {
  const page = await browser.ctx.newPage();
  await page.goto(site.url(name));
  await page.waitForFunction(() => window.editorReady === true);
  return page;
}

for (const name of EDITORS) {
  test(`${name}: typed text is highlighted exactly; images attached by file input, drop and paste are checked`, { skip: SKIP_REASON }, async () => {
    const page = await openEditor(name);
    const editable = EDITABLE[name];
    await page.click(editable);
    await page.keyboard.type(SAMPLE);
    const expected = ['Sturmvogel', 'Trekker T5'];
    assert.deepEqual(await poll(() => highlightedTexts(page, editable), equalTo(expected), { timeout: 15000 }), expected);
    assert.equal((await page.evaluate((sel) => document.querySelector(sel).textContent, editable)), SAMPLE, 'the text is unchanged');

    await page.setInputFiles('#photo', { name: `${name}-input.png`, mimeType: 'image/png', buffer: readFileSync(IMAGE) });
    await page.evaluate(([sel, file]) => window.attach('drop', file, sel), [editable, `${name}-drop.png`]);
    await page.evaluate(([sel, file]) => window.attach('paste', file, sel), [editable, `${name}-paste.png`]);
    const want = ['input', 'drop', 'paste'].map((how) => ({ name: `${name}-${how}.png`, status: 'done', thumb: true, rules: ['PG101'] }));
    assert.deepEqual(await poll(() => imageEntries(page), equalTo(want), { timeout: 20000 }), want);
    assert.ok((await badgeTexts()).includes('5'), 'the badge counts 2 text and 3 image findings');
    // The page's own handling of the files went on: the site's preview shows the chosen and the dropped image.
    assert.ok((await page.locator('#previews img').count()) >= 2);
    assert.deepEqual(await poll(() => highlightedTexts(page, editable), equalTo(expected)), expected, 'the text highlights stay');

    await page.screenshot({ path: join(artifactsDir(), `extension-${name}.png`) });
    if (name === 'quill') {
      // An image's finding posted anyway from the panel, by keyboard (the same panel code on every page).
      await overlayEval(page, '.images .image .item .act.override', (els) => els[0].focus());
      await page.keyboard.press('Enter');
      await poll(() => overlayEval(page, '.images .form .reason', (els) => els.length), (n) => n === 1);
      await page.keyboard.type('Das Bild ist freigegeben');
      await page.keyboard.press('Enter');
      const left = want.map((e, i) => ({ ...e, rules: i === 0 ? [] : e.rules }));
      assert.deepEqual(await poll(() => imageEntries(page), equalTo(left)), left, 'hidden in that image only');
      assert.ok((await poll(badgeTexts, (texts) => texts.includes('4'))).includes('4'), 'the badge counts one less');
    }
    if (name !== 'lexical') return page.close();
    // A profile picture in the settings form of the same page is not sent.
    await page.setInputFiles('#avatar', { name: 'avatar.png', mimeType: 'image/png', buffer: readFileSync(IMAGE) });
    // Then a file dropped into the editor: once it is listed, the avatar's event (earlier) was handled.
    await page.evaluate(dropTooLarge, editable);
    const names = [...want.map((e) => e.name), 'too-large.png'];
    assert.deepEqual(await poll(async () => (await imageEntries(page)).map((e) => e.name), equalTo(names)), names);
    await page.close();
  });
}
