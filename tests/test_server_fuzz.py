"""Fuzzing the served API (issue 19): schemathesis from /openapi.json, Hypothesis on both check endpoints.

Short runs here; ``python bench/fuzz_server.py`` runs the same properties longer.
Zero 5xx: whatever arrives, the server answers 2xx or 4xx in the documented shape.
"""

from __future__ import annotations

import json
import os
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from conftest_server import ServerProcess

pytest_plugins = ("conftest_server",)

#: Examples per property: 30 in the suite; bench/fuzz_server.py sets more.
EXAMPLES = int(os.environ.get("POSTGUARD_FUZZ_EXAMPLES", "30"))
SHORT = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="session")
def api_schema(server: ServerProcess) -> Any:
    return schemathesis.openapi.from_url(f"{server.url}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@SHORT
def test_every_operation_answers_as_documented_and_never_5xx(case: Any, server: ServerProcess) -> None:
    # positive_data_acceptance expects 2xx for any schema-valid body, but channels and rule ids are the
    # packs' (an unknown one is a documented 400) and the schema cannot list them
    case.call_and_validate(base_url=server.url, excluded_checks=[positive_data_acceptance])


#: Text that has broken tokenizers and offset maps: emoji, combining marks, surrogates' neighbours.
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("!😀\u0301 \n#@.-"),
    max_size=300,
)
FIELD = (
    st.none() | st.text(max_size=20) | st.integers() | st.booleans() | st.sampled_from(["de", "en", "auto"])
)


@SHORT
@given(
    body=st.fixed_dictionaries(
        {"text": TEXT | FIELD},
        optional={"lang": FIELD, "kind": FIELD, "channel": FIELD, "publish_at": FIELD},
    )
)
def test_v1_check_never_fails_on_any_json_body(server: ServerProcess, body: dict[str, Any]) -> None:
    r = server.client.post("/v1/check", content=json.dumps(body))
    assert r.status_code in (200, 400, 413), r.text
    if r.status_code == 200:
        text = body["text"]
        for f in r.json()["findings"]:
            assert text[f["start"] : f["end"]] == f["match"]
    else:
        assert set(r.json()) == {"error", "status"}


ANNOTATION = st.lists(
    st.one_of(
        st.fixed_dictionaries({"text": TEXT}),
        st.fixed_dictionaries(
            {"markup": st.text(max_size=20)}, optional={"interpretAs": st.text(max_size=5)}
        ),
        st.dictionaries(st.text(max_size=8), FIELD, max_size=3),
    ),
    max_size=6,
)


@SHORT
@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            "text": TEXT,
            "data": ANNOTATION.map(lambda a: json.dumps({"annotation": a})) | st.text(max_size=30),
            "language": st.sampled_from(["de", "de-DE", "en-US", "auto", "xx", ""]),
            "enabledRules": st.text(max_size=20),
            "disabledRules": st.sampled_from(["PG101", "PG101,PG201", ""]),
            "enabledOnly": st.sampled_from(["true", "false", "yes"]),
        },
    ),
    method=st.sampled_from(["GET", "POST"]),
)
def test_v2_check_never_fails_on_any_form(server: ServerProcess, params: dict[str, str], method: str) -> None:
    if method == "GET":
        r = server.client.get("/v2/check", params=params)
    else:
        r = server.client.post("/v2/check", data=params)
    assert r.status_code in (200, 400, 413), r.text
    if r.status_code != 200:
        assert r.text.startswith("Error: ")


def test_a_body_that_is_not_utf8_or_json_is_400(server: ServerProcess) -> None:
    for content in (b"\xff\xfe", b'{"text": "\\ud800"}', b"[]", b'{"text": 1}'):
        r = httpx.post(f"{server.url}/v1/check", content=content)
        assert r.status_code == 400, (content, r.text)


def test_the_openapi_says_language_is_required_as_the_server_does(server: ServerProcess) -> None:
    spec = server.client.get("/openapi.json").json()["paths"]["/v2/check"]
    [get_language] = [p for p in spec["get"]["parameters"] if p["name"] == "language"]
    form = spec["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert get_language["required"] is True and form["required"] == ["language"]
    assert server.client.get("/v2/check", params={"text": "Hallo"}).status_code == 400
    assert server.client.post("/v2/check", data={"text": "Hallo"}).status_code == 400
