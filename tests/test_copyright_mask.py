"""copyright's ``mask``: the spans blanked with NUL, offsets kept, whatever their order and overlaps."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from postguard.checks.copyright.common import mask


def _by_characters(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        chars[a:b] = "\x00" * (b - a)
    return "".join(chars)


@given(st.text(max_size=60).flatmap(lambda t: st.tuples(
    st.just(t),
    st.lists(st.tuples(st.integers(0, len(t)), st.integers(0, len(t))).map(lambda s: (min(s), max(s))), max_size=6),
)))  # fmt: skip
def test_mask_blanks_what_a_character_list_would(case: tuple[str, list[tuple[int, int]]]) -> None:
    text, spans = case
    assert mask(text, spans) == _by_characters(text, spans)
    assert len(mask(text, spans)) == len(text)
