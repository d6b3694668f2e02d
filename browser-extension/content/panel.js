// postguard findings panel: builds the panel's content (the findings of the text, then the images
// attached to the box with a thumbnail and their findings) and places it beside the compose box.
// content.js owns the state; it passes what to show and the actions to call.
//
// Loaded as a classic script after rows.js (the finding rows, shared with the paste page), before
// content.js, and by the unit tests into jsdom.
(function (root) {
  'use strict';

  const T = root.PostguardText;

  /**
   * A panel builder for `doc`/`win`; `t(key, subs)` translates. `render(panel, view, actions)`
   * fills `panel` from `view` = {findings, images, notice, collapsed, anchor} where notice is null
   * or {status, detail}, and editing is null or the decision being made about one finding:
   * {key, kind: 'override'|'wrong', reason, quote, error, report}. Each finding has a `key`.
   * actions = {toggle, dismiss, select(finding), removeImage(image), decide(finding, kind),
   * cancel(), edit(changes), confirm(finding)}.
   */
  function create({ doc, win, t }) {
    const rows = root.PostguardRows.create({ doc, win, t });
    const { el, button } = rows;
    const findingItem = (f, view, actions) => rows.findingItem(f, view, actions);

    function noticeContent(notice) {
      const p = el('div', 'notice');
      p.setAttribute('role', 'status');
      if (notice.status === 'down') {
        p.append(t('noticeDown') + ' ', el('code', '', 'postguard serve'));
      } else {
        const key = notice.status === 'unauthorized' ? 'noticeUnauthorized'
          : notice.status === 'permission' ? 'noticePermission' : 'noticeError';
        p.textContent = t(key) + (notice.status === 'error' && notice.detail ? ' ' + notice.detail : '');
      }
      return p;
    }

    function imageEntry(image, view, actions) {
      const entry = el('li', 'image');
      entry.dataset.key = image.key;
      entry.dataset.status = image.status;
      const head = el('div', 'image-head');
      const thumb = el('img', 'thumb');
      thumb.alt = '';
      if (image.url) thumb.src = image.url;
      const name = el('span', 'image-name', image.name);
      const state = el('span', 'image-state', imageState(image));
      head.append(thumb, name, state, button('remove', t('imageRemove', [image.name]), '×', () => actions.removeImage(image)));
      entry.append(head);
      if (image.findings.length) {
        const list = el('ol', 'list');
        for (const f of image.findings) list.append(findingItem(f, view, actions));
        entry.append(list);
      }
      return entry;
    }

    function imageState(image) {
      if (image.status === 'checking') return t('imageChecking');
      if (image.status === 'toolarge') return t('imageTooLarge');
      if (image.status === 'error') return t('imageError') + (image.error ? ' ' + image.error : '');
      if (image.status === 'down') return t('imageNotChecked');
      return image.findings.length ? '' : t('imageClean');
    }

    let shown = '';

    /** What the panel shows, as a string: the panel is rebuilt only when it changes (a form keeps its focus). */
    function signature(view) {
      const findings = (list) => list.map((f) => [f.key, f.severity, f.message, f.replacements]);
      return JSON.stringify([
        findings(view.findings),
        (view.images || []).map((i) => [i.key, i.status, i.error, findings(i.findings)]),
        view.notice, view.collapsed,
        view.editing && [view.editing.key, view.editing.kind, view.editing.error, view.editing.report],
      ]);
    }

    function render(panel, view, actions) {
      const sig = signature(view);
      if (sig === shown && !panel.hidden) {
        place(panel, view.anchor);
        return;
      }
      shown = sig;
      const focused = panel.getRootNode().activeElement;
      const refocus = focused && panel.contains(focused) ? focused.className : null;
      const findings = view.findings;
      const images = view.images || [];
      const imageFindings = images.reduce((n, image) => n + image.findings.length, 0);
      const total = findings.length + imageFindings;
      if (!total && !view.notice && !images.length) {
        panel.hidden = true;
        panel.replaceChildren();
        return;
      }
      const head = el('div', 'head');
      head.append(el('span', 'logo', 'postguard'));
      const content = [];
      if (view.notice) {
        head.append(button('dismiss', t('dismiss'), '×', actions.dismiss));
        content.push(noticeContent(view.notice));
        panel.classList.remove('collapsed');
      } else {
        const all = findings.concat(...images.map((image) => image.findings));
        const count = el('span', 'count sev-' + (T.worstSeverity(all) || 'none'), String(total));
        count.setAttribute('aria-label', t('findingsCount', [String(total)]));
        const collapsed = view.collapsed;
        const toggle = button('toggle', t(collapsed ? 'expand' : 'collapse'), collapsed ? '▸' : '▾', actions.toggle);
        toggle.setAttribute('aria-expanded', String(!collapsed));
        head.append(count, toggle);
        const list = el('ol', 'list');
        findings.forEach((f, index) => {
          const item = findingItem(f, view, actions);
          item.dataset.index = String(index);
          item.addEventListener('click', () => actions.select(f));
          list.append(item);
        });
        if (findings.length) content.push(list);
        if (images.length) {
          const section = el('ul', 'images');
          section.setAttribute('aria-label', t('imagesLabel'));
          for (const image of images) section.append(imageEntry(image, view, actions));
          content.push(section);
        }
        panel.classList.toggle('collapsed', collapsed);
      }
      panel.replaceChildren(head, ...content);
      panel.hidden = false;
      place(panel, view.anchor);
      // A new form takes the focus; a rebuilt panel gives it back to what had it.
      const target = view.editing && view.editing.focus
        ? panel.querySelector('.form .reason, .form .report')
        : refocus && panel.querySelector('.' + refocus.trim().split(/\s+/).join('.'));
      if (target) target.focus();
    }

    function place(panel, anchor) {
      const margin = 8;
      const vw = win.innerWidth || doc.documentElement.clientWidth || 0;
      const vh = win.innerHeight || doc.documentElement.clientHeight || 0;
      const width = panel.offsetWidth || 280;
      const height = panel.offsetHeight || 0;
      let left;
      let top;
      if (anchor.right + margin + width <= vw - margin) {
        left = anchor.right + margin; // beside the box
        top = Math.max(margin, Math.min(anchor.top, vh - height - margin));
      } else {
        left = Math.max(margin, Math.min(anchor.right - width, vw - width - margin));
        top = anchor.bottom + margin;
        if (top + height > vh - margin) top = Math.max(margin, anchor.top - height - margin);
      }
      panel.style.left = left + 'px';
      panel.style.top = top + 'px';
    }

    return { render };
  }

  root.PostguardPanel = Object.freeze({ create });
})(globalThis);
