// End to end: the paste page served by a running `postguard serve` (POSTGUARD_URL), in the shared
// headless Chromium (its extension must leave the page alone): findings in place, fixes, channels,
// images, "post anyway" and "this is wrong" by keyboard (into the server's local log), also on an
// image's finding, and axe-core WCAG 2 AA in both languages and colour schemes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXT_DIR, SAMPLE, SERVER_URL, SKIP_REASON, artifactsDir, equalTo, highlightedTexts, poll, sharedChromium } from '../../testlib/e2e.mjs';

let browser;
let page;

before(async () => {
  if (SKIP_REASON) return;
  browser = await sharedChromium(); // its extension must leave the paste page alone
  page = await browser.ctx.newPage();
  await page.goto(SERVER_URL + '/');
});

after(async () => {
  if (page) await page.close();
});

const MARKS = '#highlights mark';

const waitForHighlights = (expected) => poll(() => highlightedTexts(page, '#draft', MARKS), equalTo(expected));

test('the page follows the browser language, is labelled, and loads nothing from elsewhere', { skip: SKIP_REASON }, async () => {
  assert.equal(await page.getAttribute('html', 'lang'), 'de');
  await assert.doesNotReject(page.getByLabel('Entwurf', { exact: true }).waitFor());
  await assert.doesNotReject(page.getByLabel('Kanal').waitFor());
  await assert.doesNotReject(page.getByLabel('Art', { exact: true }).waitFor());
  const foreign = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => e.name).filter((u) => !u.startsWith(location.origin)),
  );
  assert.deepEqual(foreign, []);
});

test('findings are highlighted in place with message and fix, and follow edits', { skip: SKIP_REASON }, async () => {
  await page.getByLabel('Entwurf', { exact: true }).click();
  await page.keyboard.type(SAMPLE);
  assert.deepEqual(await waitForHighlights(['Sturmvogel', 'Trekker T5']), ['Sturmvogel', 'Trekker T5']);
  assert.deepEqual(await page.locator(MARKS).allTextContents(), ['Sturmvogel', 'Trekker T5']);
  const items = page.locator('#findings li');
  assert.equal(await items.count(), 2);
  assert.deepEqual(await items.locator('.match').allTextContents(), ['Sturmvogel', 'Trekker T5']);
  for (const text of await items.locator('.msg').allTextContents()) assert.ok(text.trim());
  assert.match(await page.locator('#status').textContent(), /2 Hinweise/);
  await page.screenshot({ path: join(artifactsDir(), 'paste-page-de.png'), fullPage: true });
  const first = await page.locator(MARKS).first().boundingBox();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('Neu:\n');
  assert.deepEqual(await waitForHighlights(['Sturmvogel', 'Trekker T5']), ['Sturmvogel', 'Trekker T5']);
  const moved = await page.locator(MARKS).first().boundingBox();
  assert.ok(moved.y > first.y + 10, 'the highlight moved down a line');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'draft');
});

test('the channel picker offers the channels of the server (or a free text field)', { skip: SKIP_REASON }, async () => {
  const channel = page.getByLabel('Kanal');
  if ((await channel.evaluate((el) => el.localName)) !== 'select') return; // the server lists no channels
  const names = await channel.locator('option').evaluateAll((els) => els.map((o) => o.value));
  assert.equal(names[0], '');
  assert.ok(names.length > 1, 'the server\'s channels are listed');
  const answered = page.waitForResponse((r) => r.url().endsWith('/v1/check'));
  await channel.selectOption(names[1]);
  await answered;
  await page.locator('#status:not(.busy)').waitFor();
  assert.doesNotMatch(await page.locator('#status').getAttribute('class'), /problem/);
  assert.ok((await page.locator('#findings li').count()) >= 2, 'the codename and the embargo count on a channel too');
  await channel.selectOption('');
});

test('keyboard only: a fix is applied from the list and the finding goes away', { skip: SKIP_REASON }, async () => {
  const item = page.locator('#findings li').filter({ has: page.locator('.apply') }).first();
  assert.ok((await item.count()) > 0, 'the example pack proposes a replacement for its codename');
  const quote = await item.locator('.match').textContent();
  await item.locator('.apply').first().focus();
  await page.keyboard.press('Enter');
  for (let i = 0; i < 50 && (await page.inputValue('#draft')).includes(quote); i++) await page.waitForTimeout(50);
  assert.ok(!(await page.inputValue('#draft')).includes(quote), 'the replacement was written into the draft');
  const remaining = (await highlightedTexts(page, '#draft', MARKS)).filter((t) => t === quote);
  assert.deepEqual(remaining, []);
});

test('a clean draft says so clearly; the UI switches to English', { skip: SKIP_REASON }, async () => {
  await page.getByRole('button', { name: 'Leeren' }).click();
  await page.keyboard.type('Schönes Wochenende allerseits!');
  await page.locator('#status.clean').waitFor({ timeout: 10000 });
  assert.match(await page.locator('#status').textContent(), /Nichts gefunden/);
  assert.equal(await page.locator(MARKS).count(), 0);
  assert.equal(await page.locator('#findings li').count(), 0);
  await page.getByRole('button', { name: 'English' }).click();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.locator('#status').textContent(), /Nothing found/);
  await assert.doesNotReject(page.getByLabel('Draft', { exact: true }).waitFor());
  await page.screenshot({ path: join(artifactsDir(), 'paste-page-clean-en.png'), fullPage: true });
});

test('a pasted screenshot is checked with the draft and its findings are boxed on it', { skip: SKIP_REASON }, async () => {
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByLabel('Draft', { exact: true }).click();
  // A slide drawn in the page (system fonts), pasted into the draft as an image file.
  await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 900;
    canvas.height = 160;
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, 900, 160);
    g.fillStyle = '#111';
    g.font = '28px "DejaVu Sans", sans-serif';
    g.fillText('VERTRAULICH', 20, 50);
    g.fillText('Projekt Sturmvogel: Zeitplan', 20, 110);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    const data = new DataTransfer();
    data.items.add(new File([blob], 'slide.png', { type: 'image/png' }));
    document.getElementById('draft').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  const items = page.locator('#images figure .findings li');
  const rules = await poll(async () => (await items.evaluateAll((els) => els.map((e) => e.dataset.rule))).sort(), equalTo(['PG101', 'PG104']), { timeout: 30000 });
  assert.deepEqual(rules, ['PG101', 'PG104']);
  assert.equal(await page.inputValue('#draft'), '', 'the image did not end up in the text');
  assert.equal(await page.locator('#images figure .box').count(), 2);
  const image = await page.locator('#images figure img').boundingBox();
  for (const box of await page.locator('#images figure .box').all()) {
    const b = await box.boundingBox();
    assert.ok(b.x >= image.x - 1 && b.y >= image.y - 1 && b.x + b.width <= image.x + image.width + 1, 'the box lies on the image');
  }
  await page.screenshot({ path: join(artifactsDir(), 'paste-page-image.png'), fullPage: true });
  // Keyboard only: the image's codename posted anyway (an error: with a reason); its row and box go.
  await items.filter({ has: page.locator('.match', { hasText: 'Sturmvogel' }) }).locator('.act.override').focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'reason');
  await page.keyboard.type('Slide approved for the launch');
  await page.keyboard.press('Enter');
  assert.deepEqual(await poll(async () => items.evaluateAll((els) => els.map((e) => e.dataset.rule)), equalTo(['PG104'])), ['PG104']);
  assert.equal(await page.locator('#images figure .box').count(), 1);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'draft');
  await page.getByRole('button', { name: 'Remove slide.png' }).click();
  assert.equal(await page.locator('#images figure').count(), 0);
});

test('keyboard only: a finding is posted anyway with a reason, another reported as wrong', { skip: SKIP_REASON }, async () => {
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.keyboard.type(SAMPLE);
  assert.deepEqual(await waitForHighlights(['Sturmvogel', 'Trekker T5']), ['Sturmvogel', 'Trekker T5']);
  const row = (words) => page.locator('#findings li').filter({ has: page.locator('.match', { hasText: words }) });
  // Post anyway: from the draft, Tab reaches the row's buttons; an error needs a reason.
  await row('Sturmvogel').locator('.act.override').focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'reason', 'the reason field has the focus');
  await page.keyboard.press('Enter');
  await row('Sturmvogel').locator('[role="alert"]').waitFor();
  await page.keyboard.type('Approved by the press office');
  await page.keyboard.press('Enter');
  assert.deepEqual(await waitForHighlights(['Trekker T5']), ['Trekker T5']);
  assert.equal(await row('Sturmvogel').count(), 0, 'hidden for this draft');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'draft');
  // This is wrong: comment, tick "quote the words", report; the text for compliance gets the focus.
  await row('Trekker T5').locator('.act.wrong').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.type('Trekker is a generic word');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  const report = row('Trekker T5').locator('.report');
  await report.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.className), 'report');
  const text = await report.inputValue();
  assert.match(text, /Site: paste-page/);
  assert.match(text, /Matched words: “Trekker T5”/);
  assert.match(text, /Comment: Trekker is a generic word/);
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'act wrong', 'back on the row');
  assert.equal(await row('Trekker T5').count(), 1, 'a report hides nothing');
  await page.screenshot({ path: join(artifactsDir(), 'paste-page-override.png'), fullPage: true });
});

const AXE = readFileSync(join(EXT_DIR, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2 A/AA violations of the page (contrast measured, or the test fails). */
async function axeViolations() {
  const result = await page.evaluate(() => globalThis.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  assert.ok(result.passes.some((p) => p.id === 'color-contrast'), 'contrast was really measured');
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ') + ' ' + (n.any[0]?.message || '')).join('; ')}`);
}

// Each language once and each scheme once: the colours are the scheme's, the words the language's
// (the other two pairings measured the same colours under other words).
for (const [lang, scheme] of [['de', 'light'], ['en', 'dark']]) {
  test(`the page passes axe-core WCAG 2 AA (contrast included): ${lang}, ${scheme} scheme, with findings and open forms`, { skip: SKIP_REASON }, async () => {
    await page.emulateMedia({ colorScheme: scheme });
    // These reports are for the eyes of axe only: kept out of the server's log.
    await page.route('**/v1/feedback', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{}' }));
    await page.getByRole('button', { name: lang === 'de' ? 'Deutsch' : 'English' }).click();
    await page.locator('#clear').click();
    await page.keyboard.type(SAMPLE);
    await page.locator('#findings li .decide').nth(1).waitFor();
    // An open "post anyway" form with its error, then a false-positive report.
    await page.locator('#findings li .act.override').first().click();
    await page.locator('#findings li form.override button[type="submit"]').click();
    await page.locator('#findings [role="alert"]').waitFor();
    if (!(await page.evaluate(() => Boolean(globalThis.axe)))) await page.addScriptTag({ content: AXE });
    assert.deepEqual(await axeViolations(), []);
    await page.locator('#findings li').nth(1).locator('.act.wrong').click();
    await page.locator('#findings li').nth(1).locator('button[type="submit"]').click();
    await page.locator('#findings .report').waitFor();
    assert.deepEqual(await axeViolations(), []);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    await page.unroute('**/v1/feedback');
  });
}
