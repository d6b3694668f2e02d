"""A labelled set of drafts for the secret and personal checks (bench/bench_secrets.py).

True secrets are generated from the providers' documented formats with random
bodies (seeded: the set is the same on every run); near misses, placeholders
and everyday text are written out. Each case is ``(group, text, label)``; the
label is the rule family that must fire (``secret``/``personal``) or ``""``
for a case that must stay clean.
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable

ALNUM = string.ascii_letters + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits
URLSAFE = ALNUM + "_-"
B64 = ALNUM + "+/"


def _r(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _jwt(rng: random.Random) -> str:
    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    payload = {
        "sub": _r(rng, string.digits, 10),
        "name": "Kim",
        "iat": rng.randrange(1_600_000_000, 1_800_000_000),
    }
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(payload)}.{_r(rng, URLSAFE, 43)}"


def _private_key(rng: random.Random) -> str:
    body = "\n".join(_r(rng, B64, 64) for _ in range(6))
    return f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"


TOKENS: dict[str, Callable[[random.Random], str]] = {
    "aws": lambda r: "AKIA" + _r(r, UPPER_DIGITS, 16),
    "github": lambda r: "ghp_" + _r(r, ALNUM, 36),
    "github-fine": lambda r: "github_pat_" + _r(r, ALNUM + "_", 82),
    "gitlab": lambda r: "glpat-" + _r(r, URLSAFE, 20),
    "slack": lambda r: f"xoxb-{_r(r, string.digits, 12)}-{_r(r, string.digits, 13)}-{_r(r, ALNUM, 24)}",
    "slack-webhook": lambda r: (
        "https://hooks.slack.com/services/T"
        + _r(r, UPPER_DIGITS, 8)
        + "/B"
        + _r(r, UPPER_DIGITS, 10)
        + "/"
        + _r(r, ALNUM, 24)
    ),
    "stripe": lambda r: "sk_live_" + _r(r, ALNUM, 24),
    "google": lambda r: "AIza" + _r(r, URLSAFE, 35),
    "openai": lambda r: "sk-proj-" + _r(r, URLSAFE, 48),
    "npm": lambda r: "npm_" + _r(r, ALNUM, 36),
    "pypi": lambda r: "pypi-AgEIcHlwaS5vcmc" + _r(r, URLSAFE, 70),
    "azure": lambda r: (
        "DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey="
        + _r(r, B64, 86)
        + "==;EndpointSuffix=core.windows.net"
    ),
    "jwt": _jwt,
    "private-key": _private_key,
}

TOKEN_FRAMES = (
    "Debugging tonight, finally works with {t} 🎉",
    "Falls ihr es selbst testen wollt: {t}",
    "Screenshot aus dem Dashboard, Key: {t}",
    "Quick fix for the demo, use {t} until Monday.",
)

ASSIGNMENT_FRAMES = (
    'api_key = "{a}"',
    "export AWS_SECRET_ACCESS_KEY={b}",
    '"client_secret": "{h}"',
    "DB_PASSWORD={p}",
    "SLACK_SIGNING_SECRET={h}",
    "token: {a}",
)

URL_FRAMES = (
    "postgres://app:{p}@db.nordkap.de:5432/shop",
    "git clone https://deploy:{p}@git.nordkap.de/web.git",
    "mongodb+srv://admin:{p}@cluster0.abcde.mongodb.net/test",
)

PROSE_DE = (
    "Hier der Zugang fürs Event-WLAN: Passwort: {p}",
    "Das PW ist {p}, bitte nicht weitersagen 😉",
    "WLAN-Passwort: {p}",
    "Zugangsdaten: {u} / {p}",
    "Das WLAN-Passwort lautet {p}",
    "Kennwort für den Gastzugang: {p}",
    "Für alle, die morgen kommen: das Passwort ist {p}",
    "Login: {u} Passwort: {p}",
)
PROSE_EN = (
    "the password is {p}",
    "Guest Wi-Fi password: {p} – enjoy the conference!",
    "login: {u} pass: {p}",
    "For the workshop: Password: {p}",
    "The wifi password is {p} if anyone asks.",
    "Credentials: {u} / {p}",
    "Our office Wi-Fi password is {p}",
    "Username: {u}, password: {p}",
)
WORDS = ("Sommerfest", "Kaffee", "Gast", "Workshop", "Nordkap", "Winter", "Messe", "Team")
USERS = ("max", "admin", "gast", "event", "kim.meyer", "deploy")


def _human_password(rng: random.Random) -> str:
    word = rng.choice(WORDS)
    return rng.choice(
        (
            f"{word}{rng.randrange(2020, 2030)}{rng.choice('!#?$')}",
            f"{word}#{rng.randrange(10, 99)}",
            f"{word.lower()}-{rng.randrange(100, 999)}",
            _r(rng, ALNUM, 12),
            f"{_r(rng, ALNUM, 6)}{rng.choice('!%&*')}{_r(rng, string.digits, 3)}",
        )
    )


NEAR_MISSES = (
    # the providers' documented examples and obvious placeholders
    "Das Beispiel aus der AWS-Doku: AKIAIOSFODNN7EXAMPLE",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "Stripe test: sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    'api_key = "<your-api-key>"',
    'password = "changeme"',
    "token: ${GITHUB_TOKEN}",
    'api_key = os.environ["API_KEY"]',
    '"password": "********"',
    "OPENAI_API_KEY=sk-your-key-here",
    "postgres://user:password@localhost:5432/db",
    "https://user:pass@example.com/private",
    "Passwort: ********",
    "Passwort: <dein Passwort>",
    "password: your-password",
    # prose that talks about passwords
    "Das Passwort ist sicher, keine Sorge.",
    "Passwort vergessen? Hier zurücksetzen.",
    "Make sure the password is strong and unique.",
    "Your password is incorrect, try again.",
    "the password is the same as before",
    "Das PW ist geändert, frag die IT.",
    "Tipp: das Passwort sollte lang sein.",
    "boarding pass: LH1234, Gate B12",
    "Tagespass: 25 Euro, Wochenpass: 80 Euro",
    "Token: unser kleines Dankeschön an die Community",
    "Secret: the best coffee in town is at Kim's.",
    # things that look random but are not secrets
    "Fixed in commit 3f786850e387550fdab836ed7e6dc881de23001b, thanks!",
    "Request id 550e8400-e29b-41d4-a716-446655440000 for support",
    "Watch it: https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "#Sommerfest2027 war großartig!",
    "Version 2.14.3-rc1 ist draußen.",
    "Unser Gutscheincode SOMMER2027 gilt bis Sonntag.",
    "Die Bestellnummer ist 4929123456789012.",
    "Beitrag 1.299,00 Euro, fällig am 01.02.2027.",
    "10115 Berlin, Invalidenstraße 117",
    "ISBN 978-3-16-148410-0",
    "Schreibt uns an presse@nordkap.de oder jobs@nordkap.de!",
    "Support: support@example.com",
    "Kontakt: max.mustermann@example.org",
    "Folgt uns: @nordkap@mastodon.social",
    "Ruft die 112 an, wenn es brennt.",
    "DE89 3704 0044 0532 0130 01 ist keine gültige IBAN.",
    "Die Testkarte 4242 4242 4242 4242 aus der Stripe-Doku.",
)


def _iban(rng: random.Random) -> str:
    from stdnum import iban

    bban = f"{rng.randrange(10_000_000, 99_999_999)}{rng.randrange(10**9, 10**10)}"
    check = iban.calc_check_digits("DE00" + bban)
    raw = f"DE{check}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _card(rng: random.Random) -> str:
    from stdnum import luhn

    body = rng.choice(("4", "51", "37")) + _r(rng, string.digits, 14)
    body = body[:15] if not body.startswith("37") else body[:14]
    digits = body + luhn.calc_check_digit(body)
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


PHONES = (
    "Ruft mich an: 0151 23456789",
    "Tel. +49 30 12345678",
    "Mobil: 0172/1234567",
    "Handy 0049 170 1234567",
    "Erreichbar unter (030) 2345 6789",
    "Call me: +43 664 1234567",
    "Telefon +41 44 668 18 00",
    "WhatsApp: +49 176 12345678",
)

PERSONAL_FRAMES = (
    ("Fragen gern an anna.schmidt@gmail.com", "personal"),
    ("Schreibt direkt an jonas.weber@nordkap.de", "personal"),
    ("Contact Kim at kim.oconnor@outlook.com for details", "personal"),
    ("Meine Steuer-ID: 86095742719", "personal"),
)


def cases(seed: int = 14, per_shape: int = 6) -> list[tuple[str, str, str]]:
    """The labelled set: ``(group, text, label)``."""
    rng = random.Random(seed)
    out: list[tuple[str, str, str]] = []
    for name, make in TOKENS.items():
        for i in range(per_shape):
            out.append((f"token:{name}", TOKEN_FRAMES[i % len(TOKEN_FRAMES)].format(t=make(rng)), "secret"))
    for i in range(per_shape * 3):
        frame = ASSIGNMENT_FRAMES[i % len(ASSIGNMENT_FRAMES)]
        text = frame.format(
            a=_r(rng, ALNUM, 32), b=_r(rng, B64, 40), h=_r(rng, "0123456789abcdef", 32), p=_r(rng, ALNUM, 16)
        )
        out.append(("assignment", text, "secret"))
    for i in range(per_shape):
        out.append(("url", URL_FRAMES[i % len(URL_FRAMES)].format(p=_human_password(rng)), "secret"))
    for lang, frames in (("de", PROSE_DE), ("en", PROSE_EN)):
        for frame in frames:
            for _ in range(2):
                text = frame.format(p=_human_password(rng), u=rng.choice(USERS))
                out.append((f"prose:{lang}", text, "secret"))
    for text in NEAR_MISSES:
        out.append(("near-miss", text, ""))
    for _ in range(per_shape):
        out.append(("personal:iban", f"Bitte überweist an {_iban(rng)}, danke!", "personal"))
        out.append(("personal:card", f"Meine Karte: {_card(rng)}", "personal"))
    for text in PHONES:
        out.append(("personal:phone", text, "personal"))
    for text, label in PERSONAL_FRAMES:
        out.append(("personal:other", text, label))
    return out
