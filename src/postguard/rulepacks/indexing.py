"""Indexing loaded packs: the term indexes of the merged packs, plain and per hashed pack."""

from __future__ import annotations

from collections.abc import Mapping

from postguard.rulepacks.hashed import HashedPack, HeadFilter, add_forms, hashed_digest, hashed_digests
from postguard.rulepacks.hashindex import HashedIndex, HostTable, MultiIndex
from postguard.rulepacks.specs import PackSet
from postguard.rulepacks.values import Where
from postguard.terms import TermIndex, term_key


def index_packs(
    packs: PackSet,
    hashed: Mapping[str, HashedPack],
    forms: Mapping[tuple[str, int], tuple[Where, tuple[str, ...]]],
) -> None:
    """Build the term indexes of the merged packs: one for plain terms, one per hashed pack (own salt).

    Codenames and clients without ``context`` are distinctive (no everyday
    word, or the pack would have given context words): their one-edit typos
    count, and they may end a closed compound. Embargo names are distinctive
    too, and the distinctive last word of a multi-word name and a model number
    near its family count on their own (at lower confidence). A hashed pack
    brings every form as a record (``hashed_forms``, see :mod:`postguard.rulepacks.hashed`);
    one built before those (format 1) only its exact keys.
    """
    same: dict[str, set[str]] = {}
    for group in packs.equivalents:
        for word in group:
            same.setdefault(word.casefold(), set()).update(group)
    names = ("confidential", "context", "allow", "embargo")
    plain = {name: getattr(packs, f"{name}_index") for name in names}
    per_pack: dict[str, dict[str, TermIndex[int]]] = {}
    same_hashed: dict[str, dict[str, tuple[str, ...]]] = {}
    for file, hp in hashed.items():
        per_pack[file] = {name: HashedIndex(hp.transform, swaps_stored=hp.swaps_stored) for name in names}
        for name, index in per_pack[file].items():
            index.max_len = hp.max_len
            index.max_pieces = hp.max_pieces
            index.head_filter = hp.head_filters.get(name)
        # a hashed context word that is one of a group of equivalents brings the others along
        same_hashed[file] = {
            hp.transform(term_key(word)[0]): tuple(group) for group in packs.equivalents for word in group
        }
    hosts: dict[str, list[int]] = {}
    hashed_hosts: dict[str, dict[str, list[int]]] = {}

    def add_hashed(index: str, pack: str, term: str, ref: int, mode: str, where: Where, typos: bool) -> None:
        key, shape = hashed_digests(term, where)
        per_pack[pack][index].add_hashed(key, shape, ref, mode, typos=typos)

    for n, entry in enumerate(packs.confidential):
        where = Where(entry.pack, f"confidential[{entry.index}]")
        if entry.kind == "host":
            for term in entry.terms:
                if entry.protected:
                    table = hashed_hosts.setdefault(entry.pack, {})
                    table.setdefault(hashed_digest(term, where.child("terms")), []).append(n)
                else:
                    hosts.setdefault(term.strip().lower().rstrip("."), []).append(n)
            continue
        distinctive = entry.kind in ("codename", "client") and not entry.context
        if entry.protected:
            idx = per_pack[entry.pack]
            with_forms = ("confidential", n) in forms
            if with_forms:
                at, records = forms["confidential", n]
                add_forms(idx, records, n, at)
            else:
                for term in entry.terms:
                    add_hashed(
                        "confidential", entry.pack, term, n, entry.match, where.child("terms"), distinctive
                    )
                for phrase in entry.allow:
                    add_hashed("allow", entry.pack, phrase, n, "word", where.child("allow"), False)
            for term in entry.context:
                if not with_forms:
                    add_hashed("context", entry.pack, term, n, "word", where.child("context"), False)
                key = hashed_digests(term, where.child("context"))[0]
                for word in sorted(same_hashed[entry.pack].get(key, ())):
                    idx["context"].add(word, n, "word")
                    _let_in(idx["context"], word)
            continue
        for term in entry.terms:
            plain["confidential"].add(term, n, entry.match, typos=distinctive)
        for term in sorted({w for c in entry.context for w in (c, *same.get(c.casefold(), ()))}):
            plain["context"].add(term, n, "word")
        for phrase in entry.allow:
            plain["allow"].add(phrase, n, "word")
    for n, emb in enumerate(packs.embargo):
        where = Where(emb.pack, f"embargo[{emb.index}]")
        for term in (emb.name, *emb.aliases):
            if emb.protected and ("embargo", n) in forms:
                continue
            if emb.protected:
                add_hashed("embargo", emb.pack, term, n, "word", where, True)
            else:
                plain["embargo"].add(term, n, "word", typos=True, parts=True)
    for (section, n), (at, records) in forms.items():
        if section == "embargo":
            add_forms(per_pack[packs.embargo[n].pack], records, n, at)
    for phrase in packs.idioms:
        packs.idiom_index.add(phrase, phrase, "word")
    for word in packs.history:
        packs.history_index.add(word, word, "exact")
    for word in packs.software:
        packs.software_index.add(word, word, "exact")
    hashed_tables = [(hashed[file].transform, table) for file, table in hashed_hosts.items()]
    # still being built: frozen only once returned
    object.__setattr__(packs, "hosts", HostTable(hosts, hashed_tables))
    for name in names:
        parts = [plain[name], *(idx[name] for idx in per_pack.values())]
        for index in parts:
            index.freeze()
        if per_pack:
            object.__setattr__(packs, f"{name}_index", MultiIndex(parts))


def _let_in(index: TermIndex[int], word: str) -> None:
    """Let a hashed index's head filter pass a word added in clear (an equivalent from a vocabulary)."""
    if isinstance(index.head_filter, HeadFilter):
        plain: TermIndex[int] = TermIndex()
        plain.add(word, 0, "word")
        index.head_filter = index.head_filter.with_extra(k[:4] for k in plain.entries)
