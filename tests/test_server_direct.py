"""The check endpoints the guard calls directly answer as through Starlette's routing (real socket)."""

from __future__ import annotations

import json
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st

from conftest_server import ServerProcess
from postguard.server.guard import CHROMIUM_EXTENSION_ID
from postguard.server.responses import json_bytes

pytest_plugins = ("conftest_server",)

EXTENSION = f"chrome-extension://{CHROMIUM_EXTENSION_ID}"
QUERY = {"language": "de-DE", "text": "Stolz auf das Sturmvogel-Team!"}


def _headers(r: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in r.headers.items() if k != "date"}


def test_a_direct_check_carries_the_same_headers_as_one_routed_by_starlette(server: ServerProcess) -> None:
    # GET /v2/check goes straight from the guard to the endpoint; HEAD, for which the guard has no
    # direct entry, reaches the same endpoint through Starlette's router (a GET route answers HEAD)
    direct = server.client.get("/v2/check", params=QUERY, headers={"Origin": EXTENSION})
    routed = server.client.head("/v2/check", params=QUERY, headers={"Origin": EXTENSION})
    assert direct.status_code == routed.status_code == 200
    assert _headers(direct) == _headers(routed)
    assert direct.headers["access-control-allow-origin"] == EXTENSION
    assert direct.headers["x-content-type-options"] == "nosniff"
    assert direct.headers["cache-control"] == "no-store"
    assert direct.headers["content-type"] == "application/json"
    assert [m["rule"]["id"] for m in direct.json()["matches"]] == ["PG101"]


def test_a_direct_check_refusal_is_answered_with_the_guard_headers(server: ServerProcess) -> None:
    r = server.client.post(
        "/v1/check", content=b"{not json", headers={"Origin": EXTENSION, "Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert r.json() == {"error": 'the body is not valid JSON (expected {"text": ...})', "status": 400}
    assert r.headers["access-control-allow-origin"] == EXTENSION
    assert r.headers["x-content-type-options"] == "nosniff"
    lt = server.client.get("/v2/check", params={"language": "xx", "text": "Hallo"})
    assert lt.status_code == 400 and lt.text.startswith("Error: ")
    assert lt.headers["content-security-policy"] == "frame-ancestors 'none'"


_JSON: Any = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(0, 1).map(lambda x: round(x, 3))  # confidences (orjson writes 1e16, json 1e+16)
    | st.text(st.characters(blacklist_categories=("Cs",))),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(st.characters(blacklist_categories=("Cs",))), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_JSON)
def test_answers_are_encoded_as_compact_utf8_json(data: Any) -> None:
    assert json_bytes(data) == json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
