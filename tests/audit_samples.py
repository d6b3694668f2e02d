"""Small, real-shaped samples of every source `postguard audit` reads (made in the tests)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

# The example pack's embargo on the "Nordkap Trekker T5" lifts on 2027-05-04 09:00 +02:00.
BEFORE_LIFT = "2027-02-18T12:03:11+00:00"
AFTER_LIFT = "2027-06-07T08:00:00+00:00"


def twitter_archive(root: Path) -> Path:
    """An unpacked X archive: data/tweets.js and data/account.js as X writes them."""
    data = root / "data"
    data.mkdir(parents=True)
    tweets = [
        {
            "tweet": {
                "edit_info": {"initial": {"editTweetIds": ["1626922779105759235"], "editsRemaining": "5"}},
                "retweeted": False,
                "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
                "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
                "id_str": "1626922779105759235",
                "id": "1626922779105759235",
                "created_at": "Thu Feb 18 12:03:11 +0000 2027",
                "full_text": "Der Nordkap Trekker T5 kommt &amp; wir sind bereit!",
                "lang": "de",
            }
        },
        {
            "tweet": {
                "id_str": "1726922779105759236",
                "id": "1726922779105759236",
                "created_at": "Mon Jun 07 08:00:00 +0000 2027",
                "full_text": "Der Nordkap Trekker T5 ist da!",
                "lang": "de",
            }
        },
    ]
    (data / "tweets.js").write_text(
        "window.YTD.tweets.part0 = " + json.dumps(tweets, indent=2), encoding="utf-8"
    )
    account = [{"account": {"email": "team@nordkap.example", "username": "nordkap", "accountId": "42"}}]
    (data / "account.js").write_text("window.YTD.account.part0 = " + json.dumps(account), encoding="utf-8")
    return root


def mastodon_outbox(path: Path) -> Path:
    """outbox.json of a Mastodon export: Create activities of Notes (HTML content), and a boost."""
    base = "https://mastodon.social/users/nordkap"
    body = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "outbox.json",
        "type": "OrderedCollection",
        "totalItems": 3,
        "orderedItems": [
            {
                "id": f"{base}/statuses/1/activity",
                "type": "Create",
                "actor": base,
                "published": "2026-10-01T10:00:00Z",
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "object": {
                    "id": f"{base}/statuses/1",
                    "type": "Note",
                    "published": "2026-10-01T10:00:00Z",
                    "url": "https://mastodon.social/@nordkap/1",
                    "content": "<p>Ein Gruß vom Polarfuchs-Team aus dem Labor!</p>",
                    "contentMap": {"de": "<p>Ein Gruß vom Polarfuchs-Team aus dem Labor!</p>"},
                },
            },
            {
                "id": f"{base}/statuses/2/activity",
                "type": "Create",
                "actor": base,
                "published": "2026-10-03T10:00:00Z",
                "object": {
                    "id": f"{base}/statuses/2",
                    "type": "Note",
                    "published": "2026-10-03T10:00:00Z",
                    "url": "https://mastodon.social/@nordkap/2",
                    "content": "<p>Schönes Wochenende euch allen!</p>",
                },
            },
            {
                "id": f"{base}/statuses/3/activity",
                "type": "Announce",
                "actor": base,
                "published": "2026-10-04T10:00:00Z",
                "object": "https://example.org/users/someone/statuses/9",
            },
        ],
    }
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def linkedin_shares(path: Path) -> Path:
    """Shares.csv of a LinkedIn export (a multi-line, quoted ShareCommentary included)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl", "Visibility"])
        w.writerow(
            [
                "2026-11-02 09:12:33",
                "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7000000000000000001",
                'Ein Blick hinter die Kulissen:\nder "Nordlicht X" wächst.',
                "",
                "",
                "MEMBER_NETWORK",
            ]
        )
        w.writerow(
            [
                "2026-11-03 10:00:00",
                "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7000000000000000002",
                "Wir stellen ein! Komm in unser Team.",
                "https://jobs.example/1",
                "",
                "MEMBER_NETWORK",
            ]
        )
    return path


def jsonl_posts(path: Path, *, corrupt: bool = False) -> Path:
    rows = [
        {"id": "p1", "text": "Stolz auf das Sturmvogel-Team!", "created_at": "2026-09-01T10:00:00Z",
         "url": "https://blog.example/p1"},
        {"id": "p2", "text": "Ein schöner Tag am Meer.", "created_at": "2026-09-02T10:00:00Z"},
        {"id": "p4", "text": "Nordlicht X ist fast fertig.", "created_at": "2026-10-02T10:00:00Z"},
    ]  # fmt: skip
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    if corrupt:
        lines.insert(2, '{"id": "p3", "text": "abgeschnitten')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def csv_posts(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "published", "body"])
        w.writerow(["c1", "2026-08-01T09:00:00+02:00", "Unser Polarfuchs\nbekommt neue Räder."])
        w.writerow(["c2", "2026-08-02T09:00:00+02:00", "Guten Morgen!"])
    return path


def parquet_posts(path: Path) -> Path:
    from datetime import UTC, datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": ["q1", "q2", "q3"],
            "text": ["Sturmvogel fliegt!", "Hallo Welt.", "Der Nordkap Trekker T5 kommt."],
            "created_at": [
                datetime(2026, 7, 1, tzinfo=UTC),
                datetime(2026, 7, 2, tzinfo=UTC),
                datetime(2027, 7, 3, tzinfo=UTC),
            ],
        }
    )
    pq.write_table(table, path, row_group_size=2)
    return path


def content_dir(root: Path) -> Path:
    """A content repository: Markdown with front matter, HTML, text."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "launch.md").write_text(
        "---\ntitle: Launch\ndate: 2026-12-20\n---\n# Bald\n\nDer Nordkap Trekker T5 kommt bald.\n",
        encoding="utf-8",
    )
    (root / "team.html").write_text("<p>Grüße vom Sturmvogel-Team!</p>\n", encoding="utf-8")
    (root / "plain.txt").write_text("Ein ganz normaler Beitrag über Wanderschuhe.\n", encoding="utf-8")
    return root
