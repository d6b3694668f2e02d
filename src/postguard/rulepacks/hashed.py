"""Hashed packs: every secret string of a pack stored as a keyed hash of its normalised key.

``postguard pack build SRC.toml -o PACK.toml`` writes a pack in which every
confidential term, context word, allow phrase, host and embargo name or alias
is ``HMAC-SHA256(salt, key)`` (truncated to 128 bits, base64): the matcher
looks up only exact normalised keys (see :mod:`postguard.terms`), so a hashed
index finds what a plain one finds. Each term also carries the hash of its
piece boundaries (``"trekker t5"``), so "Trekker T5" is still an exact match
and "Trek-ker T5" still a spacing variant. No prefix, length or piece table is
stored in clear: a keyed bitmap of first letters (see :class:`HeadFilter`) lets the
index skip most places. Writing one: :mod:`postguard.rulepacks.hashbuild`.

What it protects: casual reading of a pack on a laptop, a leaked copy, a
search for a name in it. What it does not: a dictionary attack. The salt ships
with the pack, so anyone who has it can hash candidate words and compare;
word-like codenames ("Sturmvogel") fall quickly. Regular expressions
(``patterns``) cannot be hashed and are kept as written.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import struct
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from postguard.matches import EXACT, MODEL, PART, TRANSLIT, Entry
from postguard.rulepacks import fields as f
from postguard.rulepacks.values import Where, expect_int, expect_str, expect_str_list, expect_table
from postguard.terms import MAX_PIECES, TermIndex

FORMAT = 4
#: Format 1 packs (``hashed_terms`` only, no ``hashed_forms``) still load, with the exact forms only;
#: format 2 ones with one head bitmap for all indexes (format 3: one per index, see HeadFilter);
#: formats 1-3 without ``max_pieces`` (format 4), so their scans run on over MAX_PIECES pieces.
#: Format 4 also keeps a term's swaps among its deletion keys (SWAP_POSITION).
FORMATS = (1, 2, 3, 4)
ALGORITHM = "hmac-sha256-128"
SALT_BYTES = 32
#: The longest key looked up is rounded up to a multiple of this, so it says little about any term.
KEY_LENGTH_STEP = 16
_CACHE_LIMIT = 100_000


def new_salt() -> str:
    return base64.b64encode(secrets.token_bytes(SALT_BYTES)).decode()


def decode_salt(text: str) -> bytes:
    try:
        salt = base64.b64decode(text, validate=True)
    except ValueError:
        raise ValueError("salt is not base64") from None
    if len(salt) < 16:
        raise ValueError("salt is shorter than 16 bytes")
    return salt


class KeyedHash(dict[str, str]):
    """``key -> digest``: HMAC-SHA256 under the pack's salt, 16 bytes as a latin-1 string.

    A class, not a closure, so that indexes holding it can be pickled into the pack cache.
    Results are memoised per process (this dict: a known key is answered by ``dict.__getitem__``,
    in C; a new one goes to :meth:`__missing__`): a draft looks up the same candidates again and
    again. The HMAC is computed from the salt's inner and outer SHA-256 states, prepared once and
    copied per key (RFC 2104): the same digest as ``hmac.digest(salt, key, "sha256")``, without
    the ``hmac`` module's Python objects per key (an attacker can do the same, so this changes
    nothing about guessing).
    """

    def __init__(self, salt: bytes) -> None:
        super().__init__()
        self.salt = salt
        block = (hashlib.sha256(salt).digest() if len(salt) > 64 else salt).ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block)).copy
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block)).copy

    #: ``transform(key)``: the memo answers in C; a new key goes to :meth:`__missing__`.
    __call__ = dict.__getitem__

    def __missing__(self, key: str) -> str:
        inner = self._inner()
        inner.update(key.encode())
        outer = self._outer()
        outer.update(inner.digest())
        out = outer.digest()[:16].decode("latin-1")
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        self[key] = out
        return out

    def __reduce__(self) -> Any:
        return (KeyedHash, (self.salt,))  # never pickle the memo (it holds words of drafts)

    def __bool__(self) -> bool:
        return True  # a transform, however empty its memo (TermIndex tests ``if key_transform``)

    def __eq__(self, other: object) -> bool:  # the same transform, whatever either has memoised
        return isinstance(other, KeyedHash) and other.salt == self.salt

    def __hash__(self) -> int:  # type: ignore[override]  # a dict is unhashable; a transform is not
        return hash(self.salt)


def keyed_hash(salt: bytes) -> KeyedHash:
    return KeyedHash(salt)


class HeadBits(dict[str, int]):
    """A head of a draft -> the indexes whose :class:`HeadFilter` it passes, as a bit per slot.

    One per hashed pack, shared by its four filters (memoised per process, never pickled): a new
    head of a draft costs one keyed hash of ``"^" + head`` and the lookups of its one to three
    letter prefixes (themselves memoised) once for all four indexes, not once per index. Format 2
    (``slots`` None): one bit for any prefix of up to four letters, set for every index.
    """

    def __init__(
        self,
        transform: KeyedHash,
        bitmap: bytes,
        short: Mapping[int, frozenset[str]] | None = None,
    ) -> None:
        super().__init__()
        self.transform = transform
        self.bitmap = bitmap
        self.nbits = len(bitmap) * 8
        #: Format 3: by slot, the keyed hashes of the index's keys of one to three letters.
        self.short = short
        self._short_masks: dict[str, int] = {}

    def _has(self, n: int) -> bool:
        return bool(self.bitmap[n >> 3] & (1 << (n & 7)))

    def __missing__(self, head: str) -> int:
        short = self.short
        if short is None:  # format 2: any prefix's bit stands for every index
            hit = any(
                self._has(head_bit(self.transform, head[:k], self.nbits))
                for k in range(1, min(4, len(head)) + 1)
            )
            mask = ALL_SLOTS if hit else 0
        else:
            mask = 0
            if len(head) >= 4:
                digest = self.transform("^" + head[:4]).encode("latin-1")
                for slot in SLOTS.values():
                    if self._has(int.from_bytes(digest[4 * slot : 4 * slot + 4], "big") % self.nbits):
                        mask |= 1 << slot
            if any(short.values()):
                for k in range(1, min(3, len(head)) + 1):
                    mask |= self._short_mask(head[:k])
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        self[head] = mask
        return mask

    def _short_mask(self, prefix: str) -> int:
        mask = self._short_masks.get(prefix)
        if mask is None:
            digest = self.transform(short_key(prefix))
            mask = sum(1 << slot for slot, keys in (self.short or {}).items() if digest in keys)
            if len(self._short_masks) >= _CACHE_LIMIT:
                self._short_masks.clear()
            self._short_masks[prefix] = mask
        return mask

    def __reduce__(self) -> Any:
        return (HeadBits, (self.transform, self.bitmap, self.short))  # never pickle the memo


class HeadFilter(dict[str, bool]):
    """Where a term of a hashed index may start: a keyed bitmap of the terms' first four letters.

    Format 3: each key of four letters or more sets one bit for its first four letters, taken from
    the 4 bytes of ``HMAC(salt, "^" + head)`` that belong to its index (terms, context words,
    allow phrases, embargo names: one keyed hash per head of a draft serves all four, see
    :class:`HeadBits`). A place of the text is scanned only when its head hits a set bit. Keys of
    one to three letters are kept as exact keyed hashes (``short``): they say nothing a salt holder
    could not find by trying all 50,000 such keys in a moment. Format 2 packs have one bitmap of
    every head for all indexes, and a place's shorter heads are tested in it too. Either way the
    hashed index skips most places, as the plain one does with its prefix set. The bitmap has at
    most 16,384 bits, so each bit stands for a hundred or more possible four-letter heads and
    reveals no name, only a coarse hint to someone who already holds the salt (who can test whole
    guesses against the key hashes anyway). ``extra`` holds heads in clear of words the index got
    from another pack's vocabulary (the equivalents of a hashed context word).
    """

    def __init__(
        self,
        transform: KeyedHash,
        bitmap: bytes,
        slot: int | None = None,
        short: frozenset[str] | None = None,
        extra: frozenset[str] = frozenset(),
        bits: HeadBits | None = None,
    ) -> None:
        super().__init__()
        if bits is None:  # a filter of its own (format 2, or one index alone)
            bits = HeadBits(transform, bitmap, None if slot is None else {slot: short or frozenset()})
        self.transform = transform
        self.bitmap = bitmap
        #: Format 3: which 4 bytes of a head's keyed hash set this index's bit (0-3); None: format 2.
        self.slot = slot
        self.short = short
        self.extra = extra
        self.bits = bits
        self._mask = ALL_SLOTS if slot is None else 1 << slot

    #: ``filter(head)``: the memo (this dict) answers in C; a new head goes to :meth:`__missing__`.
    __call__ = dict.__getitem__

    def __missing__(self, head: str) -> bool:
        hit = bool(self.bits[head] & self._mask)
        if not hit and self.extra:
            hit = any(head[:k] in self.extra for k in range(1, min(4, len(head)) + 1))
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        self[head] = hit
        return hit

    def with_extra(self, heads: Iterable[str]) -> HeadFilter:
        return HeadFilter(
            self.transform, self.bitmap, self.slot, self.short, self.extra | set(heads), self.bits
        )

    def __reduce__(self) -> Any:
        # never pickle the memo: it holds the heads of drafts' words
        return (HeadFilter, (self.transform, self.bitmap, self.slot, self.short, self.extra, self.bits))


def short_key(key: str) -> str:
    """What is hashed for a key of one to three letters (format 3; ``short_heads`` per index)."""
    return f"!{key}"


def head_bit(transform: Callable[[str], str], head: str, nbits: int, slot: int | None = None) -> int:
    """The bit of ``head``: from the first 4 bytes of its keyed hash, or (format 3) bytes ``4 * slot``
    on, one slot per index: one keyed hash per head of a draft serves all four indexes."""
    at = 4 * (slot or 0)
    return int.from_bytes(transform("^" + head)[at : at + 4].encode("latin-1"), "big") % nbits


def head_bitmap(keys: Sequence[str] | Mapping[str, Iterable[str]], transform: Callable[[str], str]) -> bytes:
    """The :class:`HeadFilter` bitmap of normalised keys: 1,024 to 16,384 bits, about 16 per head.

    ``keys`` by index letter (format 3: each index tests only its own heads), or one list for all
    indexes (format 2).
    """
    if isinstance(keys, Mapping):  # format 3: keys of 1-3 letters go to short_heads instead
        heads: set[tuple[int | None, str]] = {
            (SLOTS[letter], k[:4]) for letter, ks in keys.items() for k in ks if len(k) >= 4
        }
    else:
        heads = {(None, k[:4]) for k in keys if k}
    nbits = 1024
    while nbits < 16 * len(heads) and nbits < 16384:
        nbits *= 2
    bits = bytearray(nbits // 8)
    for slot, head in heads:
        n = head_bit(transform, head, nbits, slot)
        bits[n >> 3] |= 1 << (n & 7)
    return bytes(bits)


def to_text(digest: str) -> str:
    """A digest as stored in TOML (unpadded base64)."""
    return base64.b64encode(digest.encode("latin-1")).decode().rstrip("=")


def from_text(text: str) -> str:
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except ValueError:
        raise ValueError(f"{text!r} is not a hashed term") from None
    if len(raw) != 16:
        raise ValueError(f"{text!r} is not a hashed term (expected 16 bytes)")
    return raw.decode("latin-1")


def parse_hashed_term(text: str) -> tuple[str, str]:
    """(key digest, shape digest) of a ``KEY.SHAPE`` string."""
    key, sep, shape = text.partition(".")
    if not sep:
        raise ValueError(f"{text!r} is not a hashed term (KEY.SHAPE)")
    return from_text(key), from_text(shape)


#: A record of ``hashed_forms``: ``HEAD.KEY.SHAPE[.FAMILY]``, HEAD being the index letter, the
#: form letter, the mode letter, ``y``/``n`` for a distinctive term and the umlaut count; or
#: ``Id.KEY.DELETIONS`` for a term's deletion keys (its one-edit typos, see postguard.typos).
INDEX_LETTERS = {"confidential": "c", "context": "x", "allow": "a", "embargo": "b"}
#: Format 3: the slot of each index in a head's keyed hash (see :func:`head_bit`).
SLOTS = {letter: n for n, letter in enumerate(INDEX_LETTERS.values())}
ALL_SLOTS = (1 << len(SLOTS)) - 1
_INDEX_NAMES = {v: k for k, v in INDEX_LETTERS.items()}
_FORM_LETTERS = {EXACT: "e", TRANSLIT: "t", PART: "p", MODEL: "m"}
_FORM_NAMES = {v: k for k, v in _FORM_LETTERS.items()}
_MODE_LETTERS = {"word": "w", "exact": "x", "label": "l"}
_MODE_NAMES = {v: k for k, v in _MODE_LETTERS.items()}
_DELETION = struct.Struct("<qB")
#: Format 4: the position of a deletion record that is the term with two neighbours swapped (no
#: deletion of a word of at most 31 letters has it), so the matcher need not hash every swap.
SWAP_POSITION = 31


def add_forms(indexes: Mapping[str, TermIndex[int]], records: Sequence[str], ref: int, where: Any) -> None:
    """Index the ``hashed_forms`` records of one entry (``ref``) into ``indexes`` (by index name)."""
    for i, record in enumerate(records):
        try:
            head, key, rest = record.split(".", 2)
            index = indexes[_INDEX_NAMES[head[0]]]
            if head[1:] == "d":
                blob = base64.b64decode(rest, validate=True)
                index.add_typo_keys(from_text(key), blob)
                continue
            shape, _, family = rest.partition(".")
            entry = Entry(
                ref,
                _MODE_NAMES[head[2]],
                from_text(shape),
                _FORM_NAMES[head[1]],
                int(head[4:]),
                head[3] == "y",
                from_text(family) if family else None,
            )
        except (KeyError, IndexError, ValueError, struct.error):
            raise where.child(i).error(f"{record[:40]!r} is not a hashed form") from None
        index.add_entry(from_text(key), entry)


# -- loading a hashed pack ------------------------------------------------------------

_RENAMES = {
    "hashed_terms": "terms",
    "hashed_context": "context",
    "hashed_allow": "allow",
    "hashed_name": "name",
    "hashed_aliases": "aliases",
}
#: Keys of a hashed pack's entries that the entry parsers never see (taken out by rulepacks._build).
FORMS_KEY = "hashed_forms"


@dataclass(frozen=True, slots=True)
class HashedPack:
    """A hashed pack's key: its transform, the longest key its terms may have and their most pieces."""

    transform: KeyedHash
    max_len: int
    #: By index name (``confidential``, ``context``, ``allow``, ``embargo``); empty without ``starts``.
    head_filters: Mapping[str, HeadFilter] = field(default_factory=dict)
    #: The most pieces of a draft a scan runs over (TermIndex.max_pieces): format 4's ``max_pieces``.
    max_pieces: int = MAX_PIECES
    #: Format 4: the terms' swaps are among their deletion keys (see hashindex.HashedIndex).
    swaps_stored: bool = False


def _short_heads(value: Any, where: Where) -> dict[str, frozenset[str]]:
    """``short_heads``: per index letter, the keyed hashes of its keys of one to three letters."""
    table = expect_table(value, where, tuple(INDEX_LETTERS.values()))
    out = {}
    for letter, digests in table.items():
        w = where.child(letter)
        try:
            out[letter] = frozenset(from_text(d) for d in expect_str_list(digests, w, empty_ok=True))
        except ValueError as exc:
            raise w.error(str(exc)) from None
    return out


#: A hashed term (``KEY.SHAPE``, a host ``KEY``) and a ``hashed_forms`` record, for the schema.
HASH_TEXT = r"^[A-Za-z0-9+/]{22}(\.[A-Za-z0-9+/]{22})?$"
HASH_FORMS = (
    r"^[cxab](d\.[A-Za-z0-9+/]{22}\.[A-Za-z0-9+/=]+|[etpm][wxl][yn][0-9]+(\.[A-Za-z0-9+/]{22}){2,3})$"
)

HASHED = f.Table(
    {
        "format": f.Key({"enum": list(FORMATS)}, lambda v, w: expect_int(v, w, 1, 1000)),
        "algorithm": f.Key({"const": ALGORITHM}, expect_str),
        "salt": f.Key({"type": "string", "minLength": 22, "description": "Base64, per pack."}, expect_str),
        "max_key_length": f.integer(1, 10_000),
        "max_pieces": f.integer(
            1,
            100,
            "The most pieces (words, CamelCase parts, a joiner word) of any term, plus one for a"
            " word written in two (format 4): a scan of a draft stops after this many.",
        ),
        "starts": f.Key(
            {
                "type": "string",
                "description": "Base64 bitmap of keyed hashes of the terms' first letters, per index from"
                " format 3 (1,024-16,384 bits).",
            },
            expect_str,
        ),
        "short_heads": f.Key(
            {
                "type": "object",
                "additionalProperties": False,
                "description": "Per index (c, x, a, b), keyed hashes of its keys of one to three letters"
                " (format 3).",
                "properties": {k: {"type": "array", "items": {"type": "string"}} for k in "cxab"},
            },
            _short_heads,
        ),
    },
    required=("format", "algorithm", "salt", "max_key_length"),
    description=(
        "Present in hashed packs only (written by `postguard pack build`): how the terms were hashed."
    ),
)


def parse_hashed_section(value: Any, where: Where) -> HashedPack:
    """The ``[hashed]`` table."""
    t = HASHED.check(value, where)
    fmt = t["format"]
    if fmt not in FORMATS:
        raise where.child("format").error(
            f"hashed pack format {fmt} is not supported (this postguard: {FORMAT})"
        )
    if t["algorithm"] != ALGORITHM:
        raise where.child("algorithm").error(f"unknown algorithm {t['algorithm']!r} (expected {ALGORITHM!r})")
    try:
        salt = decode_salt(t["salt"])
    except ValueError as exc:
        raise where.child("salt").error(str(exc)) from None
    transform = KeyedHash(salt)
    head_filters: dict[str, HeadFilter] = {}
    short = t.get("short_heads", {})
    if "starts" in t:
        try:
            bitmap = base64.b64decode(t["starts"], validate=True)
        except ValueError:
            raise where.child("starts").error("not base64") from None
        if not bitmap:
            raise where.child("starts").error("is empty")
        shorts = {SLOTS[letter]: short.get(letter, frozenset()) for letter in INDEX_LETTERS.values()}
        bits = HeadBits(transform, bitmap, shorts if fmt >= 3 else None)
        for name, letter in INDEX_LETTERS.items():
            slot = SLOTS[letter] if fmt >= 3 else None
            head_filters[name] = HeadFilter(transform, bitmap, slot, shorts.get(SLOTS[letter]), bits=bits)
    pieces = min(MAX_PIECES, t.get("max_pieces", MAX_PIECES))
    return HashedPack(transform, t["max_key_length"], head_filters, pieces, fmt >= 4)


def unhash_keys(table: Any, where: Any, plain: Sequence[str]) -> Any:
    """An entry of a hashed pack with its ``hashed_*`` keys under their plain names, for the parsers.

    Plain ``terms``, ``context``, ... are refused in a hashed pack: they would ship in clear.
    """
    if not isinstance(table, dict):
        return table
    for key in plain:
        if key in table:
            raise where.child(key).error(f"a hashed pack lists hashed_{key}, never {key} in clear")
    return {_RENAMES.get(k, k): v for k, v in table.items()}


def hashed_digests(text: str, where: Any) -> tuple[str, str]:
    try:
        return parse_hashed_term(text)
    except ValueError as exc:
        raise where.error(str(exc)) from None


def hashed_digest(text: str, where: Any) -> str:
    """The digest of a hashed host (one part, no shape)."""
    try:
        return from_text(text)
    except ValueError as exc:
        raise where.error(str(exc)) from None
