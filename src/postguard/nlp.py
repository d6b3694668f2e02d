"""The language work: which language a draft is in (delegated to :mod:`postguard.language`), and
its spaCy ``Doc``.

The only module that loads spaCy. By default it uses spaCy's blank German and
English pipelines (tokenizer and sentence boundaries from punctuation) plus
lookup lemmas from ``spacy-lookups-data``. Nothing is downloaded: the lemma
tables ship in that package. Loading a whole German table into a dict costs
more than a second, so the tables are converted once into an SQLite file in
the cache directory and only the words of a draft are looked up.

A trained pipeline (``de_core_news_sm``...) may be named in the config; it
must already be installed.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from postguard.errors import ConfigError
from postguard.language import SUPPORTED, LanguageGuess, identify

__all__ = ["SUPPORTED", "LanguageGuess", "detect_language"]

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: ``doc.user_data`` key of the word -> lemma map a Doc was given (the lookup result).
LEMMAS_KEY = "postguard.lemmas"


def detect_language(text: str, default: str = "en") -> LanguageGuess:
    """German or English (see :mod:`postguard.language`, which does the work)."""
    return identify(text, default)


def cache_dir() -> Path:
    """Where postguard keeps caches (lemma tables, indexed packs)."""
    env = os.environ.get("POSTGUARD_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "postguard"


class LemmaTable:
    """Lookup lemmas for one language from spacy-lookups-data, via an SQLite cache."""

    def __init__(self, lang: str, directory: Path) -> None:
        self.lang = lang
        self.directory = directory
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._memo: dict[str, str | None] = {}

    def _source(self) -> Path:
        import spacy_lookups_data

        return Path(spacy_lookups_data.__file__).parent / "data" / f"{self.lang}_lemma_lookup.json.gz"

    def _open(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        import spacy_lookups_data

        version = getattr(spacy_lookups_data, "__version__", "0")
        path = self.directory / f"lemmas-{self.lang}-{version}.sqlite"
        if not path.exists():
            try:
                self._build(path)
            except OSError:
                path = Path(":memory:")
        if str(path) == ":memory:":
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            self._fill(conn)
        else:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._conn = conn
        return conn

    def _fill(self, conn: sqlite3.Connection) -> None:
        with gzip.open(self._source(), "rt", encoding="utf-8") as f:
            table: dict[str, str] = json.load(f)
        conn.execute("CREATE TABLE IF NOT EXISTS lemma (word TEXT PRIMARY KEY, lemma TEXT) WITHOUT ROWID")
        conn.executemany(
            "INSERT OR REPLACE INTO lemma VALUES (?, ?)", ((k, v) for k, v in table.items() if k != v)
        )
        conn.commit()

    def _build(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        conn = sqlite3.connect(tmp)
        try:
            self._fill(conn)
        finally:
            conn.close()
        tmp.replace(path)

    def forget_connection(self) -> None:
        """Drop the SQLite connection (a forked child must open its own)."""
        self._conn = None
        self._lock = threading.Lock()

    def lookup(self, words: set[str]) -> dict[str, str]:
        """The lemmas of those words the table knows (others are left out).

        Answers are remembered (known words and unknown ones), so the common
        words of later drafts cost a dict lookup instead of a query.
        """
        if not words:
            return {}
        memo = self._memo
        out: dict[str, str] = {}
        missing: list[str] = []
        for w in words:
            lemma = memo.get(w, _UNSEEN)
            if lemma is _UNSEEN:
                missing.append(w)
            elif lemma is not None:
                out[w] = lemma  # type: ignore[assignment]
        if not missing:
            return out
        with self._lock:
            conn = self._open()
            fetched: dict[str, str] = {}
            for i in range(0, len(missing), 500):
                chunk = missing[i : i + 500]
                marks = ",".join("?" * len(chunk))
                fetched.update(conn.execute(f"SELECT word, lemma FROM lemma WHERE word IN ({marks})", chunk))
        if len(memo) > _MEMO_LIMIT:
            memo.clear()
        for w in missing:
            memo[w] = fetched.get(w)
        out.update(fetched)
        return out


#: Runs without spaces that spaCy's tokenizer must not see: it strips prefixes and suffixes one at a
#: time, each strip a regex search over the rest of the run, so its cost grows with the square of a run
#: that has many of them (10 KB of "!" took 12 s), and it is slow even on one long word. Long runs (33
#: characters or more: base64, minified code, 1 MB "words") become one token each; shorter runs with
#: four or more non-word characters (short URLs aside) are cut by :data:`_PIECE`. Checks read the
#: text, not the tokens; tokens give lemmas, sentences and word distances, none found in such runs.
_COSTLY_RUN = re.compile(r"(?<!\S)(?:(\S{33,}+)|(?![^\s:]*+://)(?=(?:\w*+[^\w\s]){4})\S++)")
#: Tokens of a short costly run: words, a character repeated (up to 64 times), any other character.
_PIECE = re.compile(r"\w+|([^\w\s])\1{0,63}")


def tokenize(nlp: Language, text: str) -> Doc:
    """spaCy's tokens of ``text``, in time linear in its length whatever the text.

    Ordinary prose goes through spaCy's tokenizer as it is; runs it would handle
    slowly (see :data:`_COSTLY_RUN`) are cut by a linear regex. The Doc's text is
    ``text`` exactly, so every offset stays true. spaCy's ``max_length`` (meant for
    the parser and NER, which blank pipelines do not have) is not applied: the
    callers' size limits are.
    """
    from spacy.tokens import Doc

    costly = list(_COSTLY_RUN.finditer(text))
    if not costly:
        return nlp.tokenizer(text)
    words: list[str] = []
    spaces: list[bool] = []
    pos = 0

    def prose(part: str) -> None:
        if part:
            for token in nlp.tokenizer(part):
                words.append(token.text)
                spaces.append(bool(token.whitespace_))

    for run in costly:
        start, end = run.span()
        prose(text[pos:start])
        if run.group(1):
            words.append(run.group(1))
        else:
            words.extend(m.group() for m in _PIECE.finditer(text, start, end))
        spaces.extend(False for _ in range(len(words) - len(spaces)))
        pos = end
        if text.startswith(" ", end):  # spaCy's own way: one space after a token belongs to it
            spaces[-1] = True
            pos += 1
    prose(text[pos:])
    return Doc(nlp.vocab, words=words, spaces=spaces)


_UNSEEN = object()
#: Words a lemma table remembers before it forgets them all (bounded memory; a query refills it).
_MEMO_LIMIT = 50_000
#: A blank pipeline is rebuilt when its string store holds this many strings: the store (and the
#: vocabulary and tokenizer cache beside it) grows with every new word spaCy sees, and a server runs
#: for weeks. Rebuilding takes under a second; ordinary prose reaches this rarely.
_RENEW_STRINGS = 100_000

_BLANK: dict[str, Language] = {}
_BLANK_LOCK = threading.Lock()


class NLP:
    """Loads each pipeline once and turns texts into ``Doc`` objects with lemmas."""

    def __init__(self, models: Mapping[str, str] | None = None, directory: Path | None = None) -> None:
        self.models = dict(models or {})
        self.directory = directory or cache_dir()
        self._pipelines: dict[str, Language] = {}
        self._tables: dict[str, LemmaTable] = {}
        self._sentencizers: dict[str, Callable[[Doc], Doc]] = {}
        self._lock = threading.Lock()

    def pipeline(self, lang: str) -> Language:
        with self._lock:
            nlp = self._pipelines.get(lang)
            if nlp is None:
                nlp = self._load(lang)
                self._pipelines[lang] = nlp
            return nlp

    def _load(self, lang: str) -> Language:
        import spacy

        name = self.models.get(lang)
        if name:
            try:
                return spacy.load(name)
            except OSError:
                raise ConfigError(
                    f"the spaCy pipeline {name!r} is not installed (install it with pip, "
                    "or remove it from the config to use the built-in blank pipeline)",
                    key=f"spacy_models.{lang}",
                ) from None
        with _BLANK_LOCK:
            nlp = _BLANK.get(lang)
            if nlp is None:
                nlp = _BLANK[lang] = spacy.blank(lang)
            return nlp

    def sentencizer(self, lang: str) -> Callable[[Doc], Doc]:
        """spaCy's rule-based sentencizer, applied on demand (most checks never need sentences)."""
        with self._lock:
            pipe = self._sentencizers.get(lang)
            if pipe is None:
                from spacy.pipeline import Sentencizer

                pipe = self._sentencizers[lang] = Sentencizer()
            return pipe

    def after_fork(self) -> None:
        """Make a forked worker process open its own database connections and locks."""
        global _BLANK_LOCK
        _BLANK_LOCK = threading.Lock()  # another thread may have held it at the fork
        self._lock = threading.Lock()
        for table in self._tables.values():
            table.forget_connection()

    def table(self, lang: str) -> LemmaTable:
        t = self._tables.get(lang)
        if t is None:
            t = self._tables[lang] = LemmaTable(lang, self.directory)
        return t

    def lemmas(self, words: set[str], lang: str, *, also: tuple[str, ...] = ()) -> dict[str, str]:
        """The lookup lemmas of those ``words`` the tables know, without tokenising anything.

        ``also`` as in :meth:`make_doc`. A trained pipeline (``spacy_models``) brings its own
        lemmatizer: its words get none from the tables.
        """
        if lang in self.models:
            return {}
        found = self.table(lang).lookup(words)
        for other in also:
            if other != lang:
                missing = words - found.keys()
                for k, v in self.table(other).lookup(missing).items():
                    found.setdefault(k, v)
        return found

    def make_doc(self, text: str, lang: str, *, also: tuple[str, ...] = ()) -> Doc:
        """Tokenise, split sentences and set lookup lemmas.

        ``also`` names further languages whose tables fill in lemmas the main
        language's table does not know (for drafts that mix languages).
        """
        import numpy

        nlp = self.pipeline(lang)
        with _BLANK_LOCK:  # spaCy's tokenizer caches are not safe to share between threads
            if lang in self.models:
                return nlp(text)  # a trained pipeline brings its own lemmatizer and sentences
            doc = tokenize(nlp, text)
            if len(nlp.vocab.strings) > _RENEW_STRINGS:
                _BLANK.pop(lang, None)
                self._pipelines.pop(lang, None)
        strings = doc.vocab.strings
        orths = doc.to_array("ORTH").tolist()
        words = {w for w in (strings[o] for o in set(orths)) if w.isalpha()}
        found = self.lemmas(words, lang, also=also)
        doc.user_data[LEMMAS_KEY] = found
        if found:
            by_orth = {strings[k]: strings.add(v) for k, v in found.items()}
            lemmas = numpy.array([[by_orth.get(o, 0)] for o in orths], dtype="uint64")
            doc.from_array(["LEMMA"], cast(Any, lemmas))
        return doc
