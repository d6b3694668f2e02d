// Unit tests of the images attached to a compose box (content/images.js and content.js) in jsdom:
// which attachments are checked, what is sent, what the panel and the badge show.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { makePage, settle } from '../../testlib/jsdom-env.mjs';

const PAGE = `
  <section id="compose">
    <div id="ed" contenteditable="true"></div>
    <div class="toolbar"><label>Photo <input id="photo" type="file" accept="image/*"></label>
      <button type="button">Post</button></div>
  </section>
  <form id="settings">
    <input id="name" type="text"><input id="headline" type="text"><textarea id="bio"></textarea>
    <input id="avatar" type="file" accept="image/*">
  </form>
  <div id="chat"><input id="chatFile" type="file"></div>`;

const IMAGE_ANSWER = {
  name: 'shot.png', width: 420, height: 120, error: null,
  findings: [{
    rule_id: 'PG101', rule_name: 'confidential-codename', category: 'confidential', severity: 'error',
    message: 'About Sturmvogel', match: 'Sturmvogel', replacements: [], box: [174, 43, 224, 38],
    start: 8, end: 18, start_utf16: 8, end_utf16: 18,
  }],
};

const pages = [];
after(() => {
  for (const page of pages) page.window.close(); // stops the content script's polling timer
});

async function open(options = {}) {
  const page = makePage({
    html: PAGE,
    respond: (m) => (m.type === 'checkImage' ? { ok: true, result: { ...IMAGE_ANSWER, name: m.name } } : { ok: true, result: { findings: [] } }),
    ...options,
  });
  pages.push(page);
  await settle();
  return page;
}

const png = (window, name = 'shot.png', size = 64) => new window.File([new Uint8Array(size)], name, { type: 'image/png', lastModified: 1 });
const imageChecks = (messages) => messages.filter((m) => m.type === 'checkImage');

function choose(window, input, files) {
  Object.defineProperty(input, 'files', { value: files, configurable: true });
  input.dispatchEvent(new window.Event('change', { bubbles: true }));
}

function transfer(window, type, target, files, key) {
  const event = new window.Event(type, { bubbles: true, cancelable: true });
  Object.defineProperty(event, key, { value: { files } });
  target.dispatchEvent(event);
  return event;
}

async function untilChecked(page, count) {
  for (let i = 0; i < 50 && imageChecks(page.messages).length < count; i++) await settle();
  await settle();
}

test('the compose area rule: the editor and its own file input, not a settings form or a lone input', async () => {
  const { window, document } = await open();
  const I = window.PostguardImages;
  const ed = document.getElementById('ed');
  assert.equal(I.attachmentBoxFor(document.getElementById('photo')), ed);
  assert.equal(I.attachmentBoxFor(document.querySelector('#compose .toolbar')), ed, 'a drop on the compose area');
  assert.equal(I.attachmentBoxFor(ed), ed);
  assert.equal(I.attachmentBoxFor(document.getElementById('avatar')), null, 'a profile picture beside other fields');
  assert.equal(I.attachmentBoxFor(document.getElementById('chatFile')), null, 'no compose box near it');
  assert.equal(I.isImageFile(png(window)), true);
  assert.equal(I.isImageFile(new window.File(['x'], 'notes.txt', { type: 'text/plain' })), false);
  assert.equal(I.isImageFile(new window.File(['<svg/>'], 'logo.svg', { type: 'image/svg+xml' })), false);
  assert.equal(I.isImageFile(new window.File(['x'], 'photo.JPG')), true, 'no type: the name decides');
});

test('an image chosen in the compose box\'s file input is sent as a data: URL and listed with its findings', async () => {
  const page = await open();
  const { window, document, messages, panel } = page;
  choose(window, document.getElementById('photo'), [png(window)]);
  await untilChecked(page, 1);
  const [sent] = imageChecks(messages);
  assert.equal(sent.name, 'shot.png');
  assert.match(sent.data, /^data:image\/png;base64,/);
  assert.equal(sent.kind, 'post');
  await new Promise((resolve) => setTimeout(resolve, 40)); // the frame that draws
  const entry = panel().querySelector('.images .image');
  assert.equal(entry.dataset.status, 'done');
  assert.equal(entry.querySelector('.image-name').textContent, 'shot.png');
  assert.ok(entry.querySelector('img.thumb'), 'a thumbnail');
  assert.deepEqual([...entry.querySelectorAll('.item')].map((el) => el.dataset.rule), ['PG101']);
  assert.equal(panel().querySelector('.count').textContent, '1');
  const badge = messages.filter((m) => m.type === 'badge').at(-1);
  assert.deepEqual([badge.count, badge.severity], [1, 'error'], 'the badge counts image findings');
});

test('pasted into and dropped on the compose box: checked, each file once; the page\'s event is left alone', async () => {
  const page = await open();
  const { window, document, messages } = page;
  const ed = document.getElementById('ed');
  const pasted = transfer(window, 'paste', ed, [png(window, 'pasted.png')], 'clipboardData');
  const dropped = transfer(window, 'drop', document.querySelector('#compose .toolbar'), [png(window, 'dropped.png'), png(window, 'pasted.png')], 'dataTransfer');
  assert.equal(pasted.defaultPrevented, false);
  assert.equal(dropped.defaultPrevented, false);
  await untilChecked(page, 2);
  assert.deepEqual(imageChecks(messages).map((m) => m.name), ['pasted.png', 'dropped.png']);
});

test('nothing is sent for a profile picture, a lone file input, other files, or on a site that is not enabled', async () => {
  const page = await open();
  const { window, document, messages } = page;
  choose(window, document.getElementById('avatar'), [png(window)]);
  choose(window, document.getElementById('chatFile'), [png(window)]);
  choose(window, document.getElementById('photo'), [new window.File(['x'], 'notes.txt', { type: 'text/plain' })]);
  transfer(window, 'paste', document.getElementById('bio').parentElement, [png(window)], 'clipboardData');
  await settle(20);
  assert.deepEqual(imageChecks(messages), []);

  const off = await open({ url: 'https://example.org/' });
  choose(off.window, off.document.getElementById('photo'), [png(off.window)]);
  transfer(off.window, 'paste', off.document.getElementById('ed'), [png(off.window)], 'clipboardData');
  await settle(20);
  assert.deepEqual(off.messages, [], 'a site that is not enabled: no message at all');
});

test('an image over the server\'s limit is listed as too large and not sent; a server that is down is said so', async () => {
  const page = await open({ respond: (m) => (m.type === 'checkImage' ? { ok: false, error: 'down' } : { ok: true, result: { findings: [] } }) });
  const { window, document, messages, panel } = page;
  const big = png(window, 'huge.png', 1);
  Object.defineProperty(big, 'size', { value: 11 * 1024 * 1024 });
  choose(window, document.getElementById('photo'), [big, png(window, 'small.png')]);
  await untilChecked(page, 1);
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.deepEqual(imageChecks(messages).map((m) => m.name), ['small.png']);
  const states = [...panel().querySelectorAll('.image')].map((el) => [el.dataset.status, el.querySelector('.image-state').textContent]);
  assert.deepEqual(states, [['toolarge', 'too large to check (over 10 MB)'], ['down', 'not checked (postguard is not running)']]);
  panel().querySelector('.image .remove').click();
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(panel().querySelectorAll('.image').length, 1, 'an entry can be removed from the list');
});

test('an image finding in the panel: post anyway (a reason for an error) hides it; this is wrong reports it', async () => {
  const page = await open({
    respond: (m) => (m.type === 'checkImage' ? { ok: true, result: { ...IMAGE_ANSWER, name: m.name } }
      : m.type === 'feedback' ? { ok: true, logged: true } : { ok: true, result: { findings: [] } }),
  });
  const { window, document, messages, panel } = page;
  const frame = () => new Promise((resolve) => setTimeout(resolve, 40));
  choose(window, document.getElementById('photo'), [png(window, 'one.png'), png(window, 'two.png')]);
  await untilChecked(page, 2);
  await frame();
  const items = () => [...panel().querySelectorAll('.images .image')].map((e) => [...e.querySelectorAll('.item')]);
  const submit = (form) => form.dispatchEvent(new window.Event('submit', { bubbles: true, cancelable: true }));
  assert.deepEqual(items().map((list) => list.map((li) => [...li.querySelectorAll('.decide button')].map((b) => b.textContent))),
    [[['Post anyway', 'This is wrong']], [['Post anyway', 'This is wrong']]]);
  items()[0][0].querySelector('.act.override').click();
  await frame();
  assert.equal(panel().getRootNode().activeElement, items()[0][0].querySelector('form.override .reason'));
  submit(items()[0][0].querySelector('form'));
  await frame();
  assert.match(items()[0][0].querySelector('.error').textContent, /reason/);
  const feedback = () => messages.filter((m) => m.type === 'feedback');
  assert.deepEqual(feedback(), []);
  const reason = items()[0][0].querySelector('.reason');
  reason.value = 'Bild freigegeben';
  reason.dispatchEvent(new window.Event('input', { bubbles: true }));
  submit(items()[0][0].querySelector('form'));
  await frame();
  assert.deepEqual(items().map((list) => list.length), [0, 1], 'hidden in this image only');
  assert.deepEqual(messages.filter((m) => m.type === 'badge').at(-1), { type: 'badge', count: 1, severity: 'error' });
  items()[1][0].querySelector('.act.wrong').click();
  await frame();
  submit(items()[1][0].querySelector('form'));
  await frame();
  assert.match(items()[1][0].querySelector('textarea.report').value, /Rule: PG101 \(confidential-codename\)\nSite: www.linkedin.com/);
  assert.deepEqual(feedback(), [
    { type: 'feedback', action: 'override', ruleId: 'PG101', match: 'Sturmvogel', site: 'www.linkedin.com', reason: 'Bild freigegeben' },
    { type: 'feedback', action: 'false_positive', ruleId: 'PG101', match: 'Sturmvogel', site: 'www.linkedin.com', reason: '' },
  ], 'the image\'s words (fingerprinted by the server), never its data or name');
});
