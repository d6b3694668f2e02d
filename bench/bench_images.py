"""Benchmarks for images (issue 16): rerun with `python bench/bench_images.py [--quick]`.

Measures, on this machine:
1. OCR recall: screenshots generated with Debian's fonts (DejaVu, Liberation) at 10-24 px, light and
   dark, JPEG-compressed (quality 70), each with codenames, clients and markings of the example pack
   among everyday slide/wiki/chat text; a term counts as found when the engine reports it
   (PG101/PG102/PG104) on the image. Clean screenshots of the same make count false findings.
2. Hash robustness: real photos (scikit-image's sample photos, exported to
   /work/cache/corpora/skimage-photos, when present) and generated photo-like pictures as embargoed
   references; their variants (resized, recompressed, cropped by 10-20 %, recoloured, filtered) must be
   within the threshold, unrelated pictures (generated, and the other real photos) must not; a sweep
   of thresholds shows the trade-off.
   Precision on real photos: every finding on the 20 real photos (OCR, metadata, hash) is listed.
3. Time per image: decode + hash + metadata of a 1920x1080 JPEG photo; OCR of a 1920x1080
   screenshot, in process (tesserocr, what postguard uses) next to the `tesseract` program on a
   temporary file (what pytesseract does), in the same run. Wall time and CPU time of this process
   (the CPU time hardly depends on what else runs on the machine; the wall time does).
   `--peer DIR` times another checkout's `src/` (e.g. an export of main) in alternating
   subprocesses, the same run: `git archive main | tar -x -C /tmp/main`, `--peer /tmp/main/src`.

Figures go to docs/images.md by hand; nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import difflib
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageEnhance, ImageFilter, ImageOps

ROOT = Path(__file__).resolve().parents[1]
SRC = Path(os.environ.get("BENCH_SRC", ROOT / "src"))  # --peer runs this script on another src/
sys.path.insert(0, str(SRC))
sys.path.insert(0, str(ROOT / "tests"))

from imagefactory import encode, photo, screenshot  # noqa: E402
from postguard.config import Config  # noqa: E402
from postguard.engine import Engine  # noqa: E402
from postguard.imagelint import ImageOptions, lint_image  # noqa: E402
from postguard.images import analyse  # noqa: E402
from postguard.images.hashing import THRESHOLD, nearest  # noqa: E402
from postguard.images.ocr import recognise  # noqa: E402
from postguard.images.phash import phash, reference_hashes  # noqa: E402

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
PHOTOS = Path("/work/cache/corpora/skimage-photos")
FONTS = {
    "DejaVu Sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "DejaVu Serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "Liberation Sans": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "Liberation Serif": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "Liberation Mono": "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
}
# (line, planted term or None) -- slide, wiki and chat lines; the terms are the example pack's.
LINES = [
    ("Roadmap 2027 · Projekt Sturmvogel · Stand März", "Sturmvogel"),
    ("VERTRAULICH", "VERTRAULICH"),
    ("Pilotkunde: Bergwerk Logistik (Rollout Q2)", "Bergwerk Logistik"),
    ("Nur für den internen Gebrauch", "Nur für den internen Gebrauch"),
    ("Re: Polarfuchs prototype feedback from the field test", "Polarfuchs"),
    ("Strictly confidential - do not forward", "Strictly confidential"),
    ("Abstimmung mit Fjellsport AS zum Vertrag", "Fjellsport AS"),
    ("TLP:AMBER", "TLP:AMBER"),
]
FILLER = [
    "Agenda: Begrüßung, Rückblick auf die Saison, Ausblick",
    "Thanks everyone for the great work at the trade fair!",
    "Bitte die Unterlagen bis Freitag im Teamordner ablegen.",
    "Next steps: update the price list and the product pages",
    "Kaffeepause 10:30 Uhr, danach Workshop in Raum 2",
]


def _opts() -> ImageOptions:
    return ImageOptions(now=NOW)


# -- 1. OCR recall ----------------------------------------------------------------------


def ocr_recall(engine: Engine, sizes: list[int], fonts: dict[str, str]) -> None:
    print("== 1. OCR recall on generated screenshots (JPEG q70)")
    rnd = random.Random(16)
    found: dict[int, list[int]] = {s: [0, 0] for s in sizes}
    misses: list[str] = []
    false_findings = clean_images = 0
    for size in sizes:
        for fname, fpath in fonts.items():
            for dark in (False, True):
                planted = rnd.sample(LINES, 4)
                lines = [
                    planted[0][0],
                    rnd.choice(FILLER),
                    planted[1][0],
                    planted[2][0],
                    rnd.choice(FILLER),
                    planted[3][0],
                ]
                img, _ = screenshot(lines, size=size, dark=dark, width=max(900, size * 40), path=Path(fpath))
                report = lint_image(engine, encode(img, "JPEG", quality=70), name="s.jpg", options=_opts())
                # "TLP: AMBER" is the marking TLP:AMBER: compare without spaces
                got = {"".join(f.match.casefold().split()) for f in report.findings}
                for _, term in planted:
                    assert term is not None
                    found[size][1] += 1
                    key = "".join(term.casefold().split())
                    hit = any(key in g or g in key for g in got if len(g) > 3)
                    found[size][0] += hit
                    if not hit:
                        seen = difflib.get_close_matches(term, report.source.splitlines(), n=1, cutoff=0.3)
                        read = f" (read: {seen[0]!r})" if seen else ""
                        misses.append(f"{size}px {fname} {'dark' if dark else 'light'}: {term}{read}")
                clean, _ = screenshot(rnd.sample(FILLER, 4), size=size, dark=dark, path=Path(fpath))
                clean_report = lint_image(
                    engine, encode(clean, "JPEG", quality=70), name="c.jpg", options=_opts()
                )
                false_findings += len(clean_report.findings)
                clean_images += 1
    for size, (hit, total) in found.items():
        print(f"  {size:>2} px: {hit}/{total} terms found ({100 * hit / total:.1f} %)")
    big = [found[s] for s in sizes if s >= 14]
    if big:
        hit, total = sum(h for h, _ in big), sum(t for _, t in big)
        print(f"  14 px and larger: {hit}/{total} ({100 * hit / total:.1f} %)")
    print(f"  findings on {clean_images} clean screenshots: {false_findings}")
    for m in misses:
        print(f"  missed: {m}")


# -- 2. hash robustness -----------------------------------------------------------------


def _variants(img: Image.Image) -> dict[str, Callable[[Image.Image], Image.Image]]:
    def jpeg(q: int) -> Callable[[Image.Image], Image.Image]:
        return lambda i: Image.open(io.BytesIO(encode(i.convert("RGB"), "JPEG", quality=q)))

    def crop(left: float, t: float, r: float, b: float) -> Callable[[Image.Image], Image.Image]:
        return lambda i: i.crop(
            (int(i.width * left), int(i.height * t), int(i.width * (1 - r)), int(i.height * (1 - b)))
        )

    def sepia(i: Image.Image) -> Image.Image:
        return ImageOps.colorize(ImageOps.grayscale(i), "#2b1d0e", "#f2e3c6")

    return {
        "resize 50%": lambda i: i.resize((i.width // 2, i.height // 2)),
        "resize 25%": lambda i: i.resize((max(1, i.width // 4), max(1, i.height // 4))),
        "JPEG q60": jpeg(60),
        "JPEG q25": jpeg(25),
        "crop 10% left": crop(0.10, 0, 0, 0),
        "crop 20% right": crop(0, 0, 0.20, 0),
        "crop 10% each side": crop(0.10, 0.10, 0.10, 0.10),
        "crop 20% top-left": crop(0.20, 0.20, 0, 0),
        "crop 15% bottom": crop(0, 0, 0, 0.15),
        "brightness +15%": lambda i: ImageEnhance.Brightness(i).enhance(1.15),
        "brightness -15%": lambda i: ImageEnhance.Brightness(i).enhance(0.85),
        "contrast +20%": lambda i: ImageEnhance.Contrast(i).enhance(1.2),
        "saturation +30%": lambda i: ImageEnhance.Color(i).enhance(1.3),
        "warm filter": lambda i: Image.merge(
            "RGB",
            [
                c.point(lambda v, k=k: min(255, int(v * k)))
                for c, k in zip(i.convert("RGB").split(), (1.12, 1.0, 0.88), strict=True)
            ],
        ),
        "greyscale": lambda i: i.convert("L").convert("RGB"),
        "sepia": sepia,
        "blur r1.5": lambda i: i.filter(ImageFilter.GaussianBlur(1.5)),
        "sharpen": lambda i: i.filter(ImageFilter.SHARPEN),
        "resize 50% + JPEG q50 + crop 10%": lambda i: crop(0.05, 0.05, 0.05, 0.05)(
            jpeg(50)(i.resize((i.width // 2, i.height // 2)))
        ),
    }


def hash_robustness(synthetic_refs: int, unrelated: int) -> None:
    print("== 2. perceptual hash robustness")
    real = sorted(p for p in PHOTOS.glob("*") if p.suffix in (".png", ".jpg")) if PHOTOS.is_dir() else []
    refs: list[tuple[str, Image.Image]] = [(p.name, Image.open(p).convert("RGB")) for p in real]
    refs += [(f"generated-{s}", photo(s, (800, 600))) for s in range(synthetic_refs)]
    print(f"  references: {len(real)} real photos, {synthetic_refs} generated")
    ref_hashes = {name: reference_hashes(img) for name, img in refs}
    per_variant: dict[str, list[int]] = {}
    distances: list[int] = []
    for name, img in refs:
        for label, make in _variants(img).items():
            d = nearest(phash(make(img)), ref_hashes[name])
            per_variant.setdefault(label, []).append(d)
            distances.append(d)
    ok = sum(d <= THRESHOLD for d in distances)
    print(
        f"  variants found at threshold {THRESHOLD}: {ok}/{len(distances)}",
        f"({100 * ok / len(distances):.1f} %)",
    )
    for label, ds in per_variant.items():
        hit = sum(d <= THRESHOLD for d in ds)
        print(
            f"    {label:<34} found {hit:>3}/{len(ds)}",
            f" median distance {statistics.median(ds):>4.1f}  max {max(ds)}",
        )
    all_refs = [h for hs in ref_hashes.values() for h in hs]
    unrelated_d: list[int] = []
    for seed in range(10_000, 10_000 + unrelated):
        unrelated_d.append(nearest(phash(photo(seed, (640, 480))), all_refs))
    cross: list[int] = []
    for name, img in refs[: len(real)]:  # each real photo against the other real references
        others = [
            h for n, hs in ref_hashes.items() if n != name and not n.startswith("generated") for h in hs
        ]
        cross.append(nearest(phash(img), others))
    print(f"  unrelated generated pictures: {unrelated}, each against all {len(all_refs)} reference hashes")
    print(
        f"  {'threshold':>9} {'variants found':>15}",
        f"{'false matches / 1,000 unrelated':>32} {'real vs other real':>19}",
    )
    for t in range(4, 17, 2):
        v = 100 * sum(d <= t for d in distances) / len(distances)
        fm = 1000 * sum(d <= t for d in unrelated_d) / len(unrelated_d)
        cm = sum(d <= t for d in cross)
        print(f"  {t:>9} {v:>14.1f}% {fm:>32.1f} {cm:>13}/{len(cross)}")
    if cross:
        print(
            f"  closest pair of different real photos: distance {min(cross)}",
            "(motorcycle_left/right are a stereo pair)",
        )


# -- 3. time per image --------------------------------------------------------------------


def _timed(fn: Callable[[int], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``fn(i)`` over ``repeat`` calls."""
    wall, cpu = [], []
    for i in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn(i)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def _wiki_screenshot() -> Image.Image:
    lines = ["Wiki · Team Marketing · Projekt Sturmvogel"] + [
        f"{i + 1}. {FILLER[i % len(FILLER)]}" for i in range(24)
    ]
    shot, _ = screenshot(lines, size=16, width=1920)
    if shot.height >= 1080:
        return shot.crop((0, 0, 1920, 1080))
    return ImageOps.pad(shot, (1920, 1080), color="white", centering=(0, 0))


def timing(repeat: int, *, compare_cli: bool = True) -> None:
    print(f"== 3. time per image (src: {SRC}; load average {os.getloadavg()[0]:.1f})")
    big = photo(3, (1920, 1080))
    jpeg = encode(big, "JPEG", quality=85)
    analyse(jpeg, "warm.jpg", ocr=False)
    # a new digest each time: no memo
    wall, cpu = _timed(lambda i: analyse(jpeg + i.to_bytes(4, "big"), "p.jpg", ocr=False), repeat)
    print(f"  decode + hash + metadata, 1920x1080 JPEG: {1000 * wall:.1f} ms wall, {1000 * cpu:.1f} ms CPU")
    import imagehash

    wall, _ = _timed(lambda i: imagehash.phash(big), repeat)
    ours, _ = _timed(lambda i: phash(big), repeat)
    print(
        f"  hash alone: imagehash.phash on the full picture {1000 * wall:.1f} ms;",
        f"after one shrink {1000 * ours:.1f} ms",
    )
    shot = _wiki_screenshot()
    text = recognise(shot).text  # loads the models once
    wall, cpu = _timed(lambda i: recognise(shot), max(1, repeat // 4))
    print(
        "  OCR 1920x1080 screenshot, 25 lines of 16 px text, in process:",
        f"{wall:.2f} s wall, {cpu:.2f} s CPU ({len(text.split())} words)",
    )
    if not compare_cli:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shot.png"
        shot.save(path)
        cmd = ["tesseract", str(path), "stdout", "-l", "deu+eng", "tsv"]
        wall, _ = _timed(lambda i: subprocess.run(cmd, capture_output=True, check=True), max(1, repeat // 4))
    print(f"  the same with the tesseract program on a file (pytesseract's way): {wall:.2f} s wall")


def compare(peer: Path, repeat: int, rounds: int = 2) -> None:
    """This src/ and ``peer`` timed in alternating subprocesses of this script, the same run."""
    for r in range(rounds):
        for src in (ROOT / "src", peer):
            print(f"-- round {r + 1}", flush=True)
            env = {**os.environ, "BENCH_SRC": str(src)}
            subprocess.run([sys.executable, __file__, "--timing-only", str(repeat)], env=env, check=True)


def real_photos(engine: Engine, directory: Path = PHOTOS, every: int = 1) -> None:
    """Every finding on real pictures (OCR included): precision on images nobody planted text in.

    ``directory`` may hold any public pictures, e.g. a website's images (every ``every``-th is read).
    """
    exts = (".png", ".jpg", ".jpeg", ".webp")
    paths = sorted(p for p in directory.glob("*") if p.suffix.lower() in exts) if directory.is_dir() else []
    paths = paths[::every]
    print(f"== 1b. findings on {len(paths)} real pictures in {directory} (OCR on)")
    total = unreadable = words = 0
    t = time.perf_counter()
    for p in paths:
        report = lint_image(engine, p.read_bytes(), name=p.name, options=_opts())
        if report.error:
            unreadable += 1
            continue
        words += len(report.source.split())
        for f in report.findings:
            total += 1
            print(f"  {p.name}: {f.rule_id} {f.match!r} {f.message[:100]}")
    print(
        f"  findings: {total} ({unreadable} unreadable; {words} words read;",
        f"{time.perf_counter() - t:.0f} s)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer images (about a minute)")
    parser.add_argument("--peer", type=Path, help="also time this src/ directory, alternating (same run)")
    parser.add_argument("--only", choices=("ocr", "photos", "hash", "timing"), help="run one part")
    parser.add_argument(
        "--photos", type=Path, default=PHOTOS, help="real pictures for 1b (default: %(default)s)"
    )
    parser.add_argument("--every", type=int, default=1, help="read every N-th picture of --photos")
    parser.add_argument("--timing-only", type=int, metavar="REPEAT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.timing_only:
        timing(args.timing_only, compare_cli=False)
        return
    engine = Engine(Config(packs=(ROOT / "rules" / "example-company.toml",)), use_cache=False)
    repeat = 8 if args.quick else 20
    if args.only in (None, "ocr"):
        if args.quick:
            ocr_recall(engine, [12, 14, 18], dict(list(FONTS.items())[:2]))
        else:
            ocr_recall(engine, [10, 12, 14, 16, 20, 24], FONTS)
    if args.only in (None, "photos"):
        real_photos(engine, args.photos, args.every)
    if args.only in (None, "hash"):
        hash_robustness(10, 300) if args.quick else hash_robustness(40, 1000)
    if args.only in (None, "timing"):
        timing(repeat)
        if args.peer:
            compare(args.peer, repeat)


if __name__ == "__main__":
    main()
