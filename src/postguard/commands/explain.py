"""``postguard explain``: what a rule checks, why it matters and how to fix it, in English or German."""

from __future__ import annotations

from pathlib import Path

import click

from postguard.commands.common import config_for


@click.command()
@click.argument("rule")
@click.option(
    "--lang", type=click.Choice(("en", "de")), default="en", show_default=True, help="Language of the text."
)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file.")
def explain(rule: str, lang: str, config_path: str | None) -> None:
    """Explain a rule: what it checks, why it matters, how to fix it."""
    from postguard.engine import Engine

    engine = Engine(config_for(config_path, Path.cwd()))
    ids = sorted(engine.resolve(rule))
    heads = {
        "en": ("What it checks", "Why it matters", "How to fix it", "Example"),
        "de": ("Was geprüft wird", "Warum es wichtig ist", "Was zu tun ist", "Beispiel"),
    }[lang]
    for n, rid in enumerate(ids):
        r = engine.rules[rid]
        d = r.doc(lang)
        if n:
            click.echo("")
        click.echo(f"{r.id} {r.name} ({r.category}, default severity {r.severity.value})")
        click.echo(f"{d.name}\n")
        click.echo(f"{heads[0]}:\n  {d.what}\n")
        click.echo(f"{heads[1]}:\n  {d.why}\n")
        click.echo(f"{heads[2]}:\n  {d.fix}")
        if d.example:
            click.echo(f"\n{heads[3]}:\n  {d.example}")
