"""The language-detection test set: 500 short real German and 500 short English texts.

Built from public documentation and blog text already exported to /work/cache/corpora (see
docs/quality.md, "Language detection"):

* German: the blog posts (``_posts``) of two Freifunk communities, freifunkMUC/freifunkmuc.github.io
  and FreifunkBremen/bremen.freifunk.net, exported to ``freifunk-de/`` (de.react.dev was tried
  first: all but 7 of its 191 pages are still untranslated English);
* English: nodejs.org (``apps/site/pages/en``, the Node.js blog and site).

Front matter, code blocks, inline code, HTML/JSX tags, link targets and tables are removed; what is
left is split into sentences (posts that carry translations in ``<section data-lang="...">``
blocks, as freifunkMUC's recent ones do, give only their German section), and one or two
consecutive sentences of 8 to 200 characters make one "post". 500 per language are drawn with a
fixed seed, so the set is the same on every run.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

CORPORA = Path("/work/cache/corpora")
SOURCES = {
    "de": CORPORA / "freifunk-de",
    "en": CORPORA / "nodejs.org" / "apps" / "site" / "pages" / "en",
}
PER_LANGUAGE = 500
SEED = 13

_FRONT = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_SECTION = re.compile(r'<section data-lang="(\w+)"[^>]*>(.*?)</section>', re.DOTALL)
_FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)
_TAG = re.compile(r"<[^>\n]*>|\{:[^}]*\}|\{%.*?%\}|\{\{.*?\}\}")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_CODE = re.compile(r"`[^`\n]*`")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ])")


def _labelled(text: str, lang: str) -> str:
    """Only the ``<section data-lang="LANG">`` parts of a post that carries translations."""
    parts = _SECTION.findall(text)
    return "\n\n".join(body for code, body in parts if code == lang) if parts else text


def _paragraphs(text: str) -> list[str]:
    text = _FENCE.sub("", _FRONT.sub("", text))
    out = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.splitlines()]
        if not lines or any(ln.startswith(("|", "import ", "export ", "{", "<", "#")) for ln in lines):
            continue
        para = " ".join(ln.lstrip("-*> ").strip() for ln in lines)
        para = _CODE.sub("", _LINK.sub(r"\1", _TAG.sub("", para))).replace("**", "").replace("__", "")
        para = re.sub(r"\s+", " ", para).strip()
        if para:
            out.append(para)
    return out


def candidates(lang: str) -> list[str]:
    """Every one- or two-sentence text of 8-200 characters from the ``lang`` source, in file order."""
    found: list[str] = []
    for path in sorted(SOURCES[lang].rglob("*.m*")):
        text = _labelled(path.read_text(encoding="utf-8", errors="replace"), lang)
        for para in _paragraphs(text):
            sentences = [s for s in _SENTENCE.split(para) if s]
            for i, sentence in enumerate(sentences):
                for text in (sentence, " ".join(sentences[i : i + 2]) if i + 1 < len(sentences) else ""):
                    letters = sum(ch.isalpha() for ch in text)
                    if 8 <= len(text) <= 200 and letters >= 0.6 * len(text) and "http" not in text:
                        found.append(text)
    return found


def build() -> dict[str, list[str]]:
    """500 texts per language, drawn with a fixed seed (one- and two-sentence texts alike)."""
    rng = random.Random(SEED)
    out = {}
    for lang in SOURCES:
        pool = sorted(set(candidates(lang)))
        out[lang] = rng.sample(pool, PER_LANGUAGE)
    return out
