"""Everyday posts must pass untouched: a linter that cries wolf gets switched off.

Each text is a realistic post in German or English that shares words with the
example pack or the default pack (intern, intern*, vertraulich, Eichhörnchen,
Sturm, Trekker, Prognose...) without leaking anything.
"""

from __future__ import annotations

import pytest

from conftest import spans

EVERYDAY = [
    "Unsere Praktikantin hat heute ihr Projekt vorgestellt – wir sind begeistert! #internship",
    "Meet Anna, our summer intern! She spent three months testing tents in Norway. 🏕️",
    "We're hiring interns for 2027: apply via our careers page.",
    "Unsere internen Teams haben das Jahr über großartig zusammengearbeitet. Danke!",
    "Intern haben wir lange diskutiert, jetzt ist es offiziell: Wir ziehen nach Hamburg.",
    "Wir behandeln Ihre Daten selbstverständlich vertraulich.",
    "Ein Eichhörnchen hat heute unser Büro besucht 🐿️ – süß!",
    "Sturm über der Nordsee: Bitte passt auf euch auf, die Sturmwarnung gilt bis morgen.",
    "Der Trekker T4 bleibt ein Klassiker in unserem Sortiment.",
    "Die Wetterprognose für das Wochenende: Sonne satt. Ab in die Berge!",
    "Our internal hackathon produced some great ideas for the community.",
    "Confidentiality matters to our customers, and so does your privacy.",
    "TLP:GREEN – Hinweise zur Phishing-Welle, gerne teilen.",
    "Besucht uns auf www.nordkap.example oder schreibt an presse@nordkap.example!",
    "Wir danken allen Kunden für ein tolles Jahr und wünschen frohe Feiertage.",
    "Proud to be part of this team. Here's to the next adventure! 🚀 #outdoor #teamwork",
    "Heute Abend Vortrag über Zugvögel und Seevögel im Naturkundemuseum.",
    "Polar bears and arctic foxes: our photographer's trip to Svalbard.",
    "Der Pitch auf der Konferenz war großartig, danke an alle Zuhörer!",
    "Hier geht's zum Impressum: https://www.nordkap.example/impressum",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_posts_pass(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert spans(check(text), text) == []
