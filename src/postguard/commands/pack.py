"""``postguard pack``: tools for the authors of rule packs (``pack check``: the pack doctor)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from postguard.commands.common import EXIT_CLEAN, EXIT_FINDINGS
from postguard.model import Severity

if TYPE_CHECKING:
    from postguard.engine import Engine


@click.group()
def pack() -> None:
    """Check, build and sign rule packs."""


@pack.command("check")
@click.argument("pack_file", metavar="PACK.toml", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), help="Config file (for the self-tests)."
)
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice(("error", "warning")),
    default="warning",
    show_default=True,
    help="Lowest severity of a problem that makes the exit code 1.",
)
@click.option("--now", "now_opt", help="Judge embargoes and windows at this time (ISO 8601).")
@click.option(
    "--min-zipf",
    type=click.FloatRange(0, 8),
    default=2.5,
    show_default=True,
    help="Word frequency (Zipf) from which a term counts as an everyday word.",
)
def check(
    pack_file: Path, config_path: str | None, fmt: str, fail_on: str, now_opt: str | None, min_zipf: float
) -> None:
    """The pack doctor: everyday words without context, one-language context, colliding aliases,
    terms that never match, lifted embargoes, and the pack's own [[test]] drafts.

    \b
    Exit codes: 0 nothing at --fail-on or above, 1 something, 2 the pack is invalid.
    Examples:
      postguard pack check rules/acme.toml
      postguard pack check rules/acme.toml --format json --fail-on error
    """
    from postguard.config import load_config
    from postguard.doctor import diagnose
    from postguard.errors import ConfigError
    from postguard.pipeline import parse_moment

    if not pack_file.is_file():
        raise ConfigError("rule pack not found", path=str(pack_file))
    config = load_config(Path(config_path) if config_path else None, start=pack_file.resolve().parent)
    now = parse_moment(now_opt, "--now") if now_opt else None
    result = diagnose(pack_file.resolve(), config, now=now, min_zipf=min_zipf)
    threshold = Severity(fail_on)
    failing = [p for p in result.problems if p.severity.rank >= threshold.rank]
    passed = sum(1 for t in result.tests if t.passed)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "pack": str(pack_file),
                    "problems": [
                        {"code": p.code, "severity": p.severity.value, "key": p.key, "message": p.message}
                        for p in result.problems
                    ],
                    "tests": {"passed": passed, "failed": len(result.tests) - passed},
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for p in result.problems:
            head, *rest = p.message.splitlines()
            click.echo(f"{pack_file}: {p.key}: {p.severity.value}: {head} [{p.code}]")
            for line in rest:
                click.echo(f"    {line.strip()}")
        n = len(result.problems)
        summary = f"{n} problem{'s' if n != 1 else ''}" if n else "No problems"
        if result.tests:
            summary += (
                f"; {passed} of {len(result.tests)} self-test{'s' if len(result.tests) != 1 else ''} passed"
            )
        click.echo(f"{summary} in {pack_file}.")
    sys.exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


def echo_packs(engine: Engine) -> None:
    """The loaded packs, for ``postguard rules``: name, version, where from and how old."""
    from postguard.rulepacks.status import describe_age, pack_status

    click.echo("\nRule packs:")
    for p in pack_status(engine.packs, engine.config.remote_packs):
        version = f" {p['version']}" if p["version"] else ""
        error = f"; last fetch failed: {p['error']}" if p.get("error") else ""
        click.echo(f"  {p['name']}{version}  ({p['source']}, {describe_age(p['age_seconds'])}{error})")


@pack.command("keygen")
@click.option(
    "-o",
    "--output",
    "secret",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("postguard-pack.key"),
    show_default=True,
    help="Secret key file to write (the public key goes beside it as .pub).",
)
@click.option(
    "--password-env", metavar="VAR", help="Encrypt the secret key with the password in this variable."
)
def keygen(secret: Path, password_env: str | None) -> None:
    """Make a minisign key pair for signing packs (minisign -G does the same).

    Prints the public key to put into `pack_keys`. Keep the secret key off the laptops the pack
    goes to; without --password-env it is stored unencrypted (mode 0600).
    """
    import os

    from postguard.errors import UsageError
    from postguard.rulepacks.signing import generate_keypair

    public = secret.with_suffix(".pub")
    for f in (secret, public):
        if f.exists():
            raise UsageError(f"{f} exists: refusing to overwrite a key")
    password = os.environ.get(password_env) if password_env else None
    if password_env and not password:
        raise UsageError(f"--password-env: ${password_env} is empty or not set")
    key = generate_keypair(secret, public, password)
    click.echo(f"Wrote {secret} (secret) and {public} (public). In postguard.toml:")
    click.echo(f'pack_keys = ["{key}"]')


@pack.command("sign")
@click.argument(
    "pack_file", metavar="PACK.toml", type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option(
    "-k",
    "--key",
    "key_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    required=True,
    help="minisign secret key (from `postguard pack keygen` or `minisign -G`).",
)
@click.option("--password-env", metavar="VAR", help="The secret key's password is in this variable.")
def sign(pack_file: Path, key_file: Path, password_env: str | None) -> None:
    """Sign a pack: writes PACK.toml.minisig, which `minisign -V` verifies too.

    The pack is validated first: a pack postguard would refuse is never signed.
    """
    import os

    from postguard.engine import Engine
    from postguard.rulepacks.signing import load_secret_key, sign_pack

    Engine().validate_pack(pack_file)
    password = os.environ.get(password_env) if password_env else None
    if password is None and password_env is None and _encrypted(key_file):
        password = click.prompt("Password of the secret key", hide_input=True, err=True)
    key = load_secret_key(key_file, password)
    out = sign_pack(pack_file, key)
    click.echo(f"Wrote {out}.")


def _encrypted(key_file: Path) -> bool:
    from postguard.errors import ConfigError
    from postguard.rulepacks.signing import load_secret_key

    try:
        load_secret_key(key_file, None)
    except ConfigError as exc:
        return "encrypted" in str(exc)
    return False


@pack.command("build")
@click.argument("source", metavar="SRC.toml", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Hashed pack to write.",
)
def build(source: Path, output: Path) -> None:
    """Write a hashed pack: every term, alias, context word, allow phrase and host a salted hash.

    It finds what SRC.toml finds; its messages quote only the draft ("a protected codename") and the
    pack's notes, which must not name the terms. [[test]] drafts are dropped, patterns ship as
    written. Hashing stops casual reading, not a dictionary attack: see docs/rule-packs.md.
    """
    import tomllib

    from postguard.engine import Engine
    from postguard.errors import ConfigError, UsageError
    from postguard.rulepacks.hashbuild import build_hashed, dumps

    engine = Engine()
    engine.validate_pack(source)
    raw = tomllib.loads(source.read_text(encoding="utf-8"))
    if "hashed" in raw:
        raise UsageError(f"{source} is already a hashed pack")
    if output.resolve() == source.resolve():
        raise UsageError("--output must not be the source pack")
    try:
        data, warnings = build_hashed(raw)
    except ValueError as exc:
        raise ConfigError(str(exc), path=str(source)) from None
    header = (
        f"# Hashed rule pack, built by `postguard pack build` from {source.name}.\n"
        "# Terms, aliases, context words, allow phrases and hosts are salted HMAC-SHA256 hashes.\n\n"
    )
    output.write_text(header + dumps(data), encoding="utf-8")
    engine.validate_pack(output)
    for w in warnings:
        click.echo(f"postguard: warning: {w}", err=True)
    n = sum(len(e.get("hashed_terms", [])) for e in data.get("confidential", []))
    n += sum(1 + len(e.get("hashed_aliases", [])) for e in data.get("embargo", []))
    click.echo(f"Wrote {output}: {n} terms and names hashed.")
