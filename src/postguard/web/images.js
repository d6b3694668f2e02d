// postguard paste page: images dropped, pasted or picked, sent with the draft, findings drawn on them.
// Images stay in this page (object URLs) and go only to the server that served it.
(function () {
  'use strict';

  const MAX_IMAGES = 4;
  const STRINGS = {
    en: {
      add: 'Add image',
      help: 'Drop or paste screenshots and photos here (up to 4). Their text and metadata are checked too.',
      remove: (name) => `Remove ${name}`,
      clean: 'Nothing found in this image.',
      notChecked: (why) => `Not checked: ${why}`,
      waiting: 'Checking…',
      file: 'in the file',
    },
    de: {
      add: 'Bild hinzufügen',
      help: 'Screenshots und Fotos hier ablegen oder einfügen (bis zu 4). Ihr Text und ihre Metadaten werden mitgeprüft.',
      remove: (name) => `${name} entfernen`,
      clean: 'In diesem Bild nichts gefunden.',
      notChecked: (why) => `Nicht geprüft: ${why}`,
      waiting: 'Prüfe …',
      file: 'in der Datei',
    },
  };

  /**
   * The images of the page. `options`: root (the section), input (a file input), drop (the drop zone),
   * lang() (the UI language), changed() (call when the set of images changes), finding(f) (a list
   * item), hidden(key) (true for a finding posted anyway: neither listed, boxed nor counted).
   * Each finding gets a `key`: the image (one id per image added), its rule and matched words.
   */
  function create(options) {
    const items = []; // {id, file, url, result: null | {error, findings, width, height}}
    let added = 0;
    const hidden = options.hidden || (() => false);
    /** The findings of `item` still shown, each with its key. */
    const visible = (item) => (item.result ? item.result.findings : [])
      .map((f) => ({ ...f, key: 'image' + item.id + '|' + f.ruleId + '|' + f.match.toLowerCase() }))
      .filter((f) => !hidden(f.key));
    const t = (key, ...args) => {
      const value = (STRINGS[options.lang()] || STRINGS.en)[key];
      return typeof value === 'function' ? value(...args) : value;
    };

    function add(files) {
      let added = false;
      for (const file of files) {
        if (!file || !String(file.type).startsWith('image/') || items.length >= MAX_IMAGES) continue;
        const name = file.name || `image-${items.length + 1}.${String(file.type).split('/')[1] || 'png'}`;
        const named = file.name ? file : new File([file], name, { type: file.type });
        items.push({ id: ++added, file: named, url: URL.createObjectURL(named), result: null });
        added = true;
      }
      if (added) {
        render();
        options.changed();
      }
      return added;
    }

    function removeAt(index) {
      const [item] = items.splice(index, 1);
      if (item) URL.revokeObjectURL(item.url);
      render();
      options.changed();
    }

    function show(results) {
      items.forEach((item, i) => {
        item.result = results[i] || null;
      });
      render();
    }

    function render() {
      const figures = items.map((item, index) => {
        const figure = document.createElement('figure');
        figure.className = 'image';
        figure.dataset.index = String(index);
        const frame = document.createElement('div');
        frame.className = 'frame';
        const img = document.createElement('img');
        img.src = item.url;
        img.alt = item.file.name;
        frame.append(img);
        const caption = document.createElement('figcaption');
        const name = document.createElement('span');
        name.className = 'name';
        name.textContent = item.file.name;
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'secondary remove';
        remove.textContent = '×';
        remove.setAttribute('aria-label', t('remove', item.file.name));
        remove.addEventListener('click', () => removeAt(index));
        caption.append(name, remove);
        const list = document.createElement('ol');
        list.className = 'findings';
        const note = document.createElement('p');
        note.className = 'image-status';
        const r = item.result;
        const findings = visible(item);
        if (!r) {
          note.textContent = t('waiting');
        } else if (r.error) {
          note.classList.add('problem');
          note.textContent = t('notChecked', r.error);
        } else if (!r.findings.length) {
          note.classList.add('clean');
          note.textContent = t('clean');
        } else {
          findings.forEach((f, n) => {
            const li = options.finding(f);
            li.dataset.key = f.key;
            li.dataset.box = f.box ? f.box.join(',') : '';
            if (!f.box) {
              const where = document.createElement('span');
              where.className = 'rule';
              where.textContent = t('file');
              const body = li.querySelector('.body');
              body.insertBefore(where, body.querySelector(':scope > .decide')); // after the rule, before the buttons
            } else if (r.width && r.height) {
              const box = document.createElement('span');
              box.className = 'box sev-' + f.severity;
              box.dataset.finding = String(n);
              box.title = f.message;
              const [x, y, w, h] = f.box;
              box.style.left = (100 * x / r.width) + '%';
              box.style.top = (100 * y / r.height) + '%';
              box.style.width = (100 * w / r.width) + '%';
              box.style.height = (100 * h / r.height) + '%';
              frame.append(box);
            }
            list.append(li);
          });
        }
        figure.append(frame, caption, note, list);
        return figure;
      });
      options.root.replaceChildren(...figures);
      options.root.hidden = !items.length;
    }

    function label() {
      for (const el of document.querySelectorAll('[data-i18n-img]')) el.textContent = t(el.dataset.i18nImg);
      render();
    }

    options.input.addEventListener('change', () => {
      add(Array.from(options.input.files || []));
      options.input.value = '';
    });
    options.drop.addEventListener('dragover', (event) => {
      if (event.dataTransfer && Array.from(event.dataTransfer.types || []).includes('Files')) {
        event.preventDefault();
        options.drop.classList.add('dragging');
      }
    });
    options.drop.addEventListener('dragleave', () => options.drop.classList.remove('dragging'));
    options.drop.addEventListener('drop', (event) => {
      options.drop.classList.remove('dragging');
      const files = event.dataTransfer ? Array.from(event.dataTransfer.files || []) : [];
      if (files.some((f) => String(f.type).startsWith('image/'))) {
        event.preventDefault();
        add(files);
      }
    });
    options.drop.addEventListener('paste', (event) => {
      const data = event.clipboardData;
      const files = data ? Array.from(data.files || []) : [];
      if (files.some((f) => String(f.type).startsWith('image/'))) {
        event.preventDefault(); // an image pasted into the draft becomes an image of the draft
        add(files);
      }
    });

    return {
      files: () => items.map((item) => item.file),
      findingCount: () => items.reduce((n, item) => n + visible(item).length, 0),
      clear: () => {
        for (const item of items) URL.revokeObjectURL(item.url);
        items.length = 0;
        render();
      },
      show,
      label,
      render,
    };
  }

  window.PostguardImages = { create, MAX_IMAGES };
})();
