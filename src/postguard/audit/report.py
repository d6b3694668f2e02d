"""The audit's HTML report: one self-contained file (inline CSS and SVG, no script, no network).

It shows counts, not the posts: matched text stays in ``findings.parquet`` / ``findings.jsonl``,
so the report can be passed around more freely than the findings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

COLOURS = {
    "confidential": "#c0392b",
    "embargo": "#d68910",
    "imprint": "#2471a3",
    "copyright": "#7d3c98",
    "disclosure": "#17a589",
}
OTHER = "#7f8c8d"

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem}
.card b{display:block;font-size:1.4rem}.legend span{display:inline-block;margin-right:1rem}
.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
svg text{font:11px system-ui,sans-serif;fill:#333}small{color:#666}
"""


def colour(category: str) -> str:
    return COLOURS.get(category, OTHER)


def render(summary: Mapping[str, object], info: Mapping[str, str]) -> str:
    """The report for a summary (``postguard.audit.outputs.summarise``) and run facts (``info``)."""
    s = summary
    cards = [
        ("documents audited", s["documents"]),
        ("findings", s["findings"]),
        ("documents with findings", s["documents_with_findings"]),
        ("failed documents", s["failed"]),
        ("outside --since/--until or empty", s["skipped"]),
    ]
    by_month = _mapping(s["by_month"])
    categories = sorted({c for counts in by_month.values() for c in _mapping(counts)})
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>postguard audit: {escape(info.get('title', 'report'))}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>postguard audit</h1>",
        "<p>" + " · ".join(f"{escape(k)}: {escape(v)}" for k, v in info.items() if k != "title") + "</p>",
        "<div class='cards'>"
        + "".join(f"<div class='card'><b>{_n(v)}</b>{escape(k)}</div>" for k, v in cards)
        + "</div>",
        "<h2>Findings per month, by category</h2>",
        "<p class='legend'>"
        + "".join(f"<span><i style='background:{colour(c)}'></i>{escape(c)}</span>" for c in categories)
        + "</p>",
        month_chart(by_month),
        "<h2>Top rules</h2>",
        rule_chart(_rows(s["by_rule"])),
        "<h2>Worst documents</h2>",
        _worst(_rows(s["worst_documents"])),
        "<h2>Findings by source</h2>",
        _table(
            ("source", "findings"), [(k, _n(v)) for k, v in _mapping(s["by_source"]).items()], numeric={1}
        ),
        "<p><small>Matched text is not shown here; it is in findings.parquet and findings.jsonl. "
        "Failed documents and their reasons are in failures.jsonl.</small></p>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def month_chart(by_month: Mapping[str, object], height: int = 220) -> str:
    """A stacked bar per month (``unknown``: posts without a time, last)."""
    months = _every_month(by_month)
    if not months:
        return "<p>No findings.</p>"
    totals = [sum(_int(v) for v in _mapping(by_month.get(m)).values()) for m in months]
    top = max(totals) or 1
    bar, gap, left, bottom = 22, 6, 44, 64
    width = left + len(months) * (bar + gap) + 50
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height + bottom}' role='img' "
           "aria-label='findings per month by category'>"]  # fmt: skip
    for tick in _ticks(top):
        y = height - tick / top * (height - 10)
        out.append(f"<line x1='{left - 4}' x2='{width}' y1='{y:.1f}' y2='{y:.1f}' stroke='#eee'/>")
        out.append(f"<text x='{left - 6}' y='{y + 4:.1f}' text-anchor='end'>{tick}</text>")
    for i, month in enumerate(months):
        x = left + i * (bar + gap)
        y = float(height)
        for category, count in sorted(_mapping(by_month.get(month)).items()):
            h = _int(count) / top * (height - 10)
            y -= h
            out.append(
                f"<rect x='{x}' y='{y:.1f}' width='{bar}' height='{h:.1f}' fill='{colour(category)}'>"
                f"<title>{escape(month)} {escape(category)}: {_int(count)}</title></rect>"
            )
        out.append(
            f"<text transform='translate({x + bar / 2 + 4},{height + 6}) rotate(60)'>{escape(month)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _every_month(by_month: Mapping[str, object]) -> list[str]:
    """The months from the first to the last with findings, none left out; ``unknown`` last."""
    known = sorted(m for m in by_month if m != "unknown")
    months = []
    if known:
        year, month = map(int, known[0].split("-"))
        while f"{year:04d}-{month:02d}" <= known[-1]:
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months + (["unknown"] if "unknown" in by_month else [])


def rule_chart(rules: Sequence[Mapping[str, object]], top: int = 15) -> str:
    """Horizontal bars for the rules with the most findings."""
    rules = list(rules)[:top]
    if not rules:
        return "<p>No findings.</p>"
    most = max(_int(r["findings"]) for r in rules) or 1
    label, width, row = 260, 420, 22
    size = f"width='{label + width + 70}' height='{row * len(rules) + 4}'"
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' {size} role='img' aria-label='top rules'>"]
    for i, r in enumerate(rules):
        n = _int(r["findings"])
        y = i * row + 2
        w = max(1.0, n / most * width)
        name = f"{r['rule_id']} {r['rule_name']}"
        out.append(f"<text x='{label - 6}' y='{y + 14}' text-anchor='end'>{escape(name)}</text>")
        out.append(f"<rect x='{label}' y='{y + 3}' width='{w:.1f}' height='{row - 6}' fill='#2471a3'/>")
        out.append(f"<text x='{label + w + 4:.1f}' y='{y + 14}'>{n}</text>")
    out.append("</svg>")
    return "".join(out)


def _worst(docs: Sequence[Mapping[str, object]]) -> str:
    rows = []
    for d in docs:
        name = escape(str(d["document"]))
        url = d.get("url")
        shown = (
            f"<a href='{escape(str(url))}'>{name}</a>"
            if isinstance(url, str) and url.startswith("http")
            else name
        )
        sev = ", ".join(f"{n} {k}" for k, n in _mapping(d["by_severity"]).items())
        rules = ", ".join(str(r) for r in _list(d["rules"]))
        rows.append((shown, escape(str(d["source"])), _n(d["findings"]), escape(sev), escape(rules)))
    return _table(("document", "source", "findings", "severity", "rules"), rows, numeric={2}, raw=True)


def _table(
    head: Sequence[str], rows: Sequence[Sequence[str]], *, numeric: set[int], raw: bool = False
) -> str:
    if not rows:
        return "<p>None.</p>"
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='n'>{c}</td>" if i in numeric else f"<td>{c if raw else escape(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{th}</tr>{body}</table>"


def _ticks(top: int) -> list[int]:
    step = max(1, top // 4)
    return list(range(0, top + 1, step))


def _n(value: object) -> str:
    return f"{_int(value):,}"


def _int(value: object) -> int:
    return value if isinstance(value, int) else int(str(value))


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


def _rows(value: object) -> list[Mapping[str, object]]:
    return [v for v in _list(value) if isinstance(v, Mapping)]
