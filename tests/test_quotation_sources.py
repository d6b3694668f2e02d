"""PG406 and what names a quotation's source further away: the section's heading that links the quoted
page, a link earlier in the quotation's list or paragraph, and the writer's `>` note to the reader that
is no quotation at all; each beside an unsourced quotation that is still caught (issue 11)."""

from __future__ import annotations

import pytest

from test_check_copyright import EN45, WORDS45, rules

# a long passage that does not speak to the reader (no "you")
THIRD = " ".join(
    "Analysis suggests that attacks against the scheme as a result of this defect would be very difficult "
    "to perform and are not believed likely, because most of the work necessary to deduce information about "
    "a private key may be performed offline and the resources required for such an attack would be very "
    "significant and accessible to few".split()[:45]
)
FILLER = "Hier steht ein langer Schritt mit vielen Wörtern, damit die Liste lang wird. " * 6


@pytest.mark.parametrize(
    "text",
    [
        # the section's heading links the advisory; prose between heading and quotation
        f"## Fixes\n\n### [CVE-2031-0001](https://cve.example.org/CVE-2031-0001): carry bug\n\n"
        f"The fix in short.\n\n> {THIRD}\n\nWe deem it low.\n",
        f'<h3><a href="https://advisories.example.net/2031/1">Advisory 1</a></h3>\n<p>Kurz.</p>\n'
        f"<blockquote>{THIRD}</blockquote>\n",
        # a link earlier in the quotation's list (no blank line between), far above it
        "1. Lies die [Satzung](/material/verein/satzung.pdf) und die Beitragsordnung\n"
        f"2. {FILLER}\n- Fördermitglieder: „{WORDS45}“\n    - Beitrag: frei\n",
        # the writer's note to the reader: addresses the reader and points to links or code
        f"Vorab noch etwas.\n\n> Wenn deine Voreinstellung {WORDS45}, verwende [`prettier --check`](https://prettier.example/cli).\n",
        f"One more thing.\n\n> If your preset has formatting rules, {EN45}; use `eslint-config-prettier`.\n",
        # a note that points at the page itself, with links to read on
        f"Thanks.\n\n> This blog post is part of a coordinated release. {EN45} [announcement](https://cncf.example/blog).\n",
    ],
)
def test_a_linked_heading_a_link_up_the_list_or_a_note_to_the_reader_is_no_finding(check, text: str) -> None:  # type: ignore[no-untyped-def]
    path = "post.html" if text.startswith("<h3>") else "post.md"
    assert "PG406" not in rules(check(text, path=path))


@pytest.mark.parametrize(
    "text",
    [
        # a heading without a link, and a link only in an earlier section
        f"### [Advisory](https://cve.example.org/1)\n\nKurz.\n\n### Bewertung\n\nDazu:\n\n> {THIRD}\n",
        f"### Bewertung\n\nThe fix in short.\n\n> {THIRD}\n",
        # a heading that links an anchor of the page, or a page of the site itself
        f"### [Bewertung](#bewertung)\n\nKurz.\n\n> {THIRD}\n",
        f"### [Bewertung](/blog/bewertung)\n\nKurz.\n\n> {THIRD}\n",
        # the link stands in the paragraph before a blank line, not in the quotation's list
        f"Lies die [Satzung](/satzung.pdf).\n\n{FILLER}\n\n- Fördermitglieder: „{WORDS45}“\n",
        # speaks to the reader but points to nothing: a quoted passage (MDN-style docs text)
        f"Based on the docs:\n\n```js\nres.cork();\n```\n\n> {EN45}\n",
        # a link or code, but no word for the reader
        f"Dazu:\n\n> {THIRD} [more](https://example.org/x)\n",
        f"Dazu:\n\n> {THIRD} `res.write()`\n",
        # points at the page itself but carries no link or code
        f"Thanks.\n\n> This blog post is part of a coordinated release. {EN45}\n",
    ],
)
def test_an_unsourced_quotation_beside_them_is_still_caught(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "PG406" in rules(check(text, path="post.md"))


@pytest.mark.parametrize(
    "text",
    [
        # members' impressions, each list item opened by the member's name
        f'### Eindrücke\n\n* Astrid Emde: "{WORDS45}"\n\n* Mirko Blinn: "{WORDS45}"\n',
        # new board members introducing themselves, each paragraph opened by the name in brackets
        f'Die neuen Mitglieder stellen sich vor.\n\n[Florian] "{WORDS45}"\n\n[Jannik] "Ich lebe in Bamberg."\n',
        f"**Anna Berg:** „{WORDS45}“\n\n**Max Muster:** „{WORDS45}“\n",
    ],
)
def test_quotations_each_opened_by_a_speakers_name_are_sourced(text: str, check) -> None:  # type: ignore[no-untyped-def]
    assert "PG406" not in rules(check(text, channel="linkedin-company"))


@pytest.mark.parametrize(
    "text",
    [
        # one label alone names nobody: "Das Fazit:" reads like "Astrid Emde:"
        f'Zum Schluss.\n\nDas Fazit: "{WORDS45}"\n',
        f'* Astrid Emde: "{WORDS45}"\n',
        # the same name twice is one voice, not a series
        f'* Astrid Emde: "{WORDS45}"\n* Astrid Emde: "{WORDS45}"\n',
    ],
)
def test_a_single_labelled_quotation_is_still_caught(text: str, check) -> None:  # type: ignore[no-untyped-def]
    assert "PG406" in rules(check(text, channel="linkedin-company"))


SPEC_NOTE = (
    "## Suffixes\n\nA name SHOULD NOT end with `_count`.\n\n"
    f"> {THIRD}, see [composite values](#compositevalues) and [the classic form](https://spec.example.org/om#h).\n\n"
    "## CompositeValues\n\nThey are composite.\n"
)


def test_a_block_quote_linking_a_section_of_its_own_page_is_the_pages_own_note(check) -> None:  # type: ignore[no-untyped-def]
    assert "PG406" not in rules(check(SPEC_NOTE, channel="linkedin-company", path="spec.md"))
    # an anchor that no heading of the page answers (a footnote, another document's section) says nothing
    quoted = SPEC_NOTE.replace("## CompositeValues", "## Other")
    assert "PG406" in rules(check(quoted, channel="linkedin-company", path="spec.md"))


BIO = (
    "> Bartek Płotka has been a maintainer of the project since 2019 and a principal engineer at a large "
    "software company, co-author of another monitoring project, an ambassador of its foundation and a tech "
    "lead of its observability group. In his free time he writes a book. Opinions are my own!\n"
)
#: a passage quoted from elsewhere, without a source
QUOTED = f"> {THIRD}\n"


def _post(author: str, *blocks: str) -> str:
    return f"---\ntitle: Agent mode\nauthor_name: {author}\n---\n\n" + "\n".join(
        f"{b}\nWe start with the news.\n" for b in blocks
    )


def test_a_block_quote_opening_with_the_front_matters_author_is_the_authors_note(check) -> None:  # type: ignore[no-untyped-def]
    # the author's bio set apart with ">" under the front matter: "Płotka" is "Plotka" transliterated
    findings = check(_post("Bartlomiej Plotka (@bwplotka)", BIO), channel="linkedin-company", path="post.md")
    assert "PG406" not in rules(findings)
    # an unsourced quotation beside it is still caught, once
    findings = check(
        _post("Bartlomiej Plotka (@bwplotka)", BIO, QUOTED), channel="linkedin-company", path="post.md"
    )
    assert rules(findings).count("PG406") == 1


@pytest.mark.parametrize(
    "front",
    [
        "---\ntitle: Agent mode\nauthor_name: Julius Volz\n---\n\n",  # another person wrote the post
        "---\ntitle: Agent mode\n---\n\n",  # no author named
        "---\ntitle: Agent mode\nauthor: Plotka\n---\n\n",  # a last name alone may be anyone's word
    ],
)
def test_a_bio_of_someone_not_named_as_author_stays_a_quotation(check, front: str) -> None:  # type: ignore[no-untyped-def]
    findings = check(f"{front}{BIO}\nWe start with the news.\n", channel="linkedin-company", path="post.md")
    assert "PG406" in rules(findings)


def test_the_authors_name_far_into_the_block_is_a_mention_not_its_subject(check) -> None:  # type: ignore[no-untyped-def]
    late = f"> {THIRD} as Bartek Płotka once noted\n"
    findings = check(_post("Bartlomiej Plotka", late), channel="linkedin-company", path="post.md")
    assert "PG406" in rules(findings)
