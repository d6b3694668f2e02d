"""Wording shared by the checks: quoting and dates in the reader's language."""

from __future__ import annotations

from datetime import datetime, timedelta

_MONTHS = {
    "de": (
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def in_language(lang: str, *, en: str, de: str) -> str:
    """The German text when ``lang`` is ``de``, else the English (what ``ctx.message`` returns)."""
    return de if lang == "de" else en


def quote(text: str, lang: str) -> str:
    """``„text“`` in German, ``“text”`` in English."""
    return f"„{text}“" if lang == "de" else f"“{text}”"


def _offset(moment: datetime) -> str:
    off = moment.utcoffset() or timedelta(0)
    if not off:
        return "UTC"
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def format_date(moment: datetime, lang: str) -> str:
    month = _MONTHS[lang][moment.month - 1]
    return f"{moment.day}. {month} {moment.year}" if lang == "de" else f"{moment.day} {month} {moment.year}"


def format_moment(moment: datetime, lang: str) -> str:
    """``4. Mai 2027, 09:00 Uhr (UTC+02:00)`` / ``4 May 2027, 09:00 (UTC+02:00)``."""
    clock = f"{moment.hour:02d}:{moment.minute:02d}"
    if lang == "de":
        return f"{format_date(moment, lang)}, {clock} Uhr ({_offset(moment)})"
    return f"{format_date(moment, lang)}, {clock} ({_offset(moment)})"


def format_duration(delta: timedelta, lang: str) -> str:
    """``157 Tage`` / ``157 days``; hours and minutes under two days."""
    total = max(0, int(delta.total_seconds()))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days >= 2:
        return f"{days} Tage" if lang == "de" else f"{days} days"
    hours += days * 24
    if hours:
        return f"{hours} Std. {minutes} Min." if lang == "de" else f"{hours} h {minutes} min"
    minutes = max(minutes, 1)
    return f"{minutes} Min." if lang == "de" else f"{minutes} min"


def format_remaining(delta: timedelta, lang: str) -> str:
    """``noch 157 Tage`` / ``157 days to go``."""
    duration = format_duration(delta, lang)
    return f"noch {duration}" if lang == "de" else f"{duration} to go"


def under_embargo(what: str, until: datetime, moment: datetime, lang: str, *, scheduled: bool) -> str:
    """``“X” is under embargo until <when> (<remaining>).``, the one embargo sentence of all checks.

    ``what`` is already in the reader's language (a quoted name, "This picture"). For a post
    scheduled for ``moment`` it says how much too early that is instead of how long remains.
    """
    when = format_moment(until, lang)
    if scheduled:
        early = format_duration(until - moment, lang)
        planned = format_moment(moment, lang)
        if lang == "de":
            return (
                f"{what} steht unter Sperrfrist bis {when}; der Beitrag ist für {planned} geplant, "
                f"{early} zu früh."
            )
        return (
            f"{what} is under embargo until {when}; the post is scheduled for {planned}, {early} too early."
        )
    remaining = format_remaining(until - moment, lang)
    if lang == "de":
        return f"{what} steht unter Sperrfrist bis {when} ({remaining})."
    return f"{what} is under embargo until {when} ({remaining})."
