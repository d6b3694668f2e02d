// Unit tests of "post anyway" and "this is wrong" in the panel (content.js, panel.js) in jsdom.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerFor, makePage, settle, typeInto } from '../../testlib/jsdom-env.mjs';

const SAMPLE = '🚀 Stolz auf das Sturmvogel-Team! Der Trekker T5 kommt bald.';
const NEEDLES = [['Sturmvogel', 'error'], ['Trekker T5', 'warning']];

async function typed(t) {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const page = makePage({
    html: '<textarea id="ta"></textarea>',
    respond: (m) => (m.type === 'check' ? answerFor(m.text, NEEDLES) : { ok: true, logged: true }),
  });
  await settle();
  const ta = page.document.getElementById('ta');
  ta.focus();
  typeInto(page.window, ta, SAMPLE);
  t.mock.timers.tick(400);
  await settle();
  t.mock.timers.tick(20);
  const frame = async () => {
    await settle();
    t.mock.timers.tick(20);
  };
  const items = () => [...page.panel().querySelectorAll('.list > .item')];
  const feedback = () => page.messages.filter((m) => m.type === 'feedback');
  return { ...page, ta, frame, items, feedback };
}

function submit(window, form) {
  form.dispatchEvent(new window.Event('submit', { bubbles: true, cancelable: true }));
}

function fill(window, input, value) {
  input.value = value;
  input.dispatchEvent(new window.Event('input', { bubbles: true }));
}

test('post anyway: an error needs a reason; then the finding is hidden for this draft and recorded', async (t) => {
  const { window, ta, frame, items, feedback, messages, panel } = await typed(t);
  assert.deepEqual(items().map((li) => [...li.querySelectorAll('.decide button')].map((b) => b.textContent)),
    [['Post anyway', 'This is wrong'], ['Post anyway', 'This is wrong']]);
  items()[0].querySelector('.act.override').click();
  await frame();
  const form = items()[0].querySelector('form.override');
  assert.ok(form, 'the form opens in the finding');
  assert.equal(panel().getRootNode().activeElement, form.querySelector('.reason'), 'the reason field has the focus');
  assert.equal(form.querySelector('.reason').required, true);
  submit(window, form);
  await frame();
  assert.match(items()[0].querySelector('.error').textContent, /reason/);
  assert.deepEqual(feedback(), [], 'nothing recorded without a reason');
  fill(window, items()[0].querySelector('.reason'), 'Freigegeben von der Presseabteilung');
  submit(window, items()[0].querySelector('form'));
  await frame();
  assert.deepEqual(feedback(), [{
    type: 'feedback', action: 'override', ruleId: 'PG999', match: 'Sturmvogel', site: 'www.linkedin.com',
    reason: 'Freigegeben von der Presseabteilung',
  }]);
  assert.deepEqual(items().map((li) => li.querySelector('.msg').textContent), ['About Trekker T5']);
  assert.deepEqual(messages.filter((m) => m.type === 'badge').at(-1), { type: 'badge', count: 1, severity: 'warning' });
  assert.equal(window.document.activeElement, ta, 'the focus goes back to the compose box');
  assert.equal(ta.value, SAMPLE, 'the text is not changed');
  // A warning can be posted anyway without a reason.
  items()[0].querySelector('.act.override').click();
  await frame();
  assert.equal(items()[0].querySelector('.reason').required, false);
  submit(window, items()[0].querySelector('form'));
  await frame();
  assert.equal(feedback().length, 2);
  assert.equal(panel().hidden, true, 'nothing left to show');
  // The next answer for the same draft keeps them hidden; an emptied box starts a new draft.
  typeInto(window, ta, ' Bald!');
  t.mock.timers.tick(400);
  await frame();
  assert.equal(panel().hidden, true);
  ta.value = ''; // posted: the site empties the box
  ta.dispatchEvent(new window.InputEvent('input', { bubbles: true }));
  typeInto(window, ta, SAMPLE);
  t.mock.timers.tick(400);
  await frame();
  assert.equal(items().length, 2, 'a new draft shows its findings again');
});

test('this is wrong: recorded, and a ready-to-send text that quotes the words only when ticked', async (t) => {
  const { window, frame, items, feedback } = await typed(t);
  items()[0].querySelector('.act.wrong').click();
  await frame();
  fill(window, items()[0].querySelector('.reason'), 'Das ist unser öffentlicher Vereinsname');
  submit(window, items()[0].querySelector('form.wrong'));
  await frame();
  assert.deepEqual(feedback().map((m) => [m.action, m.match, m.reason]), [['false_positive', 'Sturmvogel', 'Das ist unser öffentlicher Vereinsname']]);
  const report = items()[0].querySelector('textarea.report').value;
  assert.match(report, /^postguard: a finding I think is wrong\nRule: PG999 \(test\)\nSite: www.linkedin.com\nTime: \S+Z\nComment: Das ist/);
  assert.doesNotMatch(report, /Sturmvogel/);
  assert.equal(items().length, 2, 'a report does not hide the finding');
  items()[0].querySelector('.act:not(.primary):last-child').click(); // Close
  await frame();
  items()[0].querySelector('.act.wrong').click();
  await frame();
  const quote = items()[0].querySelector('.quote');
  quote.checked = true;
  quote.dispatchEvent(new window.Event('change', { bubbles: true }));
  submit(window, items()[0].querySelector('form.wrong'));
  await frame();
  assert.match(items()[0].querySelector('textarea.report').value, /Matched words: “Sturmvogel”/);
});

test('keyboard: Escape closes the form without recording; typing a reason survives a redraw', async (t) => {
  const { window, frame, items, feedback, ta } = await typed(t);
  items()[1].querySelector('.act.override').click();
  await frame();
  const reason = items()[1].querySelector('.reason');
  fill(window, reason, 'Termin ist verschoben');
  window.dispatchEvent(new window.Event('scroll')); // a redraw while the user types
  await frame();
  assert.equal(items()[1].querySelector('.reason'), reason, 'the same field: its text and focus stay');
  reason.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
  await frame();
  assert.equal(items()[1].querySelector('form'), null);
  assert.deepEqual(feedback(), []);
  assert.equal(window.document.activeElement, ta);
});
