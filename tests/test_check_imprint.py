"""The imprint check (PG301-PG304): missing imprint, weak labels, home-page links, outdated citations."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE_PACK, NOW, spans
from postguard.errors import ConfigError
from postguard.rulepacks import load_packs

IMPRINT = "https://www.nordkap.example/impressum"


def imprint(findings):  # type: ignore[no-untyped-def]
    return [f for f in findings if f.category == "imprint"]


@pytest.fixture(scope="module")
def posts_engine(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The example pack plus a channel whose posts must carry the imprint themselves."""
    from postguard.config import Config
    from postguard.engine import Engine

    extra = tmp_path_factory.mktemp("packs") / "shop.toml"
    extra.write_text(
        '[[channels]]\nname = "shop-facebook"\nbusiness = true\nimprint_on_posts = true\n', encoding="utf-8"
    )
    return Engine(Config(packs=(EXAMPLE_PACK, extra)))


# -- PG301: no imprint ---------------------------------------------------------------------


def test_business_profile_without_imprint_german(check) -> None:  # type: ignore[no-untyped-def]
    text = "Nordkap Outdoor – Ausrüstung für draußen.\nShop: https://www.nordkap.example"
    [f] = imprint(check(text, channel="instagram-brand", kind="profile", lang="de"))
    assert (f.rule_id, f.severity.value) == ("PG301", "error")
    assert text[f.start : f.end] == "Nordkap Outdoor – Ausrüstung für draußen." == f.match
    assert f"„Impressum: {IMPRINT}“" in f.message
    assert "Profiltext" in f.message and "instagram-brand" in f.message


def test_business_page_without_imprint_english(check) -> None:  # type: ignore[no-untyped-def]
    text = "\n  About Nordkap Outdoor\nWe make gear for the outdoors."
    [f] = imprint(check(text, channel="linkedin-company", kind="page", lang="en"))
    assert spans([f], text) == [("PG301", "About Nordkap Outdoor")]
    assert f"“Legal notice: {IMPRINT}”" in f.message and "footer" in f.message


def test_missing_imprint_on_a_long_first_line_points_at_its_start(check) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Wir sind Nordkap Outdoor und machen seit 1998 Ausrüstung für Menschen, die gern draußen sind, " * 3
    )
    [f] = imprint(check(text, channel="blog", kind="article"))
    assert f.rule_id == "PG301" and text.startswith(f.match)
    assert f.match == text[: text.rfind(" ", 0, 100)]  # cut at the last word boundary within 100 characters


def test_a_label_without_a_link_is_no_imprint(check) -> None:  # type: ignore[no-untyped-def]
    text = "Nordkap Outdoor. Impressum auf unserer Website."
    assert [f.rule_id for f in imprint(check(text, channel="blog", kind="article"))] == ["PG301"]


@pytest.mark.parametrize(
    "text",
    [
        f"Nordkap Outdoor – Ausrüstung für draußen.\nImpressum: {IMPRINT}",
        f"Nordkap Outdoor – gear for the outdoors. Legal notice → {IMPRINT}",
        f"Nordkap Outdoor\n{IMPRINT}",  # the configured URL alone is a reference
        "Nordkap Outdoor\nKontakt: https://www.nordkap.example/kontakt",
        "Nordkap Outdoor\nAnbieterkennzeichnung: nordkap.example/impressum",
        "Nordkap Outdoor | Imprint: https://other.example/legal",
        "Nordkap Outdoor | Impressum & Datenschutz: https://other.example/rechtliches",  # pack label
    ],
)
def test_profile_with_an_imprint_reference_passes(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert imprint(check(text, channel="instagram-brand", kind="profile")) == []


def test_the_imprint_page_itself_passes(check) -> None:  # type: ignore[no-untyped-def]
    page = "# Impressum\n\nNordkap Outdoor GmbH\nHafenstraße 1\n20457 Hamburg\n"
    assert imprint(check(page, channel="blog", kind="page", path="impressum.md")) == []
    legal = "Information pursuant to § 5 DDG: Nordkap Outdoor GmbH, Hafenstraße 1, Hamburg"
    assert imprint(check(legal, channel="blog", kind="page")) == []
    # a heading that merely contains the word is not the imprint
    other = "Impressum und Datenschutz sind uns wichtig.\nNordkap Outdoor GmbH"
    assert [f.rule_id for f in imprint(check(other, channel="blog", kind="page"))] == ["PG301"]


def test_markdown_and_html_links_count(check) -> None:  # type: ignore[no-untyped-def]
    md = f"# Über uns\n\nWir machen Ausrüstung.\n\n[Impressum]({IMPRINT}) · [Blog](https://blog.example/)\n"
    assert imprint(check(md, channel="blog", kind="page", path="about.md")) == []
    html = '<p>Wir machen Ausrüstung.</p><footer><a href="/impressum">Impressum</a></footer>'
    assert imprint(check(html, channel="blog", kind="page", path="about.html")) == []
    # the same text as plain text: the raw Markdown link still counts
    assert imprint(check(md, channel="blog", kind="page")) == []


def test_reference_style_markdown_links(check) -> None:  # type: ignore[no-untyped-def]
    ok = "Wir machen Ausrüstung.\n\n[Impressum][imp]\n\n[imp]: https://other.example/rechtliches\n"
    assert imprint(check(ok, channel="blog", kind="page", path="page.md")) == []
    weak = f"Wir machen Ausrüstung.\n\n[Mehr][1]\n\n[1]: {IMPRINT}\n"
    assert spans(imprint(check(weak, channel="blog", kind="page", path="page.md")), weak) == [
        ("PG302", "Mehr")
    ]


def test_posts_and_private_accounts_owe_no_imprint(check) -> None:  # type: ignore[no-untyped-def]
    text = "Nordkap Outdoor – Ausrüstung für draußen."
    assert imprint(check(text, channel="instagram-brand", kind="post")) == []
    assert imprint(check(text, kind="profile")) == []  # no channel: an employee's private account
    assert imprint(check(text, channel="employee-private", kind="profile")) == []


def test_a_channel_can_require_the_imprint_on_posts(posts_engine) -> None:  # type: ignore[no-untyped-def]
    from postguard.pipeline import lint

    text = "Neue Jacken im Laden!\nSchaut vorbei."
    found = imprint(lint(posts_engine, text, channel="shop-facebook", kind="post", now=NOW).findings)
    assert spans(found, text) == [("PG301", "Neue Jacken im Laden!")]
    assert "in den Beitrag" in found[0].message
    ok = f"Neue Jacken im Laden!\nImpressum: {IMPRINT}"
    assert imprint(lint(posts_engine, ok, channel="shop-facebook", kind="post", now=NOW).findings) == []


# -- PG302: weak label ---------------------------------------------------------------------------


def test_imprint_behind_info_german(check) -> None:  # type: ignore[no-untyped-def]
    text = f"Nordkap Outdoor – Ausrüstung für draußen.\nInfo: {IMPRINT}"
    [f] = imprint(check(text, channel="instagram-brand", kind="profile", lang="de"))
    assert spans([f], text) == [("PG302", "Info")]
    assert f.severity.value == "warning" and f.replacements == ("Impressum",)
    assert "„Info“" in f.message


def test_imprint_behind_more_in_markdown_english(check) -> None:  # type: ignore[no-untyped-def]
    text = f"We make gear for the outdoors.\n\n[More]({IMPRINT})\n"
    [f] = imprint(check(text, channel="blog", kind="page", path="page.md", lang="en"))
    assert spans([f], text) == [("PG302", "More")]
    assert f.replacements == ("Legal notice", "Imprint")


def test_imprint_behind_a_weak_html_label(check) -> None:  # type: ignore[no-untyped-def]
    text = '<p>Wir machen Ausrüstung.</p><footer><a href="/impressum">Mehr</a></footer>'
    [f] = imprint(check(text, channel="blog", kind="page", path="page.html"))
    assert spans([f], text) == [("PG302", "Mehr")]


def test_weak_label_on_another_link_is_fine(check) -> None:  # type: ignore[no-untyped-def]
    text = f"Nordkap Outdoor\nMehr: https://blog.example/touren\nImpressum: {IMPRINT}"
    assert imprint(check(text, channel="instagram-brand", kind="profile")) == []


# -- PG303: home page instead of the imprint ------------------------------------------------------


def test_imprint_label_on_the_home_page(check) -> None:  # type: ignore[no-untyped-def]
    text = "Nordkap Outdoor – Ausrüstung.\nImpressum: https://www.nordkap.example/"
    [f] = imprint(check(text, channel="instagram-brand", kind="profile"))
    assert spans([f], text) == [("PG303", "https://www.nordkap.example/")]
    assert f.replacements == (IMPRINT,)


def test_imprint_label_on_the_home_page_in_html(check) -> None:  # type: ignore[no-untyped-def]
    text = '<p>Text</p><footer><a href="https://nordkap.example">Impressum</a></footer>'
    [f] = imprint(check(text, channel="blog", kind="page", path="page.html"))
    assert spans([f], text) == [("PG303", "https://nordkap.example")]


def test_an_unlabelled_home_link_is_not_an_imprint_link(check) -> None:  # type: ignore[no-untyped-def]
    text = f"Nordkap Outdoor: https://www.nordkap.example\nImpressum: {IMPRINT}"
    assert imprint(check(text, channel="instagram-brand", kind="profile")) == []


# -- PG304: outdated citations ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cited", "fix"),
    [
        ("§ 5 TMG", "§ 5 DDG"),
        ("§5 TMG", "§ 5 DDG"),
        ("§ 5 Abs. 1 TMG", "§ 5 Abs. 1 DDG"),
        ("§ 55 RStV", "§ 18 MStV"),
        ("§ 55 Abs. 2 RStV", "§ 18 Abs. 2 MStV"),
        ("§55 Absatz 2 RStV", "§ 18 Abs. 2 MStV"),
        ("Sec. 5 TMG", "§ 5 DDG"),
        ("§ 5 Telemediengesetz", "§ 5 DDG"),
    ],
)
def test_outdated_citations(check, cited: str, fix: str) -> None:  # type: ignore[no-untyped-def]
    text = f"Angaben gemäß {cited}: Nordkap Outdoor GmbH, Hafenstraße 1, 20457 Hamburg"
    found = imprint(check(text))
    assert spans(found, text) == [("PG304", cited)]
    assert found[0].replacements == (fix,) and found[0].severity.value == "warning"


def test_both_citations_in_one_imprint_english(check) -> None:  # type: ignore[no-untyped-def]
    text = "Information according to § 5 TMG. Responsible for content under § 55 Abs. 2 RStV: Jane Doe."
    found = imprint(check(text, lang="en"))
    assert spans(found, text) == [("PG304", "§ 5 TMG"), ("PG304", "§ 55 Abs. 2 RStV")]
    assert "repealed" in found[0].message and "“§ 5 DDG”" in found[0].message


@pytest.mark.parametrize(
    "text",
    [
        "Angaben gemäß § 5 DDG",
        "Verantwortlich nach § 18 Abs. 2 MStV",
        "§ 55 TMG",
        "§ 15 TMG",
        "Das TMG ist alt.",
    ],
)
def test_current_citations_pass(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert imprint(check(text)) == []


# -- the [imprint] pack section --------------------------------------------------------------------


def _load(tmp_path: Path, body: str, engine) -> None:  # type: ignore[no-untyped-def]
    pack = tmp_path / "pack.toml"
    pack.write_text(body, encoding="utf-8")
    load_packs([pack], engine.sections)


@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        ('[imprint]\nurl = ["https://x.example/impressum"]\n', "imprint.url", "did you mean 'urls'"),
        ('[imprint]\nurls = ["x.example/impressum"]\n', "imprint.urls[0]", "absolute web address"),
        ("[imprint]\nlabels = 3\n", "imprint.labels", "expected an array of strings"),
        ('[imprint]\nlabels = ["→"]\n', "imprint.labels[0]", "no letters or digits"),
        ('imprint = "https://x.example"\n', "imprint", "expected a table"),
        ('[imprint]\nlayout_url = "/impressum"\n', "imprint.layout_url", "absolute web address"),
        ('[imprint]\npage_names = ["a/b"]\n', "imprint.page_names[0]", "not a file name"),
        ('[imprint]\nreplace = ["label"]\n', "imprint.replace[0]", "not a list of this section"),
    ],
)
def test_pack_errors_name_file_and_key(  # type: ignore[no-untyped-def]
    tmp_path: Path, example_engine, body: str, key: str, words: str
) -> None:
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, body, example_engine)
    assert err.value.path == str(tmp_path / "pack.toml") and err.value.key == key
    assert words in str(err.value)


def test_example_pack_section_parses(example_engine) -> None:  # type: ignore[no-untyped-def]
    default, example = example_engine.packs.sections["imprint"]  # the default pack's vocabulary first
    assert "Impressum" in default.labels and "Info" in default.weak_labels
    assert example.urls == (IMPRINT,)


# -- links come from the extraction: hidden markup is no imprint --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "path"),
    [
        (f"Wir machen Ausrüstung.\n\n<!-- [Impressum]({IMPRINT}) -->\n[Info]({IMPRINT})\n", "page.md"),
        (f"Wir machen Ausrüstung.\n\n`[Impressum]({IMPRINT})` [Info]({IMPRINT})\n", "page.md"),
        (
            f'<p>Wir machen Ausrüstung.</p><!-- <a href="{IMPRINT}">Impressum</a> --><a href="{IMPRINT}">Info</a>',
            "page.html",
        ),
        (f"Wir machen Ausrüstung.\n<!-- [Impressum]({IMPRINT}) -->\n[Info]({IMPRINT})\n", None),
    ],
)
def test_an_imprint_link_in_a_comment_or_code_hides_nothing(check, text: str, path: str | None) -> None:  # type: ignore[no-untyped-def]
    found = imprint(check(text, channel="blog", kind="page", path=path))
    assert spans(found, text) == [("PG302", "Info")]


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("Wir machen Ausrüstung.\n\n`[Impressum](/impressum)`\n", "page.md"),
        ("Wir machen Ausrüstung.\n\n<!-- [Impressum](/impressum) -->\n", "page.md"),
        ("<p>Wir machen Ausrüstung.</p><code><a href='/impressum'>Impressum</a></code>", "page.html"),
    ],
)
def test_a_hidden_imprint_link_is_no_imprint(check, text: str, path: str) -> None:  # type: ignore[no-untyped-def]
    assert [f.rule_id for f in imprint(check(text, channel="blog", kind="page", path=path))] == ["PG301"]


# -- content repositories: the site's layout carries the imprint -----------------------------------------------


def _site(tmp_path: Path, imprint_page: str | None) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "_config.yml").write_text("title: Blog\n", encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    if imprint_page:
        page = tmp_path / imprint_page
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("# Impressum\n\nNordkap Outdoor GmbH\n", encoding="utf-8")
    post = tmp_path / "_posts" / "2026-01-01-hallo.md"
    post.write_text("---\ntitle: Hallo\n---\nWir waren wandern.\n", encoding="utf-8")
    return post


@pytest.mark.parametrize("page", ["impressum.md", "pages/imprint.html", "legal-notice/index.md"])
def test_a_repository_imprint_page_covers_its_articles(check, tmp_path: Path, page: str) -> None:  # type: ignore[no-untyped-def]
    post = _site(tmp_path, page)
    text = post.read_text(encoding="utf-8")
    assert imprint(check(text, channel="blog", kind="article", path=str(post))) == []
    # profiles and pages must still carry the link themselves
    for kind in ("profile", "page"):
        assert [f.rule_id for f in imprint(check(text, channel="blog", kind=kind, path=str(post)))] == [
            "PG301"
        ]


def test_a_site_without_an_imprint_page_is_reported_once_on_its_home_page(check, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    post = _site(tmp_path, None)
    text = post.read_text(encoding="utf-8")
    # an article of the site: the site's problem, not the article's
    assert imprint(check(text, channel="blog", kind="article", path=str(post))) == []
    home = tmp_path / "index.md"
    home.write_text("---\ntitle: Start\n---\nWillkommen im Blog.\n", encoding="utf-8")
    page = home.read_text(encoding="utf-8")
    [f] = imprint(check(page, channel="blog", kind="article", path=str(home)))
    assert spans([f], page) == [("PG301", "Willkommen im Blog.")]  # the body's first line, not the title
    assert "Website" in f.message and "layout_url" in f.message
    # a home page that links the imprint passes
    linked = page + "\n[Impressum](https://www.nordkap.example/impressum)\n"
    assert imprint(check(linked, channel="blog", kind="article", path=str(home))) == []


def test_each_article_asks_every_article_of_a_site_for_its_own_link(tmp_path: Path) -> None:
    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.pipeline import lint

    post = _site(tmp_path / "site", "impressum.md")
    pack = tmp_path / "strict.toml"
    pack.write_text("[imprint]\neach_article = true\n", encoding="utf-8")
    engine = Engine(Config(packs=(EXAMPLE_PACK, pack)), use_cache=False)
    text = post.read_text(encoding="utf-8")
    found = lint(engine, text, channel="blog", kind="article", path=str(post), now=NOW).findings
    assert [f.rule_id for f in imprint(found)] == ["PG301"]


def test_a_pasted_article_without_a_file_still_needs_its_link(check) -> None:  # type: ignore[no-untyped-def]
    found = imprint(check("Wir waren wandern.", channel="blog", kind="article"))
    assert [f.rule_id for f in found] == ["PG301"]


def test_layout_url_covers_articles_not_profiles(tmp_path: Path) -> None:
    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.pipeline import lint

    pack = tmp_path / "site.toml"
    pack.write_text('[imprint]\nlayout_url = "https://www.nordkap.example/impressum"\n', encoding="utf-8")
    engine = Engine(Config(packs=(EXAMPLE_PACK, pack)), use_cache=False)
    text = "Wir waren wandern."
    assert imprint(lint(engine, text, channel="blog", kind="article", now=NOW).findings) == []
    found = lint(engine, text, channel="blog", kind="profile", now=NOW).findings
    assert [f.rule_id for f in imprint(found)] == ["PG301"]


def test_a_pack_replaces_or_extends_the_default_vocabulary(tmp_path: Path) -> None:
    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.pipeline import lint

    text = f"Nordkap Outdoor\nRechtliches: {IMPRINT}\nInfo: {IMPRINT}"
    for body, expected in (
        ('[imprint]\nweak_labels = ["Rechtliches"]\n', ["Rechtliches", "Info"]),  # extends
        ('[imprint]\nweak_labels = ["Rechtliches"]\nreplace = ["weak_labels"]\n', ["Rechtliches"]),
    ):
        pack = tmp_path / "vocab.toml"
        pack.write_text(body, encoding="utf-8")
        engine = Engine(Config(packs=(EXAMPLE_PACK, pack)), use_cache=False)
        found = imprint(lint(engine, text, channel="instagram-brand", kind="profile", now=NOW).findings)
        assert [f.match for f in found if f.rule_id == "PG302"] == expected
