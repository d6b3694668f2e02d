"""Language detection: accuracy on 500 short real posts per language, and cost.

    python bench/bench_language.py

Compares, in the same run: the function-word heuristic that postguard used before (read from the
``main`` branch's nlp.py, or the commit given with ``--baseline REV``), postguard's
``language.identify`` (unambiguous function words, else lingua in high-accuracy mode) and lingua
alone in low-accuracy mode. A text a method cannot decide takes the default (the channel's or
config's language). Each text is judged twice: with the right language as the default and with
the wrong one. The "worst" columns count every undecided text as wrong; the "usual" ones (default
English, as without a channel or config language) are what a user without a default sees; "sure,
wrong" counts texts judged wrong whatever the default. Figures go in docs/quality.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from language_set import build

from postguard import language

ROOT = Path(__file__).parents[1]


Guess = Callable[[str, str], str]  # (text, default) -> language


def old_heuristic(rev: str) -> Guess:
    source = subprocess.run(
        ["git", "show", f"{rev}:src/postguard/nlp.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    module = types.ModuleType("postguard_old_nlp")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{rev}:nlp.py", "exec"), module.__dict__)  # our own old code, from git
    return lambda text, default: str(module.detect_language(text, default).lang)


def low_accuracy() -> Guess:
    from lingua import Language, LanguageDetectorBuilder

    det = (
        LanguageDetectorBuilder.from_languages(Language.GERMAN, Language.ENGLISH)
        .with_low_accuracy_mode()
        .build()
    )

    def guess(text: str, default: str) -> str:
        values = {
            v.language.iso_code_639_1.name.lower(): v.value
            for v in det.compute_language_confidence_values(text)
        }
        best = max(values, key=values.__getitem__) if values else default
        return best if values.get(best, 0) >= language.MIN_CONFIDENCE else default

    return guess


def load_seconds(low: bool) -> float:
    """Building the detector and its first answer on a short text, in a fresh process."""
    mode = ".with_low_accuracy_mode()" if low else ""
    code = (
        "import time; t = time.perf_counter()\n"
        "from lingua import Language, LanguageDetectorBuilder\n"
        f"d = LanguageDetectorBuilder.from_languages(Language.GERMAN, Language.ENGLISH){mode}.build()\n"
        "d.compute_language_confidence_values('Stolz auf das Team!')\n"
        "print(time.perf_counter() - t)"
    )
    return float(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--baseline", default="main", help="commit whose nlp.detect_language is the old heuristic"
    )
    args = parser.parse_args()
    data = build()
    methods: dict[str, Guess] = {
        f"function words ({args.baseline})": old_heuristic(args.baseline),
        "postguard: function words, then lingua": lambda t, d: language.identify(t, d).lang,
        "lingua, low accuracy": low_accuracy(),
    }
    for text in ("Hallo.", "Proud of the team!"):  # load every model before timing
        for guess in methods.values():
            guess(text, "en")
    other = {"de": "en", "en": "de"}
    short = {lang: [t for t in texts if len(t) < 40] for lang, texts in data.items()}
    lengths = [len(t) for texts in data.values() for t in texts]
    print(
        f"texts: de {len(data['de'])}, en {len(data['en'])}; under 40 characters: de {len(short['de'])}, "
        f"en {len(short['en'])}; median length {statistics.median(lengths):.0f} characters"
    )
    head = ("de worst", "en worst", "de<40 w", "en<40 w", "de usual", "en usual")
    print(f"{'method':<36}" + "".join(f"{h:>10}" for h in head) + f"{'sure, wrong':>12}{'µs/text':>10}")
    for name, guess in methods.items():
        start = time.perf_counter()
        worst = {lang: sum(guess(t, other[lang]) == lang for t in texts) for lang, texts in data.items()}
        per = (time.perf_counter() - start) / len(lengths) * 1e6
        worst_short = {lang: sum(guess(t, other[lang]) == lang for t in ts) for lang, ts in short.items()}
        usual = {lang: sum(guess(t, "en") == lang for t in texts) for lang, texts in data.items()}
        sure_wrong = sum(guess(t, lang) != lang for lang, texts in data.items() for t in texts)
        cells = [
            worst["de"] / len(data["de"]),
            worst["en"] / len(data["en"]),
            worst_short["de"] / max(1, len(short["de"])),
            worst_short["en"] / max(1, len(short["en"])),
            usual["de"] / len(data["de"]),
            usual["en"] / len(data["en"]),
        ]
        print(f"{name:<36}" + "".join(f"{c:>10.1%}" for c in cells) + f"{sure_wrong:>12}{per:>10.0f}")
    undecided = {lang: sum(not language.identify(t).decided for t in texts) for lang, texts in data.items()}
    print(f"undecided by postguard (default taken): de {undecided['de']}, en {undecided['en']}")
    print(
        f"load + first answer, fresh process: high accuracy {load_seconds(False):.2f} s, "
        f"low accuracy {load_seconds(True):.2f} s"
    )


if __name__ == "__main__":
    main()
