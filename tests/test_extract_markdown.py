"""Markdown extraction: what is checked, what is blanked, and exact offsets back to the source."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postguard.errors import InputError, UsageError
from postguard.extract import extract, format_for
from postguard.model import Extracted, LineIndex


def md(source: str) -> Extracted:
    return extract(source, path="post.md")


def source_of(extracted: Extracted, source: str, word: str, nth: int = 0) -> tuple[int, int, str]:
    """Line, column and source text of the ``nth`` occurrence of ``word`` in the checked text."""
    start = -1
    for _ in range(nth + 1):
        start = extracted.text.index(word, start + 1)
    s, e = extracted.offsets.span_to_source(start, start + len(word))
    line, col = LineIndex(source).position(s)
    return line, col, source[s:e]


def where(source: str, needle: str, nth: int = 0) -> tuple[int, int, str]:
    """Line and column of the ``nth`` occurrence of ``needle`` in the source, found independently."""
    start = -1
    for _ in range(nth + 1):
        start = source.index(needle, start + 1)
    return (*LineIndex(source).position(start), needle)


def assert_maps_back(extracted: Extracted, source: str) -> None:
    previous = -1
    for i, ch in enumerate(extracted.text):
        if ch.isspace():
            continue
        s = extracted.offsets.to_source(i)
        assert 0 <= s < len(source), (i, ch, s)
        assert source[s] == ch or source[s] == "&", (i, ch, s, source[s])
        assert s >= previous, "checked characters must keep their source order"
        previous = s


def test_format_is_chosen_by_extension_and_can_be_overridden() -> None:
    assert format_for("a/b.MD") == "markdown"
    assert format_for("x.markdown") == format_for("x.mdx") == "markdown"
    assert format_for("x.htm") == format_for("x.html") == "html"
    assert format_for("notes.txt") == format_for(None) == "plain"
    assert extract("**bold**", path="notes.txt").text == "**bold**"
    assert extract("**bold**", path="notes.txt", fmt="markdown").text.strip() == "bold"
    with pytest.raises(UsageError, match="unknown input format 'rst'"):
        extract("x", fmt="rst")


def test_prose_is_kept_and_markup_punctuation_blanked() -> None:
    source = "# Launch *day* ##\n\n> Quote with **Sturm**vogel\n\n- item one\n1. item two\n"
    e = md(source)
    assert e.text.split() == ["Launch", "day", "Quote", "with", "Sturmvogel", "item", "one", "item", "two"]
    assert "#" not in e.text and ">" not in e.text and "-" not in e.text
    assert source_of(e, source, "Sturmvogel") == where(source, "Sturm**vogel") == (3, 16, "Sturm**vogel")
    assert_maps_back(e, source)


def test_code_blocks_inline_code_and_comments_are_not_checked() -> None:
    source = (
        "Intro text\n\n```python\nSturmvogel = 1\n```\n\n    Sturmvogel indented\n\n"
        "Use `Sturmvogel()` here <!-- Sturmvogel in a comment -->\n\n"
        "<!--\nSturmvogel\n-->\n\n~~~\nunclosed Sturmvogel"
    )
    e = md(source)
    assert "Sturmvogel" not in e.text
    assert e.text.split() == ["Intro", "text", "Use", "here"]
    assert len(e.text.splitlines()) == len(source.splitlines())


def test_links_and_images_keep_text_targets_and_alt() -> None:
    source = (
        'See [the *wiki*](https://wiki.intern.example.com/x "Wiki page") and '
        "![Sturmvogel mock-up](https://stock.example.com/123.jpg) or <https://intranet.example.com/a>.\n"
        "Ref [docs][d] and [d].\n\n[d]: <https://docs.intern.example.com> 'Docs title'\n"
    )
    e = md(source)
    words = e.text.split()
    for expected in (
        "the",
        "wiki",
        "https://wiki.intern.example.com/x",
        "Wiki",
        "Sturmvogel",
        "mock-up",
        "https://stock.example.com/123.jpg",
        "https://intranet.example.com/a",
        "https://docs.intern.example.com",
    ):
        assert expected in words, expected
    assert "[" not in e.text and "](" not in e.text
    assert "d]:" not in e.text
    assert source_of(e, source, "https://stock.example.com/123.jpg") == where(
        source, "https://stock.example.com/123.jpg"
    )
    assert_maps_back(e, source)


def test_entities_and_escapes_are_decoded_with_exact_offsets() -> None:
    source = "Gr&uuml;&szlig;e \\*nicht kursiv\\* &amp; &#x1F985; M&auml;rz"
    e = md(source)
    assert e.text.split() == ["Grüße", "*nicht", "kursiv*", "&", "🦅", "März"]
    assert source_of(e, source, "Grüße") == (1, 1, "Gr&uuml;&szlig;e")
    assert source_of(e, source, "März") == where(source, "M&auml;rz")
    assert_maps_back(e, source)


def test_raw_html_in_markdown_is_treated_like_html() -> None:
    source = (
        "Text <span title='Sturmvogel'>inline</span>.\n\n<div class=\"secret-class\">\n"
        '<p>Block <a href="https://intranet.example.com">link</a></p>\n</div>\n\n<script>Hidden()</script>\n'
    )
    e = md(source)
    words = e.text.split()
    assert "Sturmvogel" in words and "inline." in words and "Block" in words
    assert "https://intranet.example.com" in words
    assert "secret-class" not in e.text and "Hidden" not in e.text and "class" not in e.text
    assert_maps_back(e, source)


def test_text_inside_inline_raw_code_or_script_is_not_checked() -> None:
    source = "Use <code>Sturmvogel()</code> and <script>x = 'Sturmvogel'</script> but Trekker <br/> ok\n"
    e = md(source)
    assert e.text.split() == ["Use", "and", "but", "Trekker", "ok"]
    assert_maps_back(e, source)


def test_tables_with_escaped_pipes() -> None:
    source = "| Name | Note |\n|------|------|\n| Sturmvogel \\| T5 | intern |\n"
    e = md(source)
    assert e.text.split() == ["Name", "Note", "Sturmvogel", "|", "T5", "intern"]
    assert source_of(e, source, "T5") == where(source, "T5") == (3, 17, "T5")
    assert_maps_back(e, source)


def test_yaml_front_matter_sets_metadata_and_keeps_text_fields_in_place() -> None:
    source = (
        "---\n"
        'title: "Teaser for Sturmvogel"\n'
        "channel: corporate-linkedin\n"
        "kind: article\n"
        "lang: no\n"
        "publish_at: 2027-05-04T09:00:00+02:00\n"
        "date: 2020-01-01\n"
        "internal_ticket: SECRET-123\n"
        "tags: [launch, Trekker T5]\n"
        "image:\n  src: https://stock.example.com/9.jpg\n  alt: Mountain\n"
        "description: >\n  Folded text\n  on two lines\n"
        "---\n"
        "Body text\n"
    )
    e = md(source)
    assert e.metadata == {
        "channel": "corporate-linkedin",
        "kind": "article",
        "lang": "no",
        "publish_at": "2027-05-04T09:00:00+02:00",
    }
    words = e.text.split()
    for expected in ("Teaser", "Sturmvogel", "launch", "T5", "https://stock.example.com/9.jpg", "Mountain"):
        assert expected in words
    assert "Folded" in words and "Body" in words
    for hidden in ("SECRET-123", "corporate-linkedin", "internal_ticket", "title:", "article"):
        assert hidden not in e.text
    assert source_of(e, source, "Sturmvogel") == where(source, "Sturmvogel") == (2, 20, "Sturmvogel")
    assert source_of(e, source, "Body") == where(source, "Body") == (17, 1, "Body")
    assert_maps_back(e, source)


def test_date_counts_as_publish_time_when_nothing_more_specific_is_given() -> None:
    e = md("---\ndate: 2027-01-02\npublishDate: 2027-03-04\n---\nx\n")
    assert e.metadata == {"publish_at": "2027-03-04"}
    assert md("---\ndate: 2027-01-02\n---\nx\n").metadata == {"publish_at": "2027-01-02"}


@pytest.mark.parametrize(
    ("written", "metadata"),
    [
        ("2027-05-04 09:00:00 +0200", "2027-05-04T09:00:00+02:00"),
        ("2027-05-04 9:30 -05:00", "2027-05-04T09:30-05:00"),
        ("2027-05-04T09:00:00Z", "2027-05-04T09:00:00Z"),
        ("2027-05-04", "2027-05-04"),
        ("next tuesday", "next tuesday"),
    ],
)
def test_publish_times_in_static_site_styles_become_iso_8601(written: str, metadata: str) -> None:
    assert md(f"---\ndate: {written}\n---\nx\n").metadata == {"publish_at": metadata}


def test_a_byte_order_mark_is_not_text() -> None:
    e = md("\ufeff# Sturmvogel\n")
    assert e.text.split() == ["Sturmvogel"]
    assert "\ufeff" not in extract("\ufeff<p>x</p>", path="a.html").text


def test_toml_front_matter() -> None:
    source = (
        "+++\n"
        'title = "Sturmvogel preview"\n'
        'channel = "blog"\n'
        "publish_at = 2027-05-04T09:00:00+02:00\n"
        'secret = "hidden value"\n'
        "[image]\n"
        'alt = """Alt over\ntwo lines"""\n'
        'src = "https://stock.example.com/1.jpg"\n'
        "+++\n"
        "Body\n"
    )
    e = md(source)
    assert e.metadata == {"channel": "blog", "publish_at": "2027-05-04T09:00:00+02:00"}
    words = e.text.split()
    for expected in ("Sturmvogel", "preview", "Alt", "two", "lines", "Body"):
        assert expected in words
    assert "https://stock.example.com/1.jpg" in words
    assert '"' not in e.text
    assert "hidden" not in e.text and "blog" not in e.text and "[image]" not in e.text
    assert source_of(e, source, "lines") == where(source, "lines") == (8, 5, "lines")
    assert_maps_back(e, source)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("---\ntitle: ok\nbad: [unclosed\n---\n", r"^line 4, column 1: invalid YAML front matter"),
        ("---\ntitle: a: b\n---\n", r"^line 2, column \d+: invalid YAML front matter"),
        ("---\n- just\n- a list\n---\n", r"^line 2, column 1: front matter must be a mapping"),
        ("---\nlang: [de]\n---\n", r"^line 2, column 7: front matter key 'lang' must be one value"),
        ('+++\ntitle = "x"\nbroken\n+++\n', r"^line 3, column \d+: invalid TOML front matter"),
        ("+++\nlang = 3\n+++\n", r"front matter key 'lang' must be a string"),
    ],
)
def test_broken_front_matter_is_an_input_error_naming_the_line(source: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        md(source)


def test_opening_dashes_without_a_closing_line_are_markdown_not_front_matter() -> None:
    e = md("---\nSturmvogel is here\n")
    assert e.metadata == {}
    assert e.text.split() == ["Sturmvogel", "is", "here"]


def test_offsets_with_front_matter_code_emoji_and_crlf() -> None:
    source = (
        "---\r\ntitle: Gipfel 🏔️ Sturmvogel\r\nchannel: x\r\n---\r\n"
        "# Heading 🦅🦅\r\n\r\n```\r\ncode 🦅\r\n```\r\n\r\n"
        "> 🦅 quoted **Sturmvogel** and `x` then Trekker\r\n"
        "- 👩‍👩‍👧 list Sturmvogel\r\n"
    )
    e = md(source)
    assert source_of(e, source, "Sturmvogel", 0) == where(source, "Sturmvogel", 0) == (2, 18, "Sturmvogel")
    assert source_of(e, source, "Sturmvogel", 1) == where(source, "Sturmvogel", 1) == (11, 14, "Sturmvogel")
    assert source_of(e, source, "Sturmvogel", 2) == where(source, "Sturmvogel", 2)
    assert source_of(e, source, "Trekker") == where(source, "Trekker")
    assert source_of(e, source, "list") == where(source, "list")
    assert "code" not in e.text
    assert_maps_back(e, source)


def test_list_items_are_told_apart_with_their_own_lines() -> None:
    source = "---\r\ntitle: T\r\n---\r\nIntro 🦅\r\n\r\n- one\r\n  wrapped\r\n- two\r\n  - nested\r\n- three\r\n\r\nEnd\r\n"
    e = md(source)
    items = [e.text[a:b].split() for a, b in e.structure.list_items]
    assert items == [["one", "wrapped"], ["two"], ["nested"], ["three"]]
    first = e.structure.list_items[0]
    assert e.offsets.to_source(first[0]) == source.index("- one")
    assert md("Intro\n\nNo list here.\n").structure.list_items == ()


def test_plain_text_is_the_identity() -> None:
    source = "<!-- kept --> **as is** 🦅\r\n"
    e = extract(source, path="note.txt")
    assert e.text == source
    assert e.offsets.to_source(5) == 5


_PIECES = [
    "Sturmvogel", "wort", " ", "  ", "\n", "\r\n", "\n\n", "\t", "#", "# ", "## ", "> ", "- ", "* ", "1. ",
    "*", "**", "_", "~~", "`", "```", "    ", "[", "]", "(", ")", "![", "](", "http://x.example/a",
    '"t"', "<", ">", "<b>", "</b>", "<!--", "-->", "<div>", "</div>", "&amp;", "&auml;", "&#128512;",
    "&#x1F985;",
    "&bogus;", "\\", "\\*", "|", "| a | b |\n|---|---|\n", "---", "+++", "===", "🦅", "ä", "ß", "\u00a0",
    "<a href='https://h.example'>", "</a>", "[r]: http://r.example 'T'\n", "[r]", "<https://auto.example>",
]  # fmt: skip

markdownish = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(markdownish)
def test_every_checked_character_maps_to_itself_in_the_source(source: str) -> None:
    try:
        e = md(source)
    except InputError:
        return  # a broken front matter is reported, not extracted
    assert_maps_back(e, source)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_never_crashes_and_maps_back(source: str) -> None:
    try:
        e = md(source)
    except InputError:
        return
    assert_maps_back(e, source)
