"""Repository benchmark (issue 6): rerun with `python bench/bench_repo.py`.

Generates a content repository of 1,000 Markdown posts (about 5 MB; German and English, front matter,
code blocks, links, images, a few leaks of the example pack's terms), then times, in the same run and on
the same files, as whole processes (wall clock):

1. `postguard check DIR --format json` with rules/example-company.toml (all cores, the default);
2. the same with `--jobs 1` (one core), for a per-core comparison;
3. textlint with textlint-rule-prh, given the same files and the same term list: the pack's codenames,
   clients and embargoed names, each a prh rule whose `expected` is "[redacted]".

textlint comes from bench/textlint (pinned in its package-lock.json); `npm ci` runs there when its
node_modules is missing. Figures go to docs/benchmarks.md by hand; nothing here is a pass/fail test.
The target from issue 6 is <= 10 s wall for postguard on the 1,000 files.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "rules" / "example-company.toml"
TEXTLINT_DIR = ROOT / "bench" / "textlint"
NOW = "2026-11-28T12:00:00+01:00"  # fixed, so the embargo findings do not change with the date

# ---------------------------------------------------------------------------------------------------
# The posts


_DE_SENTENCES = (
    "Wir freuen uns sehr über die neue Saison und danken allen Kolleginnen und Kollegen für ihren Einsatz.",
    "Auf der Messe zeigen wir unsere Jacken, Zelte und Rucksäcke, die wir mit Bergführern getestet haben.",
    "Besonders stolz sind wir auf recycelte Materialien, faire Produktion und kurze Lieferwege.",
    "Kommt vorbei, probiert alles aus und erzählt uns, was ihr davon haltet!",
    "Unsere Werkstatt in {city} repariert jedes Jahr mehr als {n} Jacken, statt sie wegzuwerfen.",
    "Die Tour führte uns in {days} Tagen über {n} Höhenmeter, bei Regen, Sonne und einmal sogar Schnee.",
    "Am Abend saßen wir am Feuer, kochten Nudeln und redeten über die Route für den nächsten Morgen.",
    "Der Stoff ist leichter als im letzten Jahr, trocknet schneller und lässt sich leicht flicken.",
    "Im Team {team} arbeiten Designerinnen, Näher und Testerinnen eng zusammen.",
    "Ein herzliches Dankeschön an alle, die beim Aufräumtag am See mitgeholfen haben.",
    "Wer eine Lehrstelle sucht, findet unsere offenen Stellen auf der Karriereseite.",
    "Beim Wandern gilt: Was du hineinträgst, trägst du auch wieder hinaus.",
    "Unsere Azubis haben in diesem Jahr einen eigenen Schlafsack entworfen und genäht.",
    "Die Hütte liegt auf {n} Metern Höhe und ist nur zu Fuß erreichbar.",
    "Wir haben den Versand auf Papierverpackungen umgestellt und sparen so viel Plastik.",
    "Für den Winter empfehlen wir Schichten statt einer einzigen dicken Jacke.",
    "Morgens um sechs war der Nebel so dicht, dass wir kaum den nächsten Wegweiser sahen.",
    "In {city} eröffnen wir im Frühjahr einen kleinen Laden mit Reparaturecke.",
    "Die Ergebnisse unserer Umfrage unter {n} Kundinnen und Kunden haben uns überrascht.",
    "Danke an die Bergwacht, die uns bei der Übung so geduldig alles erklärt hat.",
)
_EN_SENTENCES = (
    "We are thrilled to share what our team has been working on this year.",
    "Our designers spent months in the mountains testing jackets, tents and backpacks with guides.",
    "Sustainability matters to us: recycled fabrics, fair production and short supply chains.",
    "Come and see us at the fair, try everything and tell us what you think!",
    "Our repair shop in {city} fixed more than {n} jackets last year instead of throwing them away.",
    "The trip took us {days} days and {n} metres of climbing, through rain, sun and even some snow.",
    "In the evening we sat by the fire, cooked pasta and talked about the route for the next morning.",
    "The fabric is lighter than last year's, dries faster and is easy to patch.",
    "Designers, tailors and testers work closely together in the {team} team.",
    "A big thank you to everyone who helped at the lake clean-up day.",
    "Looking for an apprenticeship? Our open positions are on the careers page.",
    "When hiking, remember: what you carry in, you carry out.",
    "Our apprentices designed and sewed their own sleeping bag this year.",
    "The hut sits at {n} metres and can only be reached on foot.",
    "We switched our shipping to paper packaging and save a lot of plastic that way.",
    "For winter we recommend layers rather than one thick jacket.",
    "At six in the morning the fog was so thick we could barely see the next signpost.",
    "In spring we are opening a small shop with a repair corner in {city}.",
    "The results of our survey of {n} customers surprised us.",
    "Thanks to the mountain rescue team for explaining everything so patiently during the drill.",
)
_CITIES = ("Hamburg", "München", "Tromsø", "Innsbruck", "Leipzig", "Bergen", "Freiburg", "Oslo", "Bozen")
_TEAMS = ("Zelte", "Rucksack", "Schuhe", "Service", "Logistik", "Design", "Outdoor-Akademie")
_TAGS = ("outdoor", "wandern", "team", "nachhaltigkeit", "hiking", "repair", "karriere", "events", "gear")
_HEADINGS_DE = ("Rückblick", "Was wir gelernt haben", "Ausrüstung", "Die Route", "Nächste Schritte", "Danke")
_HEADINGS_EN = ("Looking back", "What we learned", "Gear", "The route", "Next steps", "Thanks")
_CODE = (
    "```yaml\nlayers:\n  - base: merino\n  - mid: fleece\n  - shell: hardshell\n```",
    '```sh\ncurl -s https://api.example.org/weather?city=bergen | jq ".forecast[0]"\n```',
    '```json\n{"route": "Hüttentour", "days": 4, "ascent_m": 3200}\n```',
    "```python\ndef pace(km: float, hours: float) -> float:\n    return km / hours\n```",
)
# A few posts leak something the example pack knows (and the prh rules list).
_LEAKS = (
    "Stolz auf das Sturmvogel-Team, das in diesem Jahr Unglaubliches geleistet hat.",
    "Proud of everyone working on Polarfuchs, more soon!",
    "Heute Workshop mit Bergwerk Logistik, danke für die Gastfreundschaft.",
    "Sneak peek: der Trekker T5 ist fast fertig.",
    "Our Fall Collection 2027 photo shoot was a blast.",
    "Erste Muster der Herbstkollektion 2027 sind da!",
    "Great meeting with the Fjellsport AS team in Bergen.",
    "Das Nordlicht X Team war heute auf dem Gipfel.",
)


def _sentence(rng: random.Random, pool: Sequence[str]) -> str:
    return rng.choice(pool).format(
        city=rng.choice(_CITIES),
        n=rng.randint(12, 4800),
        days=rng.randint(2, 14),
        team=rng.choice(_TEAMS),
    )


def _paragraph(rng: random.Random, pool: Sequence[str], lang: str) -> str:
    sentences = [_sentence(rng, pool) for _ in range(rng.randint(3, 7))]
    if rng.random() < 0.3:  # an inline link
        label = "mehr dazu" if lang == "de" else "read more"
        i = rng.randrange(len(sentences))
        sentences[i] += f" ([{label}](https://www.nordkap.example/blog/{rng.randint(1, 999)}))"
    if rng.random() < 0.15:
        sentences.insert(rng.randrange(len(sentences)), "Mit `--dry-run` siehst du vorher, was passiert.")
    return " ".join(sentences)


def post(rng: random.Random, index: int, leak: str | None) -> str:
    """One Markdown post of roughly 2 to 9 KB."""
    lang = "de" if rng.random() < 0.55 else "en"
    pool, heads = (_DE_SENTENCES, _HEADINGS_DE) if lang == "de" else (_EN_SENTENCES, _HEADINGS_EN)
    title = _sentence(rng, pool).rstrip(".!?")[:70]
    day = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"
    tags = ", ".join(rng.sample(_TAGS, 3))
    front = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"date: {day}",
        f"lang: {lang}",
        f"tags: [{tags}]",
        f"author: Autorin {index % 37}",
        f"description: {json.dumps(_sentence(rng, pool), ensure_ascii=False)}",
        f"image: https://media.nordkap.example/blog/{index}.jpg",
        "---",
        "",
    ]
    body: list[str] = []
    target = rng.randint(1600, 8200)
    size = 0
    while size < target:
        if body and rng.random() < 0.25:
            body.append(f"## {rng.choice(heads)}")
        roll = rng.random()
        if roll < 0.08:
            body.append(rng.choice(_CODE))
        elif roll < 0.16:
            alt = "Blick vom Gipfel" if lang == "de" else "View from the summit"
            body.append(f"![{alt}](https://media.nordkap.example/blog/{index}-{len(body)}.jpg)")
        elif roll < 0.24:
            body.append("\n".join(f"- {_sentence(rng, pool)}" for _ in range(rng.randint(2, 5))))
        else:
            body.append(_paragraph(rng, pool, lang))
        size += len(body[-1]) + 2
    if leak is not None:
        body.insert(rng.randrange(1, len(body) + 1), leak)
    return "\n".join(front) + "\n" + "\n\n".join(body) + "\n"


def generate(out: Path, files: int, seed: int, leak_every: int) -> tuple[int, int]:
    """Write the posts under out/content/; returns (file count, total bytes)."""
    rng = random.Random(seed)
    total = 0
    for i in range(files):
        leak = _LEAKS[(i // leak_every) % len(_LEAKS)] if i % leak_every == leak_every - 1 else None
        path = out / "content" / f"{2020 + i % 7}" / f"post-{i:04d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = post(rng, i, leak).encode("utf-8")
        path.write_bytes(data)
        total += len(data)
    return files, total


# ---------------------------------------------------------------------------------------------------
# The term list, for both tools


def pack_terms(pack: Path) -> list[str]:
    """The pack's codenames, clients and embargoed names (with their aliases), as written."""
    data = tomllib.loads(pack.read_text(encoding="utf-8"))
    terms: list[str] = []
    for entry in data.get("confidential", []):
        if entry.get("kind") in ("codename", "client"):
            terms += entry.get("terms", [])
    for entry in data.get("embargo", []):
        terms += [entry["name"], *entry.get("aliases", [])]
    return list(dict.fromkeys(terms))


def prh_yaml(terms: Sequence[str]) -> str:
    """A prh rule file: every term is a pattern to be replaced by "[redacted]"."""
    lines = ["version: 1", "rules:"]
    for term in terms:
        lines += [f"  - expected: {json.dumps('[redacted]')}", f"    patterns: [{json.dumps(term)}]"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------
# Running and timing


Position = tuple[str, int, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class Tool:
    name: str
    cmd: Sequence[str]
    read: Callable[[str, Path], tuple[int, set[Position]]]  # stdout, cwd -> (files, finding positions)


@dataclass(slots=True, kw_only=True)
class Timing:
    name: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system, the process and its children
    others: list[float] = field(default_factory=list)  # CPU used by everything else meanwhile (Linux)
    files: int = 0
    positions: set[Position] = field(default_factory=set)  # (path, line, column) of each finding, last run

    @property
    def findings(self) -> int:
        return len(self.positions)


def busy_cpu_seconds() -> float:
    """CPU time the whole machine has spent busy since boot (Linux /proc/stat; NaN elsewhere)."""
    try:
        fields = Path("/proc/stat").read_text(encoding="ascii").splitlines()[0].split()[1:]
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def run_once(tool: Tool, cwd: Path, env: dict[str, str], into: Timing) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy = busy_cpu_seconds()
    start = time.perf_counter()
    done = subprocess.run(list(tool.cmd), cwd=cwd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    busy = busy_cpu_seconds() - busy
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: findings, as expected
        tail = (done.stderr or done.stdout)[-4000:]
        raise SystemExit(f"{tool.name} failed (exit code {done.returncode}):\n{tail}")
    into.wall.append(wall)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    into.cpu.append(cpu)
    into.others.append(max(busy - cpu, 0.0))
    into.files, into.positions = tool.read(done.stdout, cwd)


def postguard_read(stdout: str, cwd: Path) -> tuple[int, set[Position]]:
    data = json.loads(stdout)
    found = {(r["path"], f["line"], f["column"]) for r in data["results"] for f in r["findings"]}
    return data["summary"]["inputs"], found


def textlint_read(stdout: str, cwd: Path) -> tuple[int, set[Position]]:
    data = json.loads(stdout)
    found = {
        (Path(r["filePath"]).relative_to(cwd).as_posix(), m["line"], m["column"])
        for r in data
        for m in r["messages"]
    }
    return len(data), found


def ensure_textlint() -> Path:
    binary = TEXTLINT_DIR / "node_modules" / ".bin" / "textlint"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm not found: textlint (bench/textlint) cannot be installed")
        print("installing textlint: npm ci in bench/textlint ...", file=sys.stderr)
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=TEXTLINT_DIR, check=True)
    return binary


def _version(cmd: Sequence[str], cwd: Path) -> str:
    done = subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=1000, help="number of posts (default: 1000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each tool (default: 3)")
    parser.add_argument("--seed", type=int, default=6, help="random seed of the generated posts")
    parser.add_argument("--leak-every", type=int, default=40, help="one post in N leaks a term (default: 40)")
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    parser.add_argument("--no-textlint", action="store_true", help="time postguard only")
    parser.add_argument("--no-single-core", action="store_true", help="skip the `--jobs 1` postguard runs")
    args = parser.parse_args(argv)

    postguard = shutil.which("postguard")
    pg_cmd = [postguard] if postguard else [sys.executable, "-m", "postguard"]
    env = {**os.environ, "NO_COLOR": "1"}
    textlint = None if args.no_textlint else ensure_textlint()

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="postguard-bench-") as tmp:
        out = args.keep or Path(tmp)
        if args.keep and out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True, exist_ok=True)
        files, size = generate(out, args.files, args.seed, args.leak_every)
        terms = pack_terms(PACK)
        (out / "postguard.toml").write_text(f'packs = ["{PACK.as_posix()}"]\n', encoding="utf-8")
        (out / "prh.yml").write_text(prh_yaml(terms), encoding="utf-8")
        (out / ".textlintrc.json").write_text(
            json.dumps({"rules": {"prh": {"rulePaths": [str(out / "prh.yml")]}}}, indent=2), encoding="utf-8"
        )
        print(
            f"{files} Markdown files, {size / 1e6:.2f} MB ({size / files / 1000:.1f} kB on average), "
            f"{len(terms)} terms, in {out}",
            file=sys.stderr,
        )

        pg_base = [
            *pg_cmd,
            "check",
            "content",
            "--config",
            "postguard.toml",
            "--format",
            "json",
            "--now",
            NOW,
        ]
        tools = [Tool(name="postguard", cmd=pg_base, read=postguard_read)]
        if not args.no_single_core:
            tools.append(Tool(name="postguard --jobs 1", cmd=[*pg_base, "--jobs", "1"], read=postguard_read))
        if textlint is not None:
            tl_cmd = [str(textlint), "--config", ".textlintrc.json", "--format", "json", "content/**/*.md"]
            tools.append(Tool(name="textlint + textlint-rule-prh", cmd=tl_cmd, read=textlint_read))
        results = [Timing(name=t.name) for t in tools]
        # Round by round, so a busy moment on the machine hits every tool alike.
        for round_no in range(1, args.runs + 1):
            for tool, timing in zip(tools, results, strict=True):
                print(f"round {round_no}/{args.runs}: {tool.name} ...", file=sys.stderr)
                run_once(tool, out, env, timing)

        versions = {
            "postguard": _version([*pg_cmd, "--version"], out).removeprefix("postguard, version "),
            "textlint": _version([str(textlint), "--version"], out) if textlint else "-",
            "node": _version(["node", "--version"], out) if textlint else "-",
            "python": platform.python_version(),
        }

    load_after = os.getloadavg()[0]
    print()
    print(f"machine: {os.cpu_count()} cores, {platform.platform()}")
    print(f"load average (1 min) before: {load_before:.2f}, after: {load_after:.2f}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    print(f"corpus: {files} Markdown files, {size:,} bytes ({size / 1e6:.2f} MB), {len(terms)} terms")
    print()
    head = (
        f"wall, median of {args.runs} (s) | wall, each run (s) | CPU, median (s) | others' CPU, each run (s)"
    )
    print(f"| tool | {head} | files | findings |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    med = statistics.median
    for r in results:
        runs = ", ".join(f"{w:.2f}" for w in r.wall)
        others = ", ".join(f"{o:.1f}" for o in r.others)
        line = f"{med(r.wall):.2f} | {runs} | {med(r.cpu):.2f} | {others}"
        print(f"| {r.name} | {line} | {r.files} | {r.findings} |")
    pg = statistics.median(results[0].wall)
    print()
    if args.files == 1000:
        verdict = "met" if pg <= 10 else "NOT met"
        print(f"postguard target (<= 10 s wall for 1,000 files): {verdict} ({pg:.2f} s)")
    for other in results[1:]:
        print(f"wall time ratio {other.name} / postguard: {statistics.median(other.wall) / pg:.2f}")
    for other in results[1:]:
        same = len(other.positions & results[0].positions)
        print(f"{other.name}: {same} of its {other.findings} findings at the same line:column as postguard's")
    print(
        "others' CPU: CPU time other processes used during each run; "
        "runs with more than a few tenths of a second were slowed by them."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
