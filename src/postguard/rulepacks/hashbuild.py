"""Writing a hashed pack (``postguard pack build``): every secret string a keyed hash, every form a record.

See :mod:`postguard.rulepacks.hashed` for the format, what it protects and how it is loaded.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from postguard.matches import shape_key, spaced_key
from postguard.pieces import _term_parts
from postguard.rulepacks.hashed import (
    _DELETION,
    _FORM_LETTERS,
    _MODE_LETTERS,
    ALGORITHM,
    FORMAT,
    INDEX_LETTERS,
    KEY_LENGTH_STEP,
    SWAP_POSITION,
    KeyedHash,
    decode_salt,
    head_bitmap,
    keyed_hash,
    new_salt,
    short_key,
    to_text,
)
from postguard.terms import MAX_PIECES, TermIndex, split_pieces, term_key
from postguard.typos import MAX_TYPO_LEN, digest, edits


def hash_term(term: str, transform: Callable[[str], str]) -> str | None:
    """``KEY.SHAPE`` for a term (its key's hash and its boundaries' hash), or None without letters."""
    key, lengths = term_key(term)
    if not key:
        return None
    return f"{to_text(transform(key))}.{to_text(transform(shape_key(key, lengths)))}"


def hash_host(host: str, transform: Callable[[str], str]) -> str:
    return to_text(transform(host.strip().lower().rstrip(".")))


def max_key_length(keys: list[str]) -> int:
    """The longest of normalised ``keys``, rounded up to a multiple of :data:`KEY_LENGTH_STEP`."""
    longest = max((len(k) for k in keys), default=0)
    return max(KEY_LENGTH_STEP, -(-longest // KEY_LENGTH_STEP) * KEY_LENGTH_STEP)


def max_pieces(terms: list[str]) -> int:
    """How many pieces of a draft a scan of the hashed indexes must run over (``max_pieces``).

    The most pieces of any term, a joiner word ("und" in "Kessler und Söhne") counted, plus one,
    so that a term with one word written in two ("Trek-ker T5") is still found as a spacing
    variant. A plain index stops a scan once eight letters are no term's start; a hashed one,
    without that prefix set, would run on over :data:`~postguard.terms.MAX_PIECES` pieces and try
    every compound cut of each. The number says only how many words the longest term has.
    """
    most = max((len(_term_parts(t)) for t in terms), default=1)
    return min(MAX_PIECES, most + 1)


def names_in(text: str, secrets_: list[str]) -> list[str]:
    """The secret terms that a free text (a note, a replacement) names, compared by normalised pieces."""
    words = [term_key(text[a:b])[0] for a, b in split_pieces(text)]
    joined = " " + " ".join(words) + " "
    out = []
    for s in secrets_:
        key, lengths = term_key(s)
        if key and (f" {spaced_key(key, lengths)} " in joined or f" {key} " in joined):
            out.append(s)
    return out


def term_forms(
    term: str, index: str, mode: str, transform: KeyedHash, *, typos: bool = False, parts: bool = False
) -> tuple[list[str], list[str]]:
    """The ``hashed_forms`` records of one term, and its plain keys (for the head filter and length).

    The records are what :meth:`TermIndex.add` stores for the term under ``transform``: every
    form (transliterations, the joiner-less key, a name's last word, a model number with its
    family) and, for a distinctive one-word term, its deletion keys, padded with random ones to
    :data:`MAX_TYPO_LEN` so that their count does not give the term's length away.
    """
    hashed: TermIndex[int] = TermIndex(key_transform=transform)
    plain: TermIndex[int] = TermIndex()
    hashed.add(term, 0, mode, typos=typos, parts=parts)
    plain.add(term, 0, mode, typos=typos, parts=parts)
    eligible = len(hashed.typo_keys) > 0  # only these get typos and may end a compound
    letter = INDEX_LETTERS[index]
    out = []
    for stored, entries in hashed.entries.items():
        for e in entries:
            head = f"{letter}{_FORM_LETTERS[e.form]}{_MODE_LETTERS[e.mode]}{'yn'[not (e.typos and eligible)]}"
            fields = [f"{head}{e.umlauts}", to_text(stored), to_text(str(e.lengths))]
            if e.family is not None:
                fields.append(to_text(e.family))
            out.append(".".join(fields))
    if eligible:
        pairs = hashed.typo_keys.pending()
        # padding at the positions the term does not have: every term shows positions 0-29 once
        pairs += [(_random_digest(), p) for p in range(len(pairs), MAX_TYPO_LEN)]
        key = term_key(term)[0]
        # the term with two neighbours swapped (edits() yields its deletions, then its swaps), at
        # SWAP_POSITION: a word that is one of them is a typo, found with the keyed hash of the
        # word itself instead of one keyed hash per swap of every word of a draft
        swaps = [(digest(transform(s)), SWAP_POSITION) for s in list(edits(key))[len(key) :]]
        swaps += [(_random_digest(), SWAP_POSITION) for _ in range(len(swaps), MAX_TYPO_LEN - 1)]
        blob = b"".join(_DELETION.pack(h, p) for h, p in sorted(pairs + swaps))
        out.append(f"{letter}d.{to_text(hashed.typo_keys.terms[0])}.{base64.b64encode(blob).decode()}")
    return out, list(plain.entries)


def _random_digest() -> int:
    return int.from_bytes(secrets.token_bytes(8), "little", signed=True)


def build_hashed(raw: dict[str, Any], salt: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """The hashed form of a (validated) pack's TOML data, and warnings for the author.

    ``[[test]]`` drafts are dropped (they name the secrets); patterns stay as written.
    """
    salt = salt or new_salt()
    transform = keyed_hash(decode_salt(salt))
    warnings: list[str] = []
    secret_terms: list[str] = []
    for e in raw.get("confidential", []):
        secret_terms += [t for t in e.get("terms", []) if e.get("kind") != "host"]
    for e in raw.get("embargo", []):
        secret_terms += [e["name"], *e.get("aliases", [])]
    out: dict[str, Any] = {}
    if "pack" in raw:
        out["pack"] = dict(raw["pack"])
    out["hashed"] = {"format": FORMAT, "algorithm": ALGORITHM, "salt": salt}
    plain_keys: list[str] = []
    form_keys: dict[str, list[str]] = {letter: [] for letter in INDEX_LETTERS.values()}

    def terms(values: list[str]) -> list[str]:
        plain_keys.extend(values)
        return [h for h in (hash_term(v, transform) for v in values) if h]

    def forms(values: list[str], index: str, mode: str, **kw: bool) -> list[str]:
        out = []
        for v in values:
            records, keys = term_forms(v, index, mode, transform, **kw)
            out += records
            form_keys[INDEX_LETTERS[index]].extend(keys)
        return out

    confidential = []
    for i, e in enumerate(raw.get("confidential", [])):
        h = {k: v for k, v in e.items() if k not in ("terms", "context", "allow")}
        records: list[str] = []
        mode = e.get("match", "exact" if e.get("kind") == "marking" else "word")
        distinctive = e.get("kind") in ("codename", "client") and not e.get("context")
        if "terms" in e:
            if e.get("kind") == "host":
                h["hashed_terms"] = [hash_host(t, transform) for t in e["terms"]]
            else:
                h["hashed_terms"] = terms(e["terms"])
                records += forms(e["terms"], "confidential", mode, typos=distinctive)
        if "context" in e:
            h["hashed_context"] = terms(e["context"])
            records += forms(e["context"], "context", "word")
        if "allow" in e:
            h["hashed_allow"] = terms(e["allow"])
            records += forms(e["allow"], "allow", "word")
        if records:
            h["hashed_forms"] = records
        if "patterns" in e:
            warnings.append(
                f"confidential[{i}].patterns: regular expressions are not hashed, they ship as written"
            )
        confidential.append(h)
    embargo = []
    for e in raw.get("embargo", []):
        h = {k: v for k, v in e.items() if k not in ("name", "aliases")}
        h["hashed_name"] = terms([e["name"]])[0]
        if "aliases" in e:
            h["hashed_aliases"] = terms(e["aliases"])
        h["hashed_forms"] = forms(
            [e["name"], *e.get("aliases", [])], "embargo", "word", typos=True, parts=True
        )
        embargo.append(h)
    keys = [term_key(t)[0] for t in plain_keys] + [k for ks in form_keys.values() for k in ks]
    out["hashed"]["max_key_length"] = max_key_length(keys)
    out["hashed"]["max_pieces"] = max_pieces(plain_keys)
    out["hashed"]["starts"] = base64.b64encode(head_bitmap(form_keys, transform)).decode()
    # keys of one to three letters, exactly (no secret: a salt holder tries all of them in a moment)
    out["hashed"]["short_heads"] = {
        letter: sorted({to_text(transform(short_key(k))) for k in ks if len(k) < 4})
        for letter, ks in form_keys.items()
        if any(0 < len(k) < 4 for k in ks)
    }
    for section, entries in (("confidential", confidential), ("embargo", embargo)):
        for i, h in enumerate(entries):
            for key in ("note", "replacement"):
                value = h.get(key)
                texts = list(value.values()) if isinstance(value, dict) else [value] if value else []
                named = [n for t in texts for n in names_in(t, secret_terms)]
                if named:
                    raise ValueError(
                        f"{section}[{i}].{key} names a protected term ({named[0]!r}): "
                        "write it without the name"
                    )
    if confidential:
        out["confidential"] = confidential
    if embargo:
        out["embargo"] = embargo
    if raw.get("test"):
        warnings.append(f"[[test]]: {len(raw['test'])} self-tests dropped (they name the protected terms)")
    for key, value in raw.items():
        if key not in ("pack", "confidential", "embargo", "test"):
            out[key] = value
    return out, warnings


#: A TOML basic string of base64 and dots only (every hash, record and bitmap of a hashed pack).
_PLAIN_STRING = re.compile(r'"([A-Za-z0-9+/=.]*)"')


def dumps(data: Mapping[str, Any]) -> str:
    """The TOML text of a hashed pack, its hashes written as literal strings (``'...'``).

    They mean the same, but Python's TOML parser reads a basic string character by character and
    a literal one in one step: a 20,000-term pack loads in half the time. Only strings of base64
    letters and dots are rewritten, which need no escapes in either form.
    """
    import tomli_w

    return _PLAIN_STRING.sub(r"'\1'", tomli_w.dumps(data))
