"""Archives as `postguard audit` sources: real .zip and .tar.gz files made in the tests, the way the
networks pack their exports, and damaged ones (a bad CRC, an encrypted member, a path that leaves the
directory, a tarball cut short): the damaged member is a failure with its reason, the rest audited."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

from distributed import Client

import audit_samples as samples
from conftest import EXAMPLE_PACK
from postguard.audit.archives import unpack
from postguard.audit.partitions import AuditOptions
from postguard.audit.run import Outcome, audit
from postguard.config import Config
from postguard.errors import InputError

STARTED = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
MEDIA = b"\xff\xd8\xff\xe0" + b"\0" * 4096  # a photo: never unpacked, never checked


def run(client: Client, sources: list[Path], out: Path, **kw: Any) -> Outcome:
    return audit([str(s) for s in sources], out, Config(packs=(EXAMPLE_PACK,), root=out.parent),
                 AuditOptions(started=STARTED), size=2, client=client, **kw)  # fmt: skip


def rows(out: Path, name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / name).read_text(encoding="utf-8").splitlines()]


def zip_dir(root: Path, dest: Path, prefix: str = "", extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(p for p in root.rglob("*") if p.is_file()):
            z.write(f, prefix + f.relative_to(root).as_posix())
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return dest


def x_archive_zip(tmp: Path) -> Path:
    samples.twitter_archive(tmp / "x")
    extra = {
        "data/tweets_media/1626922779105759235-a.jpg": MEDIA,
        "Your archive.html": b"<html><body>Sturmvogel is in the viewer, not a post</body></html>",
        "assets/js/app.js": b"var Sturmvogel = 1;",
    }
    return zip_dir(tmp / "x", tmp / "twitter-2026-11-28.zip", extra=extra)


def test_the_networks_exports_as_downloaded(client: Client, tmp_path: Path) -> None:
    x = x_archive_zip(tmp_path)
    (tmp_path / "li").mkdir()
    samples.linkedin_shares(tmp_path / "li" / "Shares.csv")
    messages = "FROM,TO,DATE,CONTENT\nA,B,2026-01-01,Sturmvogel im Chat\n"
    (tmp_path / "li" / "Messages.csv").write_text(messages, encoding="utf-8")
    linkedin = zip_dir(tmp_path / "li", tmp_path / "Basic_LinkedInDataExport_11-28-2026.zip")
    (tmp_path / "m").mkdir()
    samples.mastodon_outbox(tmp_path / "m" / "outbox.json")
    (tmp_path / "m" / "actor.json").write_text('{"type": "Person"}', encoding="utf-8")
    mastodon = tmp_path / "archive-20261128.tar.gz"
    with tarfile.open(mastodon, "w:gz") as tar:
        tar.add(tmp_path / "m" / "outbox.json", "outbox.json")
        tar.add(tmp_path / "m" / "actor.json", "actor.json")
        info = tarfile.TarInfo("media_attachments/files/1/original/a.jpg")
        info.size = len(MEDIA)
        tar.addfile(info, io.BytesIO(MEDIA))
    out = tmp_path / "out"
    outcome = run(client, [x, linkedin, mastodon], out)
    got = {(r["source"], r["document"], r["match"]) for r in rows(out, "findings.jsonl")}
    share = "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7000000000000000001"
    assert got == {
        (str(x), "1626922779105759235", "Nordkap Trekker T5"),
        (str(linkedin), share, "Nordlicht X"),
        (str(mastodon), "https://mastodon.social/users/nordkap/statuses/1", "Polarfuchs"),
    }  # not the archive viewer, the app's script or the private messages
    tweet = next(r for r in rows(out, "findings.jsonl") if r["source"] == str(x))
    assert tweet["url"] == "https://x.com/nordkap/status/1626922779105759235"  # account.js was read
    assert tweet["posted"] == samples.BEFORE_LIFT
    assert outcome.summary["documents"] == 6 and outcome.summary["failed"] == 0
    unpacked = {p.relative_to(out / "unpacked").as_posix().split("/", 1)[-1]
                for p in (out / "unpacked").rglob("*") if p.is_file() and p.parent != out / "unpacked"}  # fmt: skip
    assert unpacked == {"data/tweets.js", "data/account.js", "Shares.csv", "outbox.json"}


def test_a_zip_of_a_content_repository_names_documents_inside_it(client: Client, tmp_path: Path) -> None:
    samples.content_dir(tmp_path / "site")
    (tmp_path / "site" / "data").mkdir()
    samples.jsonl_posts(tmp_path / "site" / "data" / "posts.jsonl", corrupt=True)
    archive = zip_dir(tmp_path / "site", tmp_path / "site-main.zip", prefix="site-main/")
    out = tmp_path / "out"
    outcome = run(client, [archive], out)
    docs = {(r["document"], r["match"]) for r in rows(out, "findings.jsonl")}
    assert ("site-main/launch.md", "Nordkap Trekker T5") in docs
    assert ("site-main/team.html", "Sturmvogel") in docs
    assert ("p1", "Sturmvogel") in docs
    [bad] = rows(out, "failures.jsonl")
    assert bad["source"] == str(archive) and bad["document"].startswith("site-main/data/posts.jsonl:")
    assert outcome.summary["failed"] == 1


def corrupt_crc(archive: Path, member: str) -> None:
    """Flip a byte of a stored member's data (its CRC no longer matches)."""
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo(member)
    data = bytearray(archive.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 5] ^= 0x20
    archive.write_bytes(bytes(data))


def test_damaged_members_are_failures_and_the_rest_is_audited(client: Client, tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    post = "---\ntitle: T\n---\nDas Projekt Sturmvogel startet.\n"
    with zipfile.ZipFile(archive, "w") as z:  # stored, so a flipped byte reaches the CRC check
        z.writestr("good.md", post)
        z.writestr("broken.md", post)
        z.writestr("../escape.md", post)
        z.writestr(zipfile.ZipInfo("secret.md"), post)
        z.writestr("old/export-2019.zip", b"PK\x05\x06" + b"\0" * 18)
    corrupt_crc(archive, "broken.md")
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as z:  # mark secret.md as encrypted, in both headers
        info = z.getinfo("secret.md")
    data[info.header_offset + 6] |= 0x1
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(b"secret.md")] != b"secret.md":
        central = data.find(b"PK\x01\x02", central + 4)
    data[central + 8] |= 0x1
    archive.write_bytes(bytes(data))
    out = tmp_path / "out"
    outcome = run(client, [archive], out)
    assert {r["document"] for r in rows(out, "findings.jsonl")} == {"good.md"}
    reasons = {r["document"]: r["reason"] for r in rows(out, "failures.jsonl")}
    assert reasons.keys() == {"broken.md", "../escape.md", "secret.md", "old/export-2019.zip"}
    assert "an archive inside the archive" in reasons["old/export-2019.zip"]
    assert "CRC" in reasons["broken.md"] and "damaged" in reasons["broken.md"]
    assert "leaves the archive's directory" in reasons["../escape.md"]
    assert "encrypted" in reasons["secret.md"]
    assert not (tmp_path / "escape.md").exists() and not (out / "escape.md").exists()
    assert outcome.summary["failed"] == 4 and outcome.summary["documents"] == 1


def test_a_tarball_cut_short_keeps_what_came_before(client: Client, tmp_path: Path) -> None:
    whole = tmp_path / "whole.tar.gz"
    with tarfile.open(whole, "w:gz") as tar:
        for n in range(3):
            text = f"Post {n}: Das Projekt Sturmvogel startet.\n".encode()
            info = tarfile.TarInfo(f"posts/{n}.txt")
            info.size = len(text)
            tar.addfile(info, io.BytesIO(text))
        noise = bytes(range(256)) * 4000  # incompressible-ish filler after the posts
        info = tarfile.TarInfo("posts/3.txt")
        info.size = len(noise)
        tar.addfile(info, io.BytesIO(noise))
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(whole.read_bytes()[: int(whole.stat().st_size * 0.9)])
    out = tmp_path / "out"
    outcome = run(client, [cut], out)
    assert {r["document"] for r in rows(out, "findings.jsonl")} == {
        "posts/0.txt",
        "posts/1.txt",
        "posts/2.txt",
    }
    [failure] = rows(out, "failures.jsonl")
    assert failure["document"] == "posts/3.txt" and "later members are missing" in failure["reason"]
    assert outcome.summary["failed"] == 1


def test_not_an_archive_is_an_input_error_before_anything_is_written(tmp_path: Path) -> None:
    fake = tmp_path / "export.zip"
    fake.write_bytes(b"this is not a zip file at all")
    out = tmp_path / "out"
    with pytest.raises(InputError, match=r"export\.zip: not a readable zip archive"):
        audit([str(fake)], out, Config(packs=(EXAMPLE_PACK,), root=tmp_path), AuditOptions(started=STARTED))
    assert not out.exists()


def test_a_rerun_reuses_the_unpacked_members_and_resumes(client: Client, tmp_path: Path) -> None:
    x = x_archive_zip(tmp_path)
    out = tmp_path / "out"
    first = run(client, [x], out)
    marker = next((out / "unpacked").glob("*.json"))
    stamp = marker.stat().st_mtime_ns
    again = run(client, [x], out)
    assert marker.stat().st_mtime_ns == stamp  # not unpacked again
    assert again.progress.submitted == 0 and again.progress.resumed == first.progress.submitted
    assert again.summary["findings"] == first.summary["findings"] == 1


def test_an_interrupted_unpacking_starts_over(tmp_path: Path) -> None:
    x = x_archive_zip(tmp_path)
    into = tmp_path / "unpacked"
    (into / "k" / "data").mkdir(parents=True)
    (into / "k" / "data" / "tweets.js").write_text("window.YTD.tweets.part0 = [", encoding="utf-8")
    got = unpack(str(x), into, "k")
    assert [t.relative_to(into / "k").as_posix() for t in got.targets] == ["data/tweets.js"]
    assert (into / "k" / "data" / "tweets.js").read_bytes() == (
        tmp_path / "x" / "data" / "tweets.js"
    ).read_bytes()
