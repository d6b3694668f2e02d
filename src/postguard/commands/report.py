"""``postguard report``: what the local log of overrides and false-positive reports holds.

The extension and the paste page record there (through ``postguard serve``) each "post anyway"
with its reason and each "this is wrong". The log never holds a draft or the matched words (only
their salted fingerprint), so the summary can be sent to compliance as it is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--log-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of the log (default: POSTGUARD_DATA_DIR or ~/.local/share/postguard).",
)
@click.option("--clear", is_flag=True, help="Delete the log after printing it.")
def report(fmt: str, log_dir: Path | None, clear: bool) -> None:
    """Summarise the local log of overrides ("post anyway") and false-positive reports."""
    from postguard import overrides

    entries = overrides.read(log_dir)
    data = overrides.summary(entries)
    data["log"] = str(overrides.log_path(log_dir))
    click.echo(json.dumps(data, ensure_ascii=False, indent=2) if fmt == "json" else _text(data))
    if clear:
        overrides.clear(log_dir)
        click.echo(f"Cleared {len(entries)} entries.", err=True)


def _text(data: dict[str, Any]) -> str:
    if not data["total"]:
        return f"No overrides or reports recorded ({data['log']})."
    actions = data["actions"]
    lines = [
        f"{data['total']} entries from {data['first']} to {data['last']}: "
        f"{actions['override']} overrides (posted anyway), {actions['false_positive']} reported as wrong",
        "",
        "By rule:            overrides  reported wrong",
    ]
    for rule_id, counts in data["rules"].items():
        lines.append(f"  {rule_id:<16} {counts['override']:>10} {counts['false_positive']:>15}")
    lines += ["", "By site:"]
    lines += [f"  {site or '(none)':<30} {count:>5}" for site, count in data["sites"].items()]
    lines += ["", "Entries (time, action, rule, term fingerprint, site: reason):"]
    for e in data["entries"]:
        action = "override" if e["action"] == "override" else "wrong"
        reason = f": {e['reason']}" if e["reason"] else ""
        lines.append(
            f"  {e['time']}  {action:<8} {e['rule_id']:<7} {e['term'] or '-':<16} {e['site']}{reason}"
        )
    lines += ["", f"Log: {data['log']}"]
    return "\n".join(lines)
