// postguard overlay geometry: where the text of a compose box is on the screen. A textarea's text
// has no DOM of its own, so its spans are measured on an invisible copy laid out like it.
//
// Loaded as a classic script before content.js and by the unit tests into jsdom.
(function (root) {
  'use strict';

  function create({ doc, win }) {
    function clientBox(el) {
      const r = el.getBoundingClientRect();
      const cs = win.getComputedStyle(el);
      const bl = parseFloat(cs.borderLeftWidth) || 0;
      const bt = parseFloat(cs.borderTopWidth) || 0;
      return {
        left: r.left + bl,
        top: r.top + bt,
        width: el.clientWidth || Math.max(0, r.width - bl - (parseFloat(cs.borderRightWidth) || 0)),
        height: el.clientHeight || Math.max(0, r.height - bt - (parseFloat(cs.borderBottomWidth) || 0)),
        outer: r,
      };
    }

    const MIRRORED = [
      'boxSizing', 'fontFamily', 'fontSize', 'fontStyle', 'fontVariant', 'fontWeight', 'fontStretch',
      'fontKerning', 'fontFeatureSettings', 'fontVariationSettings', 'lineHeight', 'letterSpacing',
      'wordSpacing', 'textTransform', 'textIndent', 'textAlign', 'textRendering', 'tabSize', 'direction',
      'wordBreak', 'hyphens', 'paddingTop', 'paddingRight', 'paddingBottom', 'paddingLeft',
      'borderTopWidth', 'borderRightWidth', 'borderBottomWidth', 'borderLeftWidth',
    ];

    /** Client rects of [start, end) in a textarea, measured on an invisible copy laid out like it. */
    function textareaRects(el, spans, mirrorBox) {
      const cs = win.getComputedStyle(el);
      const r = el.getBoundingClientRect();
      const mirror = doc.createElement('div');
      const s = mirror.style;
      for (const prop of MIRRORED) s[prop] = cs[prop];
      s.position = 'fixed';
      s.left = r.left + 'px';
      s.top = r.top + 'px';
      s.boxSizing = 'border-box';
      s.width = r.width + 'px';
      s.height = r.height + 'px';
      s.borderStyle = 'solid';
      s.borderColor = 'transparent';
      s.whiteSpace = 'pre-wrap';
      s.overflowWrap = 'break-word';
      s.overflow = 'hidden';
      s.visibility = 'hidden';
      s.pointerEvents = 'none';
      s.margin = '0';
      // A vertical scrollbar narrows the text area: narrow the copy the same way.
      const bl = parseFloat(cs.borderLeftWidth) || 0;
      const br = parseFloat(cs.borderRightWidth) || 0;
      const scrollbar = el.offsetWidth - el.clientWidth - bl - br;
      if (scrollbar > 0) s.paddingRight = (parseFloat(cs.paddingRight) || 0) + scrollbar + 'px';
      const value = el.value;
      const textNode = doc.createTextNode(value);
      mirror.append(textNode, doc.createTextNode('\u200b'));
      mirrorBox.replaceChildren(mirror);
      mirror.scrollTop = el.scrollTop;
      mirror.scrollLeft = el.scrollLeft;
      const out = spans.map((span) => {
        const start = Math.min(span.start, value.length);
        const end = Math.min(span.end, value.length);
        if (end <= start) return [];
        const range = doc.createRange();
        range.setStart(textNode, start);
        range.setEnd(textNode, end);
        return range.getClientRects ? Array.from(range.getClientRects()) : [];
      });
      mirrorBox.replaceChildren();
      return out;
    }

    return { clientBox, textareaRects };
  }

  root.PostguardGeometry = Object.freeze({ create });
})(globalThis);
