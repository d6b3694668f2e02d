"""The LanguageTool v2 layer: the real ``language_tool_python`` client and raw requests, over a real socket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import language_tool_python
import pytest

from conftest_server import ServerProcess, utf16_slice
from postguard.languagetool import context_of, parse_annotation, sentence_of
from postguard.model import Finding, Severity

pytest_plugins = ("conftest_server",)

DE = "Wir sind stolz auf das Sturmvogel-Team. Der Trekker T5 kommt im Mai."
EN = "We are proud of the Sturmvogel team. The Trekker T5 launches in May."


@pytest.fixture(scope="module")
def tool_de(server: ServerProcess) -> Iterator[Any]:
    tool = language_tool_python.LanguageTool("de-DE", remote_server=server.url)
    yield tool
    tool.close()


def lt_check(server: ServerProcess, **params: str) -> dict[str, Any]:
    r = server.client.post("/v2/check", data=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


# -- the real client ---------------------------------------------------------------------------


def test_client_german_draft(tool_de: Any) -> None:
    matches = tool_de.check(DE)
    assert [(m.rule_id, DE[m.offset : m.offset + m.error_length]) for m in matches] == [
        ("PG101", "Sturmvogel"),
        ("PG201", "Trekker T5"),
    ]
    codename = matches[0]
    assert codename.category == "CONFIDENTIAL"
    assert codename.rule_issue_type == "legal"
    assert codename.replacements == ["unser neues Projekt"]
    assert codename.sentence == "Wir sind stolz auf das Sturmvogel-Team."
    assert "Projektname" in codename.message
    assert codename.context[codename.offset_in_context :].startswith("Sturmvogel")


def test_client_english_draft(server: ServerProcess) -> None:
    tool = language_tool_python.LanguageTool("en-US", remote_server=server.url)
    try:
        matches = tool.check(EN)
    finally:
        tool.close()
    assert [(m.rule_id, EN[m.offset : m.offset + m.error_length]) for m in matches] == [
        ("PG101", "Sturmvogel"),
        ("PG201", "Trekker T5"),
    ]
    assert "codename" in matches[0].message.lower()
    assert matches[1].sentence == "The Trekker T5 launches in May."


def test_client_emoji_before_a_finding(tool_de: Any) -> None:
    text = "🚀🎉 Stolz auf das Sturmvogel-Team! 🏔️ Trekker T5 kommt."
    matches = tool_de.check(text)
    # the client converts UTF-16 offsets back to code points: they must land on the words
    assert [text[m.offset : m.offset + m.error_length] for m in matches] == ["Sturmvogel", "Trekker T5"]


def test_client_clean_draft_and_rule_switches(tool_de: Any) -> None:
    assert tool_de.check("Wir freuen uns auf den Sommer in den Bergen.") == []
    tool_de.disabled_rules = {"PG101"}
    try:
        assert [m.rule_id for m in tool_de.check(DE)] == ["PG201"]
    finally:
        tool_de.disabled_rules = set()
    tool_de.enabled_rules = {"PG101"}
    tool_de.enabled_rules_only = True
    try:
        assert [m.rule_id for m in tool_de.check(DE)] == ["PG101"]
    finally:
        tool_de.enabled_rules = set()
        tool_de.enabled_rules_only = False


def test_client_auto_language(server: ServerProcess) -> None:
    tool = language_tool_python.LanguageTool("auto", remote_server=server.url)
    try:
        assert [m.rule_id for m in tool.check(EN)] == ["PG101", "PG201"]
    finally:
        tool.close()


# -- raw requests -------------------------------------------------------------------------


def test_data_annotations_offsets_point_into_the_original(server: ServerProcess) -> None:
    annotation = [
        {"markup": '<p class="x">'},
        {"text": "🚀 Stolz auf das "},
        {"markup": "<b>"},
        {"text": "Sturmvogel"},
        {"markup": "</b>"},
        {"text": "-Team!"},
        {"markup": "</p>", "interpretAs": "\n\n"},
        {"markup": "<p>"},
        {"text": "Der Trekker "},
        {"markup": "<i>"},
        {"text": "T5"},
        {"markup": "</i>"},
        {"text": " kommt. Sturm"},
        {"markup": "<b>"},
        {"text": "vogel"},
        {"markup": "</b></p>"},
    ]
    original = "".join(part.get("text") or part.get("markup") or "" for part in annotation)
    body = lt_check(server, language="de-DE", data=json.dumps({"annotation": annotation}))
    spans = [utf16_slice(original, m["offset"], m["length"]) for m in body["matches"]]
    assert spans == ["Sturmvogel", "Trekker <i>T5", "Sturm<b>vogel"]
    assert [m["rule"]["id"] for m in body["matches"]] == ["PG101", "PG201", "PG101"]


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "application/json", "text/plain", None]
)
def test_form_body_is_parsed_whatever_the_content_type(
    server: ServerProcess, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    r = server.client.post(
        "/v2/check", content=b"language=de-DE&text=Das+Sturmvogel-Team+%F0%9F%9A%80", headers=headers
    )
    assert r.status_code == 200
    (m,) = r.json()["matches"]
    assert (m["offset"], m["length"]) == (4, 10)


def test_get_with_query_string_and_query_merging(server: ServerProcess) -> None:
    r = server.client.get("/v2/check", params={"language": "en-US", "text": "🚀 Sturmvogel"})
    (m,) = r.json()["matches"]
    assert (m["offset"], m["length"]) == (3, 10)
    # query parameters merge into a POST body
    r = server.client.post("/v2/check?language=de", data={"text": "Sturmvogel"})
    assert r.json()["language"]["code"] == "de"


def test_match_shape(server: ServerProcess) -> None:
    prefix = "Ein langer Satz ohne Befund, der nur Platz schafft. Und noch mehr Text davor, "
    text = prefix + "das Sturmvogel-Team und danach noch genug Wörter, damit der Kontext abgeschnitten wird."
    body = lt_check(server, language="de-DE", text=text)
    assert body["software"]["name"] == "postguard" and body["software"]["apiVersion"] == 1
    assert body["warnings"] == {"incompleteResults": False}
    assert body["language"]["name"] == "German (Germany)" and body["language"]["code"] == "de-DE"
    assert body["language"]["detectedLanguage"]["code"] == "de"
    (m,) = body["matches"]
    assert m["offset"] == len(prefix) + 4 and m["length"] == 10
    ctx = m["context"]
    assert len(ctx["text"]) == 40 + 10 + 40
    assert ctx["text"][ctx["offset"] : ctx["offset"] + ctx["length"]] == "Sturmvogel"
    assert (
        m["sentence"]
        == "Und noch mehr Text davor, das Sturmvogel-Team und danach noch genug Wörter, damit der "
        "Kontext abgeschnitten wird."
    )
    assert m["type"] == {"typeName": "Other"}
    assert m["rule"]["category"] == {"id": "CONFIDENTIAL", "name": "Vertrauliches"}
    assert m["rule"]["issueType"] == "legal"
    assert m["rule"]["description"] == "Interner Projektname"
    assert m["replacements"] == [{"value": "unser neues Projekt"}]
    assert m["ignoreForIncompleteSentence"] is False


def test_categories_and_enabled_only(server: ServerProcess) -> None:
    ids = lambda body: [m["rule"]["id"] for m in body["matches"]]  # noqa: E731
    assert ids(lt_check(server, language="de", text=DE, disabledCategories="confidential")) == ["PG201"]
    assert ids(lt_check(server, language="de", text=DE, disabledCategories="EMBARGO")) == ["PG101"]
    assert ids(lt_check(server, language="de", text=DE, enabledCategories="embargo", enabledOnly="true")) == [
        "PG201"
    ]
    assert ids(lt_check(server, language="de", text=DE, disabledRules="PG201,MORFOLOGIK_RULE_DE_DE")) == [
        "PG101"
    ]


def test_other_endpoints(server: ServerProcess) -> None:
    languages = server.client.get("/v2/languages").json()
    codes = {entry["longCode"] for entry in languages}
    assert {"de-DE", "en-US", "de", "en"} <= codes
    assert all(entry["code"] in ("de", "en") for entry in languages)
    assert server.client.get("/v2/info").json()["software"]["name"] == "postguard"
    health = server.client.get("/v2/healthcheck")
    assert health.text == "OK" and health.headers["content-type"].startswith("text/plain")
    assert server.client.get("/v2/maxtextlength").text == "100000"


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"text": "x"}, "missing 'language'"),
        ({"language": "fr-FR", "text": "x"}, "not supported"),
        ({"language": "de"}, "exactly one"),
        ({"language": "de", "text": "x", "data": "{}"}, "exactly one"),
        ({"language": "de", "data": "[]"}, "'annotation' array"),
    ],
)
def test_errors_are_plain_text(server: ServerProcess, params: dict[str, str], needle: str) -> None:
    r = server.client.post("/v2/check", data=params)
    assert r.status_code == 400
    assert r.text.startswith("Error: ") and needle in r.text


# -- pure helpers ---------------------------------------------------------------------------


def test_parse_annotation_maps_interpret_as_and_markup() -> None:
    source, ext = parse_annotation(
        json.dumps({"annotation": [{"text": "A"}, {"markup": "<br/>", "interpretAs": "\n"}, {"text": "B"}]})
    )
    assert source == "A<br/>B"
    assert ext.text == "A\nB"
    assert ext.offsets.span_to_source(2, 3) == (6, 7)
    assert ext.offsets.span_to_source(0, 3) == (0, 7)


def test_whole_text_finding_still_gets_a_non_empty_span() -> None:
    from postguard.languagetool import match_dict

    f = Finding(
        rule_id="PG301", category="imprint", severity=Severity.WARNING, message="m", start=5, end=5, match=""
    )
    m = match_dict(f, "Hallo", None, "de")
    assert (m["offset"], m["length"]) == (4, 1)


def test_sentence_and_context_helpers() -> None:
    text = "Erster Satz. Zweiter Satz mit Wort! Dritter.\nNeue Zeile"
    start = text.index("Wort")
    assert sentence_of(text, start, start + 4) == "Zweiter Satz mit Wort!"
    assert sentence_of(text, text.index("Zeile"), len(text)) == "Neue Zeile"
    ctx = context_of("🚀 Wort", 2, 6)
    assert ctx == {"text": "🚀 Wort", "offset": 3, "length": 4}
