// postguard finding rows: the row of one finding (severity, message, fix, rule) with its "post
// anyway" and "this is wrong" buttons, or the form of the decision being made about it. One copy
// for the extension's panel and the paste page of `postguard serve` (which serves this file).
//
// Loaded as a classic script (before panel.js in the extension; by the paste page) and by the unit
// tests into jsdom.
(function (root) {
  'use strict';

  /**
   * Row builders for `doc`/`win`; `t(key, subs)` translates (the extension's message keys).
   * `findingItem(f, view, actions, options)`: `view.editing` is null or the decision being made
   * about one finding, {key, kind: 'override'|'wrong', reason, quote, error, report}; actions =
   * {decide(finding, kind), cancel(), edit(changes), confirm(finding)}. Options: `severityText`
   * (show the severity as a word, not only as a coloured dot), `match` (the matched words, shown),
   * `fixText` (false: the caller shows fixes itself), `extra` (nodes after the rule). Also
   * `el(tag, className, text)` and `button(className, label, text, onClick)`, for the panel.
   */
  function create({ doc, win, t }) {
    function el(tag, className, text) {
      const node = doc.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined) node.textContent = text;
      return node;
    }

    function button(className, label, text, onClick) {
      const b = el('button', className, text);
      b.type = 'button';
      b.title = label;
      b.setAttribute('aria-label', label);
      b.addEventListener('click', (event) => {
        event.stopPropagation();
        onClick();
      });
      return b;
    }

    function fixText(f) {
      if (!f.replacements.length) return '';
      const first = f.replacements[0];
      return first === '' ? t('fixRemove') : t('fixReplace', [first]);
    }

    function field(label, input) {
      const wrap = el('label', 'field');
      wrap.append(el('span', '', label), input);
      return wrap;
    }

    /** "Post anyway" and "This is wrong", or the form of the decision being made about `f`. */
    function decision(f, view, actions) {
      const editing = view.editing && view.editing.key === f.key ? view.editing : null;
      const box = el('div', 'decide');
      box.addEventListener('click', (event) => event.stopPropagation());
      if (!editing) {
        box.append(
          button('act override', t('overrideLabel'), t('overrideButton'), () => actions.decide(f, 'override')),
          button('act wrong', t('wrongLabel'), t('wrongButton'), () => actions.decide(f, 'wrong')),
        );
        return box;
      }
      const form = el('form', 'form ' + editing.kind);
      form.noValidate = true; // our own message, in the UI's language, read out (role=alert)
      form.setAttribute('aria-label', t(editing.kind === 'override' ? 'overrideLabel' : 'wrongLabel'));
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        event.stopPropagation();
        actions.confirm(f);
      });
      form.addEventListener('keydown', (event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          actions.cancel();
        }
      });
      if (editing.report !== undefined && editing.report !== null) {
        const text = el('textarea', 'report');
        text.readOnly = true;
        text.rows = 4;
        text.value = editing.report;
        form.append(el('div', 'done', t('wrongDone')), field(t('wrongReportLabel'), text));
        const copy = button('act', t('wrongCopy'), t('wrongCopy'), () => {
          text.select();
          const clip = win.navigator && win.navigator.clipboard;
          if (clip && clip.writeText) clip.writeText(editing.report).catch(() => {});
        });
        const buttons = el('div', 'buttons');
        buttons.append(copy, button('act', t('close'), t('close'), actions.cancel));
        form.append(buttons);
        box.append(form);
        return box;
      }
      const reason = el('input', 'reason');
      reason.type = 'text';
      reason.maxLength = 500;
      reason.value = editing.reason || '';
      reason.required = editing.kind === 'override' && f.severity === 'error';
      reason.setAttribute('autocomplete', 'off');
      reason.addEventListener('input', () => actions.edit({ reason: reason.value }));
      const label = editing.kind === 'override'
        ? t(reason.required ? 'overrideReasonRequired' : 'overrideReason') : t('wrongComment');
      form.append(field(label, reason));
      if (editing.kind === 'wrong') {
        const quote = el('input', 'quote');
        quote.type = 'checkbox';
        quote.checked = Boolean(editing.quote);
        quote.addEventListener('change', () => actions.edit({ quote: quote.checked }));
        const wrap = el('label', 'check');
        wrap.append(quote, el('span', '', t('wrongQuote')));
        form.append(wrap);
      }
      if (editing.error) {
        const error = el('div', 'error', editing.error);
        error.setAttribute('role', 'alert');
        form.append(error);
      }
      const submit = el('button', 'act primary', t(editing.kind === 'override' ? 'overrideConfirm' : 'wrongConfirm'));
      submit.type = 'submit';
      const buttons = el('div', 'buttons');
      buttons.append(submit, button('act', t('cancel'), t('cancel'), actions.cancel));
      form.append(buttons);
      box.append(form);
      return box;
    }

    /** The row of one finding: severity dot, message, fix, rule; the decision about it when it has a key. */
    function findingItem(f, view, actions, options = {}) {
      const item = el('li', 'item sev-' + f.severity);
      item.dataset.rule = f.ruleId;
      const severity = t('severity_' + f.severity);
      const dot = el('span', 'dot', options.severityText ? severity : undefined);
      if (!options.severityText) {
        dot.setAttribute('role', 'img');
        dot.setAttribute('aria-label', severity);
      }
      const body = el('div', 'body');
      body.append(el('div', 'msg', f.message));
      if (options.match !== undefined) body.append(el('q', 'match', options.match));
      const fix = options.fixText === false ? '' : fixText(f);
      if (fix) body.append(el('div', 'fix', fix));
      body.append(el('div', 'rule', f.ruleId + (f.ruleName ? ' · ' + f.ruleName : '')));
      if (options.extra) body.append(...options.extra);
      if (view && f.key) body.append(decision(f, view, actions));
      item.append(dot, body);
      return item;
    }

    return { findingItem, el, button };
  }

  root.PostguardRows = Object.freeze({ create });
})(globalThis);
