"""The structure the extraction carries: links, images, quotes, callouts, code, headings, fields."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postguard.extract import extract
from postguard.model import Extracted, LineIndex


def source_of(ext: Extracted, source: str, start: int, end: int) -> str:
    a, b = ext.offsets.span_to_source(start, end)
    return source[a:b]


def position(ext: Extracted, source: str, offset: int) -> tuple[int, int]:
    return LineIndex(source).position(ext.offsets.to_source(offset))


MD = """---
title: "Grüße 🎉 aus Hamburg"
image:
  src: bilder/messe.jpg
  alt: Unser Stand
---
# Über *uns* 🎉

Mehr im [Impressum](https://nordkap.example/impressum "Pflichtangaben") und `[Kontakt](/k)`.

![Team 🎉](img/team.jpg)
*Foto: Anna Berg*

> [!NOTE]
> Das ist ein Hinweis.

> **Hinweis:** Auch das.

> Wer hoch steigt, sieht weit.
> — Reinhold Messner

```python
print("[Impressum](/x)")
```

<a href="/rechtliches">Rechtliches</a> und https://nordkap.example/agb.
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_markdown_structure_maps_back_to_the_source(newline: str) -> None:
    source = MD.replace("\n", newline)
    ext = extract(source, path="post.md")
    s = ext.structure
    assert s is not None
    links = [(x.kind, x.label, x.target) for x in s.links]
    assert links == [
        ("markdown", "Impressum", "https://nordkap.example/impressum"),
        ("html", "Rechtliches", "/rechtliches"),
        ("bare", "", "https://nordkap.example/agb"),
    ]
    imp = s.links[0]
    assert imp.title == "Pflichtangaben"
    assert source_of(ext, source, imp.label_start, imp.label_end) == "Impressum"
    assert source_of(ext, source, imp.target_start, imp.target_end) == "https://nordkap.example/impressum"
    assert position(ext, source, imp.label_start) == (9, 10)  # line 9, after "Mehr im ["
    [image] = s.images
    assert (image.src, image.alt, image.caption) == ("img/team.jpg", "Team 🎉", "Foto: Anna Berg")
    assert source_of(ext, source, image.src_start, image.src_end) == "img/team.jpg"
    assert position(ext, source, image.src_start) == (11, 11)  # the emoji counts as one column
    kinds = [(b.kind, b.label, b.cite) for b in s.blocks]
    assert kinds == [("callout", "NOTE", ""), ("callout", "Hinweis", ""), ("quote", "", "Reinhold Messner")]
    assert [c.block for c in s.code] == [False, True]
    assert source_of(ext, source, s.code[0].start, s.code[0].end) == "`[Kontakt](/k)`"
    [heading] = s.headings
    assert (heading.level, heading.text) == (1, "Über uns 🎉")
    assert [(f.key, f.value) for f in s.fields] == [
        ("title", "Grüße 🎉 aus Hamburg"),
        ("image", "bilder/messe.jpg"),
        ("alt", "Unser Stand"),
    ]
    assert position(ext, source, s.fields[0].start) == (2, 9)
    assert [c.text for c in s.credits] == ["Foto: Anna Berg"]
    assert position(ext, source, s.body_start) == (7, 1)


def test_html_structure() -> None:
    source = (
        '<p>Text <a href="/impressum" title="T">Imp&shy;ressum</a></p>\n'
        '<figure><img src="/m/team.jpg" alt="Team"><figcaption>Foto: Anna Berg</figcaption></figure>\n'
        '<blockquote cite="https://example.com/x"><p>Ein Zitat.</p></blockquote>\n'
        "<aside>Randnotiz</aside><details><summary>Mehr</summary>Text</details>\n"
        "<!-- <a href='/impressum'>Impressum</a> --><h2>Titel</h2><pre><code>x</code></pre>"
    )
    ext = extract(source, path="page.html")
    s = ext.structure
    assert s is not None
    [link] = s.links
    assert (link.kind, link.target, link.title) == ("html", "/impressum", "T")
    assert source_of(ext, source, link.target_start, link.target_end) == "/impressum"
    [image] = s.images
    assert (image.src, image.alt, image.caption) == ("/m/team.jpg", "Team", "Foto: Anna Berg")
    assert [(b.kind, b.label, b.cite) for b in s.blocks] == [
        ("quote", "", "https://example.com/x"),
        ("callout", "aside", ""),
        ("callout", "details", ""),
    ]
    assert [(h.level, h.text) for h in s.headings] == [(2, "Titel")]
    assert [c.block for c in s.code] == [True]


def test_plain_text_light_pass() -> None:
    source = (
        "Neu im Shop 🎉 https://nordkap.example/shop\n"
        "Foto: Anna Berg\n"
        "„Wer hoch steigt, sieht weit, und wer weit sieht, steigt hoch“\n"
        "[Impressum](https://nordkap.example/impressum) `[Kontakt](/k)` <!-- [Info](/i) -->\n"
        "> Ein Zitat\n"
    )
    ext = extract(source)
    s = ext.structure
    assert s is not None
    assert [(x.kind, x.label, x.target) for x in s.links] == [
        ("bare", "", "https://nordkap.example/shop"),
        ("markdown", "Impressum", "https://nordkap.example/impressum"),
    ]
    assert [c.text for c in s.credits] == ["Foto: Anna Berg"]
    assert [b.kind for b in s.blocks] == ["quotation", "quote"]


_LABEL = st.text(alphabet="abcäöü🎉XY ", min_size=1, max_size=12).filter(lambda x: x.strip() == x and x)


@settings(max_examples=60, deadline=None)
@given(
    front=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    # three spaces and the one before the link would indent it into a code block (no link there)
    before=st.text(alphabet="ab 🎉*", max_size=10).filter(lambda s: not s.startswith("   ")),
    labels=st.lists(_LABEL, min_size=1, max_size=4),
)
def test_link_labels_map_to_the_source(front: bool, newline: str, before: str, labels: list[str]) -> None:
    head = f"---{newline}title: x 🎉{newline}---{newline}" if front else ""
    body = newline.join(f"{before} [{label}](https://example.com/{n})" for n, label in enumerate(labels))
    source = head + body + newline
    ext = extract(source, path="post.md")
    assert ext.structure is not None
    links = [x for x in ext.structure.links if x.kind == "markdown"]
    assert [x.target for x in links] == [f"https://example.com/{n}" for n in range(len(labels))]
    for link, label in zip(links, labels, strict=True):
        assert source_of(ext, source, link.label_start, link.label_end) == label


_ANCHORS = [
    '<a href="https://example.com/p?q=1">Link</a>',
    "<A title='T' HREF=/rel>zwei <b>Wörter</b></a >",
    '<a name="x">kein Link</a>',  # no href: a name anchor
    '<a href="/k">🎉</a>',
]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_ANCHORS), st.sampled_from(["", " ", "<span>x</span>", "🎉 ", "<!-- ", " -->"])
        ),
        max_size=12,
    )
)
def test_repeated_html_anchors_in_plain_text_are_each_a_link_at_its_offsets(
    parts: list[tuple[str, str]],
) -> None:
    """A page repeats its anchors: each is read once, and every repetition is a link at its own place."""
    text = "".join(anchor + gap for anchor, gap in parts)
    links = [x for x in extract(text).structure.links if x.kind == "html"]
    expected = []
    at = 0
    for anchor, _gap in parts:
        start = text.index(anchor, at)
        at = start + len(anchor)
        hidden = any(a <= start < b for a, b in _comments(text))
        if "href" in anchor.lower() and not hidden:
            expected.append((start, at))
    assert [(x.start, x.end) for x in links] == expected
    for link in links:
        anchor = text[link.start : link.end]
        inner = anchor[anchor.index(">") + 1 : anchor.lower().rindex("</a")]
        assert text[link.label_start : link.label_end] == inner
        assert link.label == " ".join(inner.replace("<b>", " ").replace("</b>", " ").split())
        assert link.target in anchor and link.title == ("T" if "title" in anchor else "")


def _comments(text: str) -> list[tuple[int, int]]:
    out = []
    at = text.find("<!--")
    while at >= 0:
        end = text.find("-->", at + 4)
        out.append((at, len(text) if end < 0 else end + 3))
        at = text.find("<!--", out[-1][1]) if end >= 0 else -1
    return out
