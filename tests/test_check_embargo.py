"""The embargo check (PG201): an error before the lift, in the reader's language; nothing after."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import spans

LIFT = datetime(2027, 5, 4, 7, 0, tzinfo=UTC)  # 09:00 in Berlin


def test_before_the_lift_german(check) -> None:  # type: ignore[no-untyped-def]
    text = "🚀 Der Trekker T5 kommt bald, wir freuen uns!"
    [f] = check(text, now=datetime(2027, 5, 1, 9, 0, tzinfo=UTC))
    assert (f.rule_id, f.severity.value, text[f.start : f.end]) == ("PG201", "error", "Trekker T5")
    assert "Sperrfrist bis 4. Mai 2027, 09:00 Uhr (UTC+02:00)" in f.message
    assert "noch 2 Tage" in f.message


def test_before_the_lift_english_hours(check) -> None:  # type: ignore[no-untyped-def]
    text = "Sneak peek of the #TrekkerT5, coming soon to our shop!"
    [f] = check(text, now=datetime(2027, 5, 4, 4, 30, tzinfo=UTC))
    assert f.match == "TrekkerT5"
    assert "under embargo until 4 May 2027, 09:00 (UTC+02:00)" in f.message
    assert "2 h 30 min to go" in f.message


def test_after_the_lift_nothing(check) -> None:  # type: ignore[no-untyped-def]
    assert check("Der Trekker T5 ist da!", now=LIFT) == []
    assert check("Der Trekker T5 ist da!", now=datetime(2027, 6, 1, tzinfo=UTC)) == []


def test_scheduled_post_is_judged_at_publication(check) -> None:  # type: ignore[no-untyped-def]
    text = "Der Nordkap Trekker T5 ist da!"
    early = datetime(2026, 12, 1, tzinfo=UTC)
    assert check(text, now=early, publish_at=datetime(2027, 5, 4, 7, 0, tzinfo=UTC)) == []
    [f] = check(text, now=early, publish_at=datetime(2027, 5, 3, 7, 0, tzinfo=UTC))
    assert spans([f], text) == [("PG201", "Nordkap Trekker T5")]
    assert "geplant" in f.message and "24 Std." in f.message


def test_aliases_and_a_date_only_embargo(check) -> None:  # type: ignore[no-untyped-def]
    text = "Preview: our Fall Collection 2027 and the Kollektion Herbst 2027."
    found = check(text, now=datetime(2027, 2, 28, 22, 59, tzinfo=UTC))
    assert spans(found, text) == [("PG201", "Fall Collection 2027"), ("PG201", "Kollektion Herbst 2027")]
    assert check(text, now=datetime(2027, 2, 28, 23, 0, tzinfo=UTC)) == []  # 00:00 in Berlin


def test_neighbouring_model_is_not_embargoed(check) -> None:  # type: ignore[no-untyped-def]
    assert check("Der Trekker T4 bleibt im Programm.", now=datetime(2027, 1, 1, tzinfo=UTC)) == []
