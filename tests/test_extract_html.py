"""HTML extraction: text nodes and checked attributes stay, markup goes, offsets map back exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postguard.errors import InputError
from postguard.extract import extract
from postguard.model import Extracted, LineIndex


def html(source: str) -> Extracted:
    return extract(source, path="page.html")


def source_span(e: Extracted, source: str, word: str) -> tuple[int, int, str]:
    start = e.text.index(word)
    s, end = e.offsets.span_to_source(start, start + len(word))
    return (*LineIndex(source).position(s), source[s:end])


def assert_maps_back(e: Extracted, source: str) -> None:
    previous = -1
    for i, ch in enumerate(e.text):
        if ch.isspace():
            continue
        s = e.offsets.to_source(i)
        assert source[s] == ch or source[s] == "&", (i, ch, s, source[s])
        assert s >= previous
        previous = s


def test_text_nodes_stay_and_tags_go() -> None:
    source = (
        '<html><head><title>Launch</title></head><body class="x"><h1>Hello</h1><p>World</p></body></html>'
    )
    e = html(source)
    assert e.text.split() == ["Launch", "Hello", "World"]
    assert "class" not in e.text and "<" not in e.text
    assert_maps_back(e, source)


def test_block_tags_keep_words_apart_and_inline_tags_join_them() -> None:
    e = html("<p>first</p><p>second</p><div>third</div><br>fourth<li>fifth</li>")
    assert e.text.split() == ["first", "second", "third", "fourth", "fifth"]
    e = html("<p>Sturm<b>vogel</b> and <em>Trek</em><span>ker</span></p>")
    assert e.text.split() == ["Sturmvogel", "and", "Trekker"]


def test_script_style_code_and_comments_are_blanked() -> None:
    source = (
        "<p>visible</p><script>var codename = 'Sturmvogel';</script>"
        "<style>.Sturmvogel { color: red }</style><!-- Sturmvogel -->"
        "<pre>Sturmvogel()</pre><code>Sturmvogel</code><!DOCTYPE html><?xml version='1.0'?>"
    )
    e = html(source)
    assert e.text.split() == ["visible"]


def test_checked_attributes_keep_their_values() -> None:
    source = (
        '<a href="https://intranet.example.com/x?a=1&amp;b=2" class="btn" data-x="secret">Link</a>\n'
        "<img src='https://stock.example.com/photo.jpg' alt=\"Sturmvogel prototype\" width=100>\n"
        '<img srcset="a.jpg 1x, b.jpg 2x" title=Tooltip>\n'
        '<meta name="description" content="Teaser text"><meta charset="utf-8">\n'
    )
    e = html(source)
    words = e.text.split()
    for expected in (
        "https://intranet.example.com/x?a=1&b=2",
        "Link",
        "https://stock.example.com/photo.jpg",
        "Sturmvogel",
        "prototype",
        "a.jpg",
        "Tooltip",
        "Teaser",
    ):
        assert expected in words, expected
    for hidden in ("btn", "secret", "100", "description", "utf-8", "class", "width"):
        assert hidden not in e.text
    assert source_span(e, source, "Sturmvogel") == (2, 53, "Sturmvogel")
    assert LineIndex(source).line_text(2)[52:62] == "Sturmvogel"
    assert_maps_back(e, source)


def test_entities_are_decoded_and_map_to_their_start() -> None:
    source = "<p>M&auml;rz &amp; &#8222;Sturmvogel&#8220; &#x1F985; &nbsp;x &unknown; AT&T</p>"
    e = html(source)
    assert e.text.split() == ["März", "&", "„Sturmvogel“", "🦅", "x", "&unknown;", "AT&T"]
    assert source_span(e, source, "März") == (1, 4, "M&auml;rz")
    start = e.text.index("„")
    assert e.offsets.to_source(start) == source.index("&#8222;")
    assert source_span(e, source, "Sturmvogel") == (1, 27, "Sturmvogel")
    assert_maps_back(e, source)


def test_offsets_with_crlf_and_emoji() -> None:
    source = "<div>\r\n<p>🦅🦅 first</p>\r\n<p>Gr&uuml;n 👩‍👩‍👧 Sturmvogel</p>\r\n</div>\r\n"
    e = html(source)
    line, col, text = source_span(e, source, "Sturmvogel")
    assert (line, text) == (3, "Sturmvogel")
    assert LineIndex(source).line_text(3)[col - 1 : col - 1 + len(text)] == "Sturmvogel"
    assert col == 20  # the family emoji is five code points


def test_front_matter_in_html_pages() -> None:
    source = '---\ntitle: "Sturmvogel page"\nkind: page\n---\n<p>Body</p>\n'
    e = html(source)
    assert e.metadata == {"kind": "page"}
    assert e.text.split() == ["Sturmvogel", "page", "Body"]
    assert source_span(e, source, "Body") == (5, 4, "Body")


def test_broken_front_matter_in_html_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"^line 3, column 1: invalid YAML front matter"):
        html("---\ntitle: [\n---\n<p>x</p>")


def test_malformed_markup_does_not_crash() -> None:
    for source in ("<!--<![ ", "<p", "</", "<a href='x", "&#", "<![CDATA[x", "<script>never closed"):
        e = html(source)
        assert len(e.text) <= len(source) + 2


_PIECES = [
    "Sturmvogel", "wort", " ", "\n", "\r\n", "\t", "<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<br>",
    "<br/>", "<script>", "</script>", "<style>", "</style>", "<pre>", "</pre>", "<!--", "-->",
    "<!DOCTYPE html>",
    "&amp;", "&auml;", "&#128512;", "&#x1F985;", "&bogus;", "&", "<", ">", "'", '"', "=",
    "<a href='https://h.example/?a=1&amp;b'>", "</a>", '<img alt="Alt &auml;" src=x.png>', "🦅", "ä",
    "<![CDATA[", "]]>", "<?pi ?>", "<!x>", "</ x>", "---\n", "title: t\n",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_every_checked_character_maps_to_itself_in_the_source(source: str) -> None:
    try:
        e = html(source)
    except InputError:
        return
    assert_maps_back(e, source)


def test_list_items_are_told_apart_with_their_own_text() -> None:
    source = (
        "---\r\ntitle: T\r\n---\r\n<p>Intro 🦅</p>\r\n<ul>\r\n  <li>one <b>wrapped</b></li>\r\n"
        "  <li>two\r\n    <ul><li>nested</li></ul>\r\n  </li>\r\n  <li>three, unclosed\r\n</ul>\r\n<p>End</p>\r\n"
    )
    e = html(source)
    items = [e.text[a:b].split() for a, b in e.structure.list_items]
    assert items == [["one", "wrapped"], ["two"], ["nested"], ["three,", "unclosed"]]
    assert e.offsets.to_source(e.structure.list_items[0][0]) == source.index("<li>one")
    assert html("<p>Intro</p><p>No list here.</p>").structure.list_items == ()
    # a list shown as code is no list
    assert html("<pre><ul><li>x</li></ul></pre>").structure.list_items == ()


def test_the_list_items_of_html_blocks_in_markdown_join_the_markdown_ones() -> None:
    source = "Intro\n\n<ul>\n<li>Foto von Anna</li>\n<li>Bild by Max</li>\n</ul>\n\n- md one\n- md two\n"
    e = extract(source, path="post.md")
    assert [e.text[a:b].split() for a, b in e.structure.list_items] == [
        ["Foto", "von", "Anna"],
        ["Bild", "by", "Max"],
        ["md", "one"],
        ["md", "two"],
    ]
