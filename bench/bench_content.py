"""Content-check alarms on real public Markdown repositories (issue 11): `python bench/bench_content.py`.

Runs `postguard check DIR --format json` over each corpus as articles on a business channel, with the
example company pack (rules/example-company.toml) plus a pack that declares that channel, and prints the
alarms (warning and error) of the imprint, copyright and disclosure checks per 1,000 documents, by rule.
`--sample N` prints N alarms per rule (file, line, match, message) to judge by hand; `--src DIR` runs
another checkout's postguard (a peer commit, e.g. a `git worktree` of main) over the same files.
`--max N` checks N documents per corpus, evenly spread (default 300; 0 for all). `--pack FILE` adds a
pack, e.g. the asset hosts a team would declare as its own (`[copyright] own_hosts`).
`--labels FILE` reads hand labels (tab-separated: rule, path relative to the corpora directory, line,
`risk` or `not`, a reason) and prints precision per rule over the alarms it labels, and every alarm it
does not label (so that they can be judged and added). The labels of the figures in docs/quality.md
are in /work/cache/content-labels.tsv (outside the repository: they quote the corpora's paths).

The corpora are exported outside the repository, into /work/cache/corpora (see DEVELOPERS.md):
nodejs.org's blog (English), de.react.dev's docs (German), CorrelAid's Hugo site (German and
English blog posts, its own imprint page), two Freifunk communities' Jekyll blogs (German), the
Serverless Framework's docs (serverless/serverless, docs/: English, no site configuration) and, not
used while tuning, Freifunk Berlin's Hugo site (freifunk-berlin/berlin.freifunk.net: content/,
hugo.toml, package.json), DENOG's site (denog/denog.github.io: de/, the root pages, _config.yml,
CNAME) and Hugo's docs (gohugoio/hugoDocs: content/, hugo.toml, package.json). The repositories'
root configuration files (package.json, _config.yml, config.toml, hugo.toml) are exported too:
the checks take the site's hosts and pages from them.
One `postguard check` runs over all of a corpus's documents, as a team's CI would: a site-wide pattern
(the site's own uncredited people photos, PG408) is reported once for the corpus, as postguard.sitewide
folds it; `--max N` below a corpus's size checks fewer files, so such counts shrink with the sample.
Figures go to docs/quality.md by hand; nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("POSTGUARD_CORPORA", "/work/cache/corpora"))
REPOS = {
    "nodejs.org": "nodejs.org/apps/site/pages/en",
    "de.react.dev": "de.react.dev/src/content",
    "correlaid": "correlaid",
    "freifunk": "freifunk-content",
    # Serverless Framework's docs (English): many `>` notes to the reader, the callouts of docs sites
    "serverless-docs": "serverless-docs",
    # unseen while the checks were tuned: Freifunk Berlin's Hugo site (German), fetched afterwards
    "freifunk-berlin": "freifunk-berlin",
    # unseen while the checks were tuned (third session): DENOG's Jekyll site (German network operators'
    # association: meetings, events, community blog) and Hugo's documentation (English)
    "denog": "denog",
    "hugo-docs": "hugo-docs",
    # unseen while the checks were tuned (fourth session): FOSSGIS e.V.'s Hugo site (German association for
    # free GIS software and OpenStreetMap: news, board, funding) and Prometheus's docs and blog (English)
    "fossgis": "fossgis-webseite",
    "prometheus-docs": "prometheus-docs",
}
SUFFIXES = (".md", ".mdx", ".markdown", ".html", ".htm")
CATEGORIES = ("imprint", "copyright", "disclosure")
CHANNEL_PACK = """[pack]
name = "bench channel"

[[channels]]
name = "content-repo"
business = true
platform = "web"
"""
NOW = "2026-11-28T12:00:00+01:00"
#: Below this many documents a rate per 1,000 says little (one alarm on 24 pages is 42 per 1,000): the
#: target of issue 11 (at most 20 per 1,000) is read as a count there, each alarm judged by hand.
MIN_DOCUMENTS = 100


def documents(path: Path, most: int) -> list[Path]:
    """The corpus's documents; every k-th of them when there are more than ``most`` (0: all)."""
    docs = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
    if most and len(docs) > most:
        step = len(docs) / most
        docs = [docs[int(i * step)] for i in range(most)]
    return docs


def run(src: Path, docs: list[Path], config: Path) -> tuple[list[dict[str, object]], float]:
    # A fresh pack cache: a cache written by other code would serve stale section parses.
    env = dict(os.environ, PYTHONPATH=str(src), POSTGUARD_CACHE_DIR=str(config.parent / "cache"))
    cmd = [
        sys.executable,
        "-m",
        "postguard",
        "check",
        *map(str, docs),
        "--format",
        "json",
        "--config",
        str(config),
    ]
    cmd += ["--channel", "content-repo", "--kind", "article", "--now", NOW, "--jobs", "2"]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - t0
    if out.returncode not in (0, 1, 2) or not out.stdout.strip():
        raise SystemExit(f"postguard failed: {out.stderr[-2000:]}")
    data = json.loads(out.stdout)
    findings: list[dict[str, object]] = []
    for report in data["results"]:
        for f in report.get("findings", ()):
            findings.append({**f, "path": report["path"]})
    return findings, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=0, help="print N alarms per rule to judge")
    parser.add_argument("--repo", action="append", help="only these corpora (names as in REPOS)")
    parser.add_argument("--src", default=str(ROOT / "src"), help="postguard source to run (a peer checkout)")
    parser.add_argument("--max", type=int, default=300, help="documents per corpus, evenly spread (0: all)")
    parser.add_argument("--labels", help="hand labels (TSV: rule, path, line, risk|not, reason)")
    parser.add_argument("--pack", action="append", default=[], help="another pack (a team's own hosts)")
    args = parser.parse_args()
    labels = read_labels(Path(args.labels)) if args.labels else None
    judged: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    with tempfile.TemporaryDirectory() as tmp:
        pack = Path(tmp) / "channel.toml"
        pack.write_text(CHANNEL_PACK, encoding="utf-8")
        config = Path(tmp) / "postguard.toml"
        packs = [ROOT / "rules" / "example-company.toml", pack, *(Path(p).resolve() for p in args.pack)]
        config.write_text(f"packs = {json.dumps([str(p) for p in packs])}\n", encoding="utf-8")
        for name, rel in REPOS.items():
            if args.repo and name not in args.repo:
                continue
            corpus = CORPORA / rel
            if not corpus.exists():
                print(f"{name}: {corpus} missing, skipped")
                continue
            docs = documents(corpus, args.max)
            n = len(docs)
            findings, elapsed = run(Path(args.src), docs, config)
            alarms = [
                f
                for f in findings
                if f.get("category") in CATEGORIES and f.get("severity") in ("warning", "error")
            ]
            by_rule = collections.Counter(str(f["rule_id"]) for f in alarms)
            total = len(alarms)
            rate = 1000 * total / max(n, 1)
            print(f"\n{name}: {n} documents, {elapsed:.1f} s, {total} alarms = {rate:.1f} per 1,000")
            if n < MIN_DOCUMENTS:
                print(
                    f"  (fewer than {MIN_DOCUMENTS} documents: one alarm is {1000 / max(n, 1):.0f} per 1,000;"
                    " judge the count)"
                )
            for rule, count in sorted(by_rule.items()):
                print(f"  {rule}: {count:4d}  ({1000 * count / max(n, 1):5.1f} per 1,000)")
            if labels is not None:
                here: collections.Counter[str] = collections.Counter()
                for f in alarms:
                    key = (str(f["rule_id"]), _relative(str(f["path"])), int(str(f.get("line", 0))))
                    verdict = labels.get(key)
                    judged[key[0]][verdict or "unlabelled"] += 1
                    here[verdict or "unlabelled"] += 1
                    if verdict is None:
                        match = " ".join(str(f.get("match", "")).split())[:80]
                        print(f"    unlabelled: {key[0]}\t{key[1]}\t{key[2]}\t[{match}]")
                print(f"  a real risk: {here['risk']}/{here['risk'] + here['not']} labelled", end="")
                print(f" ({here['unlabelled']} unlabelled)" if here["unlabelled"] else "")
            if args.sample:
                seen: dict[str, int] = collections.defaultdict(int)
                for f in alarms:
                    rule = str(f["rule_id"])
                    if seen[rule] >= args.sample:
                        continue
                    seen[rule] += 1
                    where = f"{f['path']}:{f.get('line', '?')}"
                    match = " ".join(str(f.get("match", "")).split())[:80]
                    print(f"    {rule} {where} [{match}] {str(f.get('message', ''))[:140]}")
    if labels is not None:
        print("\nprecision on labelled alarms (a real risk / labelled):")
        risk = sum(c["risk"] for c in judged.values())
        done = sum(c["risk"] + c["not"] for c in judged.values())
        for rule, c in sorted(judged.items()):
            print(f"  {rule}: {c['risk']}/{c['risk'] + c['not']}  (unlabelled {c['unlabelled']})")
        print(f"  all: {risk}/{done}" + (f" = {100 * risk / done:.0f} %" if done else ""))


def _relative(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(CORPORA.resolve()).as_posix()
    except ValueError:
        return path


def read_labels(path: Path) -> dict[tuple[str, str, int], str]:
    """Hand labels: (rule, path relative to the corpora, line) -> "risk" or "not"."""
    out: dict[tuple[str, str, int], str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        rule, rel, line, verdict, *_ = raw.split("\t")
        if verdict not in ("risk", "not"):
            raise SystemExit(f"{path}: {raw!r}: the verdict must be 'risk' or 'not'")
        out[(rule, rel, int(line))] = verdict
    return out


if __name__ == "__main__":
    main()
