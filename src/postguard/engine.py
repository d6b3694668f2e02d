"""The engine: runs the check hooks over one draft and returns findings on the source.

An :class:`Engine` is built once (plugins, rules, packs, spaCy) and then
checks any number of drafts; it is safe to share between threads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pluggy
import regex

from postguard.config import Config
from postguard.context import CheckContext, ImageContext
from postguard.errors import ConfigError, InputError, PluginError, PostguardError, UsageError
from postguard.extract import input_formats
from postguard.extract.structure import light_pass
from postguard.language import COUNTED, SUPPORTED, function_words, identify, is_mixed
from postguard.model import KINDS, Draft, Extracted, Finding, RuleInfo, Severity
from postguard.nlp import NLP, cache_dir
from postguard.pieces import Pieces
from postguard.plugins import build_plugin_manager, failing_plugin, plugin_versions
from postguard.ruledocs import load_rules
from postguard.rulepacks import Channel, PackSet, SectionParser, load_packs
from postguard.site import site_of

if TYPE_CHECKING:
    from postguard.images import ImageFacts

_RULE_ID = regex.compile(r"[A-Z][A-Z0-9]{0,9}[0-9]{1,4}")
_RULE_PREFIX = regex.compile(r"[A-Za-z]{1,10}[0-9]{0,3}")

#: Modules of the core whose rules (``<module>.rules.toml`` beside each) the core itself reports:
#: suppression directives (PG001, PG002) and an image a post shows that could not be read (PG806).
CORE_RULES = ("postguard.suppress", "postguard.imagelint")


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckResult:
    findings: tuple[Finding, ...]
    language: str
    mixed: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Selection:
    """Which rules run and at which severity, after config and command line."""

    disabled: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] | None = None


class Engine:
    """Plugins, rules, packs and language pipelines, loaded once."""

    def __init__(
        self,
        config: Config | None = None,
        *,
        plugin_manager: pluggy.PluginManager | None = None,
        nlp: NLP | None = None,
        use_cache: bool = True,
    ) -> None:
        self.config = config or Config()
        self.pm = plugin_manager or build_plugin_manager()
        self.rules = self._collect_rules()
        self.sections = self._collect_sections()
        self._prepare_packs()
        self.packs: PackSet = load_packs(
            self.config.pack_paths,
            self.sections,
            cache_dir=cache_dir() if use_cache else None,
            plugins=plugin_versions(self.pm),
        )
        self.prepared = self._prepare()
        self.formats = input_formats(self.pm)
        self.nlp = nlp or NLP(self.config.spacy_models)
        self.base_selection = self.selection(self.config.disable, self.config.severity)

    # -- set-up ----------------------------------------------------------------

    def validate_pack(self, path: Path) -> None:
        """Raise :class:`ConfigError` unless the pack at ``path`` loads with this engine's sections."""
        load_packs([path], self.sections)

    def _prepare_packs(self) -> None:
        """Fetch remote packs that are due (keeping the last good copies), then check signatures."""
        config = self.config
        if config.remote_packs:
            from postguard.rulepacks.remote import sync

            sync(
                config.remote_packs,
                keys=config.pack_keys,
                timeout=config.pack_timeout,
                max_age=config.pack_refresh * 60,
                validate=self.validate_pack,
            )
        if config.pack_keys:
            from postguard.rulepacks.signing import verify_pack_file

            for path in config.packs:
                verify_pack_file(path, config.pack_keys)

    def _collect_rules(self) -> Mapping[str, RuleInfo]:
        rules: dict[str, RuleInfo] = {}

        def register(rule: RuleInfo) -> None:
            if not isinstance(rule, RuleInfo):
                raise ConfigError(f"a plugin registered {rule!r}, which is not a RuleInfo")
            if not _RULE_ID.fullmatch(rule.id):
                raise ConfigError(f"rule id {rule.id!r} is not a code like PG101 or ACME1")
            if rule.id in rules:
                raise ConfigError(f"rule id {rule.id} is registered twice")
            rules[rule.id] = rule

        for module in CORE_RULES:
            for rule in load_rules(module):
                register(rule)
        self.pm.hook.postguard_register_rules(register=register)
        return MappingProxyType(dict(sorted(rules.items())))  # read-only: ctx.rules is this

    def _prepare(self) -> Mapping[str, Any]:
        """Each plugin's per-pack state (``postguard_prepare``), read-only."""
        prepared: dict[str, Any] = {}
        for result in self.pm.hook.postguard_prepare(packs=self.packs):
            if result is None:
                continue
            if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], str)):
                raise ConfigError(f"a plugin's postguard_prepare returned {result!r}, not (key, state)")
            key, state = result
            if key in prepared:
                raise ConfigError(f"two plugins prepared state under the key {key!r}")
            prepared[key] = state
        return MappingProxyType(prepared)

    def _collect_sections(self) -> dict[str, SectionParser]:
        sections: dict[str, SectionParser] = {}

        def register(name: str, parse: SectionParser) -> None:
            if name in sections or name in ("pack", "confidential", "embargo", "channels", "test"):
                raise ConfigError(f"rule-pack section {name!r} is declared twice")
            sections[name] = parse

        self.pm.hook.postguard_pack_sections(register=register)
        return sections

    def channel(self, name: str) -> Channel:
        """The channel declared under ``name``; an unknown name is an :class:`InputError`."""
        channel = self.packs.channels.get(name)
        if channel is None:
            known = ", ".join(sorted(self.packs.channels)) or "none declared in the rule packs"
            raise InputError(f"unknown channel {name!r} (known channels: {known})")
        return channel

    def default_language(self, channel: str | None = None) -> str:
        """The language of a draft too short to tell: the channel's, else the config's, else English."""
        declared = self.packs.channels.get(channel) if channel else None
        if declared is not None and declared.lang in SUPPORTED:
            return str(declared.lang)
        return self.config.lang if self.config.lang in SUPPORTED else "en"

    @property
    def fingerprint(self) -> str:
        return self.packs.fingerprint

    def resolve(self, selector: str) -> set[str]:
        """Rule ids named by an id, an id prefix (``PG4``: every PG4xx rule, as ruff's selectors), a
        rule name or a category."""
        s = selector.strip()
        if s in self.rules:
            return {s}
        ids = {r.id for r in self.rules.values() if s in (r.name, r.category) or s.upper() == r.id}
        if not ids and _RULE_PREFIX.fullmatch(s):
            ids = {rid for rid in self.rules if rid.startswith(s.upper())}
        if not ids:
            raise UsageError(f"unknown rule or category {selector!r} (see `postguard rules`)")
        return ids

    def selection(
        self, disable: Iterable[str] = (), severity: Mapping[str, Severity] | None = None
    ) -> Selection:
        disabled: set[str] = set()
        for sel in disable:
            disabled |= self.resolve(sel)
        sev: dict[str, Severity] = {}
        # categories first, then id prefixes, then names and ids, so the more specific wins
        for key, value in sorted((severity or {}).items(), key=lambda kv: self._specificity(kv[0])):
            for rid in self.resolve(key):
                sev[rid] = value
        return Selection(disabled=frozenset(disabled), severity=sev)

    def _specificity(self, selector: str) -> int:
        s = selector.strip()
        if s in _categories(self):
            return 0
        exact = s.upper() in self.rules or any(s == r.name for r in self.rules.values())
        return 2 if exact else 1

    def merge(self, *selections: Selection) -> Selection:
        disabled: set[str] = set()
        sev: dict[str, Severity] = {}
        for s in selections:
            disabled |= s.disabled
            sev.update(s.severity or {})
        return Selection(disabled=frozenset(disabled), severity=sev)

    def warm_up(self) -> Engine:
        """Load everything the first draft would wait for (spaCy, both pipelines, the lemma tables,
        the language models) by checking a sentence in each language; returns the engine.

        The server calls it before it listens, the runner before it forks workers that inherit it.
        """
        identify("Hallo.")  # lingua loads its short-text models on first use
        for lang, text in (("de", "Wir freuen uns über das Team."), ("en", "We are proud of the team.")):
            self.check(Draft(text=text, lang=lang))
            self.nlp.sentencizer(lang)(self.nlp.make_doc(text, lang))  # spaCy: made only when asked for
        return self

    # -- checking ----------------------------------------------------------------

    def check(
        self,
        draft: Draft,
        extracted: Extracted | None = None,
        *,
        now: datetime | None = None,
        selection: Selection | None = None,
    ) -> CheckResult:
        """Check a draft. ``extracted`` is its prose (default: the whole text)."""
        if draft.kind not in KINDS:
            raise InputError(f"unknown kind {draft.kind!r} (expected one of {', '.join(KINDS)})")
        channel = self.channel(draft.channel) if draft.channel else None
        ext = extracted or Extracted(text=draft.text)
        text = ext.text
        # cut once: the function words that tell the language, and the pieces every matcher reads
        pieces = Pieces(text)
        counts = function_words(pieces.whole_words(COUNTED))
        if draft.lang in SUPPORTED:
            lang, mixed = str(draft.lang), is_mixed(text, counts)
        else:  # the channel's or config's language only when the text is too short to tell
            guess = identify(text, self.default_language(draft.channel), counts)
            lang, mixed = guess.lang, guess.mixed
        msg_lang = self.config.messages_lang if self.config.messages_lang in SUPPORTED else lang
        moment = draft.publish_at or now or datetime.now(UTC)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if not text.strip():
            return CheckResult(findings=(), language=lang, mixed=False)
        other = tuple(x for x in SUPPORTED if x != lang) if mixed else ()
        try:
            if lang in self.nlp.models:  # a configured pipeline must load; spaCy itself is imported
                self.nlp.pipeline(lang)  # (1-2 s) only when a check asks for a Doc or sentences
        except ConfigError as exc:  # a spacy_models pipeline that is not installed: name the config file
            if exc.path is None and self.config.path is not None:
                raise ConfigError(exc.detail, path=str(self.config.path), key=exc.key) from None
            raise
        nlp = self.nlp
        ctx = CheckContext(
            draft=draft,
            text=text,
            make_doc=lambda: nlp.make_doc(text, lang, also=other),
            lemmas=lambda words: nlp.lemmas(words, lang, also=other),
            lang=lang,
            mixed=mixed,
            msg_lang=msg_lang,
            moment=moment,
            scheduled=draft.publish_at is not None,
            packs=self.packs,
            channel=channel,
            rules=self.rules,
            sentencizer=lambda doc: nlp.sentencizer(lang)(doc),
            structure=ext.structure if ext.structure is not None else light_pass(text),
            prepared=self.prepared,
            site=site_of(draft.path),
            cut=pieces,
        )
        sel = self.merge(self.base_selection, selection) if selection else self.base_selection
        raw: list[Finding] = []
        try:
            # a check is usually a generator: it fails while its findings are read, not when called
            for result in self.pm.hook.postguard_check(ctx=ctx):
                if result is None:
                    continue
                for f in result:
                    if f.rule_id not in self.rules:
                        raise ConfigError(f"a plugin reported unregistered rule {f.rule_id!r}")
                    raw.append(f)
        except PostguardError:
            raise
        except Exception as exc:  # a plugin's bug: name it (exit 3, HTTP 500), never "findings"
            raise PluginError(
                *failing_plugin(self.pm, "postguard_check", exc), "while checking", exc
            ) from exc
        out: list[Finding] = []
        seen: set[tuple[str, int, int]] = set()
        for f in raw:
            if f.rule_id in sel.disabled or f.confidence < self.config.min_confidence:
                continue
            key = (f.rule_id, f.start, f.end)
            if key in seen:
                continue
            seen.add(key)
            changes: dict[str, Any] = {}
            if sel.severity and f.rule_id in sel.severity:
                changes["severity"] = sel.severity[f.rule_id]
            start, end = ext.offsets.span_to_source(f.start, f.end)
            if (start, end) != (f.start, f.end) or ext.text is not draft.text:
                changes.update(start=start, end=end, match=draft.text[start:end])
            out.append(replace(f, **changes) if changes else f)
        out.sort(key=lambda f: (f.start, f.end, f.rule_id))
        return CheckResult(findings=tuple(out), language=lang, mixed=mixed)

    def check_image(
        self,
        image: ImageFacts,
        draft: Draft,
        *,
        now: datetime | None = None,
        selection: Selection | None = None,
    ) -> tuple[Finding, ...]:
        """Run the ``postguard_check_image`` hooks on one image; ``draft`` gives channel and time."""
        channel = self.channel(draft.channel) if draft.channel else None
        moment = draft.publish_at or now or datetime.now(UTC)
        lang = draft.lang if draft.lang in SUPPORTED else "en"
        ctx = ImageContext(
            image=image,
            moment=moment if moment.tzinfo else moment.replace(tzinfo=UTC),
            scheduled=draft.publish_at is not None,
            packs=self.packs,
            channel=channel,
            msg_lang=self.config.messages_lang if self.config.messages_lang in SUPPORTED else lang,
            rules=self.rules,
        )
        sel = self.merge(self.base_selection, selection) if selection else self.base_selection
        out: list[Finding] = []
        for result in self.pm.hook.postguard_check_image(ctx=ctx):
            for f in result or ():
                if f.rule_id not in self.rules:
                    raise ConfigError(f"a plugin reported unregistered rule {f.rule_id!r}")
                if f.rule_id in sel.disabled or f.confidence < self.config.min_confidence:
                    continue
                if sel.severity and f.rule_id in sel.severity:
                    f = replace(f, severity=sel.severity[f.rule_id])
                out.append(f)
        return tuple(out)


def _categories(engine: Engine) -> set[str]:
    return {r.category for r in engine.rules.values()}
