"""The site a checked file belongs to: its repository root, its own host names, its pages.

A content repository (a Hugo or Jekyll site, a docs site) publishes every Markdown file under one
layout on one or more hosts. Checks need two facts about that site that no single file says:

* **its own hosts**, from the site's configuration: Hugo's ``baseURL`` (``config.toml``,
  ``hugo.toml``/``.yaml``/``.json``, ``config/_default/…``), Jekyll's ``url`` (``_config.yml``),
  MkDocs' ``site_url``, Quarto's ``site-url``, Astro's and Docusaurus' ``site``/``url``, the
  ``homepage`` of ``package.json``, a GitHub Pages ``CNAME`` file (at the root, in ``static/`` or
  ``public/``) and a repository directory named ``NAME.github.io``. An image hot-linked from one of
  these hosts or their subdomains (``stats.ffmuc.net`` on ``ffmuc.net``) is the site's own;
* **its accounts on code forges**, ``github.com/nodejs`` from ``package.json``'s ``repository``,
  Jekyll's ``repository`` or a ``NAME.github.io`` directory: a file served from the site's own
  account (``raw.githubusercontent.com/nodejs/…``) is the site's own too;
* **its pages**: the files below the root, so that the imprint check can ask whether the site has an
  imprint page (``impressum.md``) and which files are its home page (``index.md``, ``_index.md``);
* **its image stores**: how many images its pages embed from each storage space on the web (a host
  and its first directory: an S3 bucket, a CMS's site folder, ``cdn.example.org/uploads``), so that
  the copyright check can tell a store the site keeps its pictures in from a one-off hot-linked image.

The engine derives the :class:`Site` from the draft's path once per directory (cached) and hands it
to the checks as ``ctx.site``; checks never read the repository themselves. A draft without a path
(standard input, the server) has no site.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

#: Files that mark a repository's or site's root.
ROOT_MARKERS: tuple[str, ...] = (
    ".git", "postguard.toml", "pyproject.toml", "package.json", "_config.yml", "_config.yaml", "config.toml",
    "config.yaml", "hugo.toml", "hugo.yaml", "hugo.json", "netlify.toml", "mkdocs.yml", "astro.config.mjs",
    "_quarto.yml", "docusaurus.config.js", "docusaurus.config.ts", "CNAME",
)  # fmt: skip
PAGE_SUFFIXES: tuple[str, ...] = (".md", ".mdx", ".markdown", ".html", ".htm", ".txt", ".rst", ".adoc")
SKIPPED_DIRS = frozenset({"node_modules", "vendor", "_site", "dist", "build", "public", "__pycache__"})
#: How many directory entries a walk of the repository looks at, at most.
WALK_LIMIT = 50_000

# (file, keys) whose value is the site's address; keys are looked up at the top level.
_CONFIG_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("hugo.toml", ("baseURL", "baseurl")),
    ("hugo.yaml", ("baseURL", "baseurl")),
    ("hugo.yml", ("baseURL", "baseurl")),
    ("hugo.json", ("baseURL", "baseurl")),
    ("config.toml", ("baseURL", "baseurl")),
    ("config.yaml", ("baseURL", "baseurl")),
    ("config.yml", ("baseURL", "baseurl")),
    ("config/_default/hugo.toml", ("baseURL", "baseurl")),
    ("config/_default/config.toml", ("baseURL", "baseurl")),
    ("config/_default/hugo.yaml", ("baseURL", "baseurl")),
    ("config/_default/config.yaml", ("baseURL", "baseurl")),
    ("_config.yml", ("url",)),
    ("_config.yaml", ("url",)),
    ("mkdocs.yml", ("site_url",)),
    ("package.json", ("homepage",)),
)
# JavaScript configs are code, not data: only a literal `site: "https://…"` / `url: '…'` counts.
_JS_CONFIGS = ("astro.config.mjs", "astro.config.ts", "docusaurus.config.js", "docusaurus.config.ts")
_JS_URL = re.compile(r"""(?m)^\s*(?:site|url)\s*:\s*["'](https?://[^"']+)["']""")
_QUARTO_URL = re.compile(r"(?m)^\s+site-url\s*:\s*[\"']?(https?://[^\s\"']+)")
_HOST = re.compile(r"(?i)^(?:[a-z][a-z0-9+.-]*:)?//(?:[^@/]*@)?(?P<host>[a-z0-9.-]+)")
_BARE_HOST = re.compile(r"(?i)^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)+$")
_INDEX_NAMES = frozenset({"index", "_index"})
#: A page's images on the web, ``![alt](https://…)`` and ``<img src="https://…">``: a count, not an
#: extraction (the page's own check extracts it properly), so a plain scan of the file is enough.
_WEB_IMAGE = re.compile(
    r"""!\[[^\]\n]*\]\(\s*<?(https?://[^\s)>]+)|<img\b[^>]*?\bsrc\s*=\s*["']?(https?://[^"'\s>]+)""", re.I
)
#: Pages larger than this are not scanned for images (a generated page, a data dump).
_SCAN_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class Site:
    """The site a draft belongs to (see the module docstring); ``root`` is ``None`` for no site."""

    root: str | None = None
    hosts: tuple[str, ...] = ()
    #: the site's accounts on code forges, ``host/account`` lower-cased (``github.com/nodejs``)
    accounts: tuple[str, ...] = ()

    def owns(self, host: str) -> bool:
        """Whether ``host`` is one of the site's hosts or a subdomain of one (``www.`` ignored)."""
        h = host.lower().removeprefix("www.")
        return bool(h) and any(h == own or h.endswith("." + own) for own in self.hosts)

    def has_account(self, host: str, account: str) -> bool:
        """Whether ``account`` on the forge ``host`` is the site's own (``github.com``, ``nodejs``)."""
        return f"{host.lower().removeprefix('www.')}/{account.lower()}" in self.accounts

    def pages_named(self, names: frozenset[str]) -> tuple[str, ...]:
        """The site's pages (files, or directories with an index) named as in ``names`` (no suffix)."""
        return _pages_named(self.root, _stamp(self.root), names) if self.root else ()

    def home_pages(self) -> tuple[str, ...]:
        """The site's home page(s): the index files nearest the root (one per language directory)."""
        return _home_pages(self.root, _stamp(self.root)) if self.root else ()

    def images_from(self, url: str) -> int:
        """How many images the site's pages embed from the storage space of ``url`` (see
        :func:`image_space`), counted over every page below the root; 0 without a site."""
        if not self.root:
            return 0
        return _image_spaces(self.root, _stamp(self.root)).get(image_space(url), 0)


def _stamp(root: str) -> int:
    """The root directory's modification time: walks are cached until a file is added at the root."""
    try:
        return os.stat(root).st_mtime_ns
    except OSError:
        return 0


NO_SITE = Site()


def site_of(path: str | None) -> Site:
    """The site of the file at ``path`` (``NO_SITE`` without a path or a root marker above it)."""
    if not path:
        return NO_SITE
    root = repository_root(str(Path(path).resolve().parent))
    if root is None:
        return NO_SITE
    return Site(root=root, hosts=site_hosts(root), accounts=site_accounts(root))


@functools.lru_cache(maxsize=256)
def repository_root(directory: str) -> str | None:
    """The nearest directory at or above ``directory`` with a repository or site marker."""
    here = Path(directory)
    for candidate in (here, *here.parents):
        if any((candidate / marker).exists() for marker in ROOT_MARKERS):
            return str(candidate)
    return None


def _read(path: Path) -> str:
    try:
        if path.is_file() and path.stat().st_size < 1_000_000:
            return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        pass
    return ""


def _load(name: str, text: str) -> Any:
    try:
        if name.endswith(".toml"):
            return tomllib.loads(text)
        if name.endswith(".json"):
            return json.loads(text)
        return yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, ValueError, yaml.YAMLError):
        return None


def host_of(address: str) -> str:
    """The lower-cased host of a web address or bare host name, without ``www.``; ``""`` if none."""
    a = address.strip()
    m = _HOST.match(a)
    host = m.group("host") if m else (a if _BARE_HOST.match(a) else "")
    return host.lower().rstrip(".").removeprefix("www.")


@functools.lru_cache(maxsize=64)
def site_hosts(root: str) -> tuple[str, ...]:
    """The site's own host names, from its configuration files (see the module docstring)."""
    base = Path(root)
    found: list[str] = []
    for name, keys in _CONFIG_KEYS:
        text = _read(base / name)
        if not text:
            continue
        data = _load(name, text)
        if isinstance(data, dict):
            found += [str(data[k]) for k in keys if isinstance(data.get(k), str)]
            # Hugo: a baseURL per language ([languages.de] baseURL = …)
            langs = data.get("languages") or data.get("Languages")
            if isinstance(langs, dict):
                for lang in langs.values():
                    if isinstance(lang, dict):
                        found += [str(lang[k]) for k in keys if isinstance(lang.get(k), str)]
    for name in _JS_CONFIGS:
        found += _JS_URL.findall(_read(base / name))
    found += _QUARTO_URL.findall(_read(base / "_quarto.yml"))
    for cname in ("CNAME", "static/CNAME", "public/CNAME"):
        found += [ln.strip() for ln in _read(base / cname).splitlines()[:1]]
    if base.name.lower().endswith(".github.io"):
        found.append(base.name)
    hosts: list[str] = []
    for address in found:
        host = host_of(address)
        if host and "." in host and host not in ("localhost",) and host not in hosts:
            hosts.append(host)
    return tuple(hosts)


# package.json's "repository" shorthands: "github:owner/repo", "gitlab:…", "bitbucket:…", "owner/repo"
_SHORTHAND = re.compile(r"^(?:(?P<forge>github|gitlab|bitbucket):)?(?P<owner>[\w.-]+)/[\w.-]+$")
_FORGES = {"github": "github.com", "gitlab": "gitlab.com", "bitbucket": "bitbucket.org"}
# an address with an account path: https://github.com/owner/repo(.git), git@github.com:owner/repo.git
_ACCOUNT_URL = re.compile(
    r"(?i)^(?:git\+)?(?:[a-z][a-z0-9+.-]*://)?(?:[^@/]*@)?(?P<host>[a-z0-9.-]+\.[a-z]+)[:/](?P<owner>[\w.-]+)/[\w.-]"
)


#: What marks the root of a monorepo whose workspace package a site may be (``apps/site``).
_MONOREPO_MARKERS = (".git", "pnpm-workspace.yaml", "lerna.json", "nx.json", "turbo.json")
#: How many directories above a site's root its monorepo's root may be.
_MONOREPO_DEPTH = 4


@functools.lru_cache(maxsize=64)
def site_accounts(root: str) -> tuple[str, ...]:
    """The site's repository accounts, ``host/account``: package.json's ``repository`` (an address or a
    shorthand), Jekyll's ``repository: owner/name`` (GitHub Pages), a ``NAME.github.io`` directory.
    A site that is a workspace package of a monorepo (``apps/site`` of nodejs.org) and names none
    takes its monorepo's (the nearest directory above with ``.git``, ``pnpm-workspace.yaml``, … or a
    ``package.json`` with ``workspaces``). Whether a host is a forge is for the checks to say
    (``[copyright] repository_hosts``)."""
    found = _accounts_at(Path(root))
    if found:
        return found
    for parent in list(Path(root).parents)[:_MONOREPO_DEPTH]:
        package = _load("package.json", _read(parent / "package.json"))
        workspaces = isinstance(package, dict) and "workspaces" in package
        if workspaces or any((parent / m).exists() for m in _MONOREPO_MARKERS):
            return _accounts_at(parent)
    return ()


def _accounts_at(base: Path) -> tuple[str, ...]:
    found: list[str] = []
    package = _load("package.json", _read(base / "package.json"))
    if isinstance(package, dict):
        repo = package.get("repository")
        url = repo.get("url") if isinstance(repo, dict) else repo
        if isinstance(url, str):
            if m := _SHORTHAND.match(url.strip()):
                found.append(f"{_FORGES[m.group('forge') or 'github']}/{m.group('owner')}")
            elif m := _ACCOUNT_URL.match(url.strip()):
                found.append(f"{m.group('host').removeprefix('www.')}/{m.group('owner')}")
    for name in ("_config.yml", "_config.yaml"):
        data = _load(name, _read(base / name))
        repo = data.get("repository") if isinstance(data, dict) else None
        if isinstance(repo, str) and (m := _SHORTHAND.match(repo.strip())) and not m.group("forge"):
            found.append(f"github.com/{m.group('owner')}")
    if base.name.lower().endswith(".github.io"):
        found.append(f"github.com/{base.name[: -len('.github.io')]}")
    return tuple(dict.fromkeys(a.lower() for a in found))


def image_space(url: str) -> str:
    """The storage space an image on the web lies in: its host (``www.`` dropped) and the first
    directory of its path, lower-cased: ``s3.amazonaws.com/my-bucket`` for
    ``https://s3.amazonaws.com/my-bucket/docs/a.png``, ``cdn.example.org/uploads``; a file at the
    host's root is in the host's space (``i.example.net``). One store's images share a space; images
    of unrelated owners on a shared host usually do not."""
    host = host_of(url)
    rest = url.strip().split("//", 1)[-1]
    path = rest.split("/", 1)[1] if "/" in rest else ""
    first, slash, _ = path.split("?", 1)[0].split("#", 1)[0].partition("/")
    return f"{host}/{first.lower()}" if slash and first else host


@functools.lru_cache(maxsize=16)
def _image_spaces(root: str, stamp: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for directory, _dirs, files in _tree(root, stamp):
        for f in files:
            if os.path.splitext(f)[1].lower() not in PAGE_SUFFIXES:
                continue
            path = Path(directory, f)
            try:
                if path.stat().st_size > _SCAN_BYTES:
                    continue
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            for m in _WEB_IMAGE.finditer(text):
                space = image_space(m.group(1) or m.group(2))
                counts[space] = counts.get(space, 0) + 1
    return counts


def _walk(root: str) -> list[tuple[str, list[str], list[str]]]:
    out: list[tuple[str, list[str], list[str]]] = []
    seen = 0
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        seen += len(dirs) + len(files)
        out.append((directory, list(dirs), sorted(files)))
        if seen > WALK_LIMIT:
            break
    return out


@functools.lru_cache(maxsize=16)
def _tree(root: str, stamp: int) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    return tuple((d, tuple(ds), tuple(fs)) for d, ds, fs in _walk(root))


@functools.lru_cache(maxsize=64)
def _pages_named(root: str, stamp: int, names: frozenset[str]) -> tuple[str, ...]:
    found: list[str] = []
    for directory, dirs, files in _tree(root, stamp):
        found += [os.path.join(directory, d) for d in dirs if d.casefold() in names]
        for f in files:
            stem, suffix = os.path.splitext(f)
            if suffix.lower() in PAGE_SUFFIXES and stem.casefold() in names:
                found.append(os.path.join(directory, f))
    return tuple(found)


@functools.lru_cache(maxsize=64)
def _home_pages(root: str, stamp: int) -> tuple[str, ...]:
    """Index pages at the smallest depth below ``root`` that has any: all of them when each stands in a
    directory named like a language (``content/de/_index.md`` and ``content/en/_index.md``, a site with a
    directory per language), else the first in path order. Section pages side by side
    (``docs/alerting/index.md``, ``docs/concepts/index.md``, …) are one site: a site-wide finding is
    reported once, not once per section."""
    best: list[str] = []
    best_depth = -1
    base_depth = root.rstrip(os.sep).count(os.sep)
    for directory, _dirs, files in _tree(root, stamp):
        depth = directory.rstrip(os.sep).count(os.sep) - base_depth
        pages = [
            os.path.join(directory, f)
            for f in files
            if os.path.splitext(f)[1].lower() in PAGE_SUFFIXES
            and os.path.splitext(f)[0].casefold() in _INDEX_NAMES
        ]
        if not pages:
            continue
        if not best or depth < best_depth:
            best, best_depth = pages, depth
        elif depth == best_depth:
            best += pages
    best.sort()
    if len(best) > 1 and not all(_LANGUAGE_DIR.fullmatch(os.path.basename(os.path.dirname(p))) for p in best):
        return (best[0],)
    return tuple(best)


#: A directory named like a language: ``de``, ``en``, ``pt-br``, ``zh_Hans`` (ISO 639-1 and a region
#: or script).
_LANGUAGE_DIR = re.compile(r"[a-z]{2}(?:[-_][A-Za-z]{2,4})?")
