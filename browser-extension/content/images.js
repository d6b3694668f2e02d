// postguard content-script logic for the images an employee attaches to a post: which attachments
// belong to a compose box (and so are checked), which files are images, and reading one for the
// background worker. Nothing here changes, blocks or delays the page's own upload: the content
// script only listens, it never calls preventDefault or stopPropagation.
//
// Which attachments are checked (docs/browser-extension.md, "Images"):
// - pasted into a compose box (the paste event's target is in the box);
// - dropped on a compose box or on its compose area;
// - chosen in a file input of a compose area.
// The compose area of a file input or a drop target is found by climbing at most MAX_CLIMB
// ancestors up to the first one that holds a text field: it is a compose area only when that one
// field is a compose box (a textarea or a contenteditable editor) and it holds no other text field
// (input, select, a second editor; fields not shown, such as an editor's hidden link box, do not
// count). So a profile picture on a settings page (a form with a name,
// a headline, a bio) and an attachment button far from any editor are left alone.
//
// Loaded as a classic script before content.js and by the unit tests into jsdom.
(function (root) {
  'use strict';

  const T = root.PostguardText;

  const MAX_CLIMB = 6;
  /** The server's limit per image (postguard.server.images.MAX_IMAGE_BYTES). */
  const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
  /** At most this many images are checked per compose box (a post carries a few). */
  const MAX_IMAGES_PER_BOX = 10;
  const IMAGE_NAME = /\.(jpe?g|png|gif|webp|bmp|tiff?)$/i;
  const NOT_TEXT_INPUTS = ['file', 'hidden', 'checkbox', 'radio', 'button', 'submit', 'reset', 'image', 'range', 'color'];
  const TEXT_FIELDS = [
    'textarea',
    'select',
    '[contenteditable]:not([contenteditable="false"])',
    'input' + NOT_TEXT_INPUTS.map((type) => `:not([type="${type}" i])`).join(''),
  ].join(', ');

  function isShown(field) {
    // jsdom has no checkVisibility: there every field counts.
    return typeof field.checkVisibility === 'function' ? field.checkVisibility() : true;
  }

  /** The text fields inside `el` as compose boxes (each editor once) and a count of the others. */
  function fieldsIn(el) {
    const boxes = new Set();
    let others = 0;
    for (const field of el.querySelectorAll(TEXT_FIELDS)) {
      if (!isShown(field)) continue; // an editor's hidden link box, a template
      if (field.localName === 'input' || field.localName === 'select') {
        others++;
        continue;
      }
      const box = T.composeBoxFor(field);
      if (box) boxes.add(box);
      else if (field.localName === 'textarea') others++;
    }
    return { boxes: [...boxes], others };
  }

  /**
   * The compose box an attachment target belongs to (a file input, a drop target), or null:
   * the box itself when the target is inside one, else the one compose box of its compose area.
   */
  function attachmentBoxFor(target) {
    let el = target;
    if (el && el.nodeType !== 1) el = el.parentElement;
    if (!el) return null;
    const own = T.composeBoxFor(el);
    if (own) return own;
    const top = el.ownerDocument.body;
    for (let up = el, depth = 0; up && up !== top && depth <= MAX_CLIMB; up = up.parentElement, depth++) {
      const { boxes, others } = fieldsIn(up);
      if (!boxes.length && !others) continue;
      return boxes.length === 1 && others === 0 ? boxes[0] : null;
    }
    return null;
  }

  function isImageFile(file) {
    if (!file) return false;
    const type = String(file.type || '').toLowerCase();
    if (type) return type.startsWith('image/') && type !== 'image/svg+xml';
    return IMAGE_NAME.test(String(file.name || ''));
  }

  /** The image files of a FileList or DataTransfer (read during the event: they vanish after it). */
  function imageFiles(source) {
    if (!source) return [];
    const files = source.files !== undefined ? source.files : source;
    return Array.from(files || []).filter(isImageFile);
  }

  /** A key that is the same when the same file is attached twice (dropped, then also picked up by the site). */
  function fileKey(file) {
    return [file.name, file.size, file.type, file.lastModified].join('|');
  }

  /** The file as a data: URL (the server accepts it as `images[].data`). */
  function readAsDataUrl(file, win) {
    return new Promise((resolve, reject) => {
      const reader = new win.FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(reader.error || new Error('unreadable'));
      reader.readAsDataURL(file);
    });
  }

  /** The findings of one image of a server answer, in the panel's form (no text offsets). */
  function toImageFindings(image) {
    const list = (image && Array.isArray(image.findings) && image.findings) || [];
    return list.map((f) => ({
      ruleId: String(f.rule_id || ''),
      ruleName: String(f.rule_name || ''),
      category: String(f.category || ''),
      severity: ['error', 'warning', 'info'].includes(f.severity) ? f.severity : 'warning',
      message: String(f.message || ''),
      match: String(f.match || ''),
      replacements: [],
      box: Array.isArray(f.box) && f.box.length === 4 ? f.box.map(Number) : null,
    }));
  }

  function thumbnailUrl(file, win) {
    try {
      return win.URL.createObjectURL(file);
    } catch {
      return '';
    }
  }

  function targetOf(event) {
    return event.composedPath ? event.composedPath()[0] : event.target;
  }

  /**
   * The window listeners (capture) that find attached images: [[type, listener], ...]. Each calls
   * `attach(boxEl, files)` with the compose box and the image files, read during the event (a
   * DataTransfer is emptied after it). Listeners only: never preventDefault or stopPropagation.
   */
  function listeners(attach) {
    const found = (boxEl, files) => {
      if (boxEl && files.length) attach(boxEl, files);
    };
    return [
      ['paste', (event) => found(T.composeBoxFor(targetOf(event)), imageFiles(event.clipboardData))],
      ['drop', (event) => found(attachmentBoxFor(targetOf(event)), imageFiles(event.dataTransfer))],
      ['change', (event) => {
        const target = targetOf(event);
        if (!target || target.localName !== 'input' || String(target.type).toLowerCase() !== 'file') return;
        found(attachmentBoxFor(target), imageFiles(target.files));
      }],
    ];
  }

  root.PostguardImages = Object.freeze({
    listeners,
    thumbnailUrl,
    MAX_IMAGE_BYTES,
    MAX_IMAGES_PER_BOX,
    attachmentBoxFor,
    isImageFile,
    imageFiles,
    fileKey,
    readAsDataUrl,
    toImageFindings,
  });
})(globalThis);
