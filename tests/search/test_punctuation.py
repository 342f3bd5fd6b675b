"""Words next to typographic punctuation are found on both engines.

PostgreSQL's text-search parser treats every non-ASCII character as part of a word when the database's
LC_CTYPE is C (the test server's, and many servers'): without help, “control” and «contrôle» would be
indexed with their quotes and a search for the bare word would miss them. SQLite's unicode61 tokenizer
splits on them already; the test holds both engines to the same result.
"""

from __future__ import annotations

import pytest

from reaimhub.model import ANONYMOUS
from reaimhub.search import SearchQuery, search
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes

TEXT = (
    "The report speaks of “meaningful human control” over weapons.\n\n"
    "Le rapport parle de «contrôle humain» et de «jugement».\n\n"
    "Ein Bericht über „Verantwortung“ und ‚Rechenschaft‘ – mit Gedankenstrich—ohne Abstand…Ende.\n\n"
    "Non-breaking\u00a0space, bullet•point, middle·dot, section§seven and 軍事、人工知能。\n"
).encode()

WORDS = (
    "meaningful",
    "control",
    "contrôle",
    "humain",
    "jugement",
    "Verantwortung",
    "Rechenschaft",
    "Gedankenstrich",
    "ohne",
    "Abstand",
    "Ende",
    "breaking",
    "space",
    "bullet",
    "point",
    "middle",
    "dot",
    "section",
    "seven",
)


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_words_next_to_typographic_punctuation_are_found(hub: Hub) -> None:
    assert ingest_bytes(hub, TEXT, "punctuation.txt").status == "ok"
    missed = [
        word
        for word in WORDS
        if search(hub.store, ANONYMOUS, SearchQuery(word, mode="lexical")).total_documents != 1
    ]
    assert missed == []
    phrase = search(hub.store, ANONYMOUS, SearchQuery('"meaningful human control"', mode="lexical"))
    assert phrase.total_documents == 1
