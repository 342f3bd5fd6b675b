"""The library of the leak matrix, built once per engine: organisations, the troika, one account per
persona, and a document, a note, a position and a contribution at each level, each with a marker word
of its own (issue 9 item 10).

Who may see each item is written down here (`Item.seen_by`), not computed with the predicate under
test: the matrix compares what every path shows with this table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reaimhub.embeddings import register_embedder
from reaimhub.model import SYSTEM, Disclosure, Principal
from reaimhub.services import identity
from reaimhub.services.coalition import list_instruments
from reaimhub.services.coalition_actors import get_actor
from reaimhub.services.coalition_imports import load_reaim_dataset
from reaimhub.services.contributions import contribute_document, decide
from reaimhub.services.documents import get_document
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes
from reaimhub.services.notes import add_note
from reaimhub.services.proposals import propose_position
from reaimhub.services.sharing import Sharing
from reaimhub.web import create_app
from tests.accounts import add_member, principal_of
from tests.conftest import ENGINES, database_for, make_hub
from tests.search.embedders import WordHashEmbedder
from tests.web.conftest import Client

# The small word-hash stand-in for a sentence model (tests/search/embedders.py): semantic and hybrid
# search and "more like this" get vectors without loading a model.
EMBEDDER = "leak-wordhash"
register_embedder(EMBEDDER, lambda: WordHashEmbedder("leak-wordhash-v1"))

# --- who looks ---------------------------------------------------------------------------------------

ORGS = {  # key -> (name, stakeholder type, ISO3)
    "nld": ("Ministry of Foreign Affairs of the Netherlands", "state", "NLD"),
    "kor": ("Ministry of Foreign Affairs of the Republic of Korea", "state", "KOR"),
    "esp": ("Ministry of Foreign Affairs of Spain", "state", "ESP"),
    "ngo": ("Stop Killer Robots Test Chapter", "civil_society", None),
    "mods": ("REAIM Hub Moderators", "other", None),
    "leiden": ("Leiden University", "academia", None),
}
TROIKA_ORGS = ("nld", "kor", "esp")


@dataclass(frozen=True)
class Persona:
    email: str | None
    org: str | None  # a key of ORGS
    role: str = "viewer"
    site_admin: bool = False


PERSONAS = {
    "anonymous": Persona(None, None),
    # signed in, in an organisation outside the troika that submitted nothing: sees what any account sees
    "registered": Persona("viewer@leiden.example", "leiden", "viewer"),
    "troika": Persona("kr@mofa.example", "kor", "viewer"),  # a troika member that owns nothing
    "ngo": Persona("ngo@skr.example", "ngo", "contributor"),  # another organisation, which contributes
    "moderator": Persona("mod@hub.example", "mods", "moderator"),
    "admin": Persona("root@hub.example", None, site_admin=True),
    "owner": Persona("nl@minbuza.example", "nld", "editor"),  # the Dutch editor: owns the documents
}

ALL = frozenset(PERSONAS)
SIGNED_IN = ALL - {"anonymous"}
TROIKA = frozenset({"troika", "owner", "admin"})
OWNER = frozenset({"owner", "admin"})
HELD = frozenset({"ngo", "moderator", "admin"})  # awaiting moderation: the contributor's org and moderators
UPLOADER = frozenset({"ngo", "admin"})  # a failed upload: its uploader and administrators

# --- what there is -----------------------------------------------------------------------------------

SHARED = "autonomous weapons"  # words every document has (with "Peru")


@dataclass(frozen=True)
class Item:
    """One thing with a marker word. `kind`: document, failed (an upload that could not be read),
    note, position (applied) or proposal (a position proposal awaiting moderation)."""

    key: str
    kind: str
    level: str  # the level asked for
    seen_by: frozenset[str]
    by: str = "owner"  # the persona that wrote or uploaded it
    on: str | None = None  # a note: the document it is on
    approve: bool = False  # a moderator approves it while the library is built
    # documents: own symbol, the state it alone mentions (besides Peru), the documents it cites
    symbol: str | None = None
    state: tuple[str, str] | None = None  # (name, ISO3)
    cites: tuple[str, ...] = ()
    # positions: instrument, value and date (all are Peru's; each date is its own, after the bundled ones)
    instrument: str | None = None
    value: str | None = None
    as_of: str | None = None

    @property
    def marker(self) -> str:
        return f"zorblax{self.key}"

    @property
    def pending(self) -> bool:
        return self.seen_by == HELD


ITEMS = (
    # documents, owned by the Dutch ministry (uploaded by its editor), and the NGO's contribution
    Item("docpublic", "document", "public", ALL, symbol="A/79/901", state=("Chile", "CHL"),
         cites=("doctroika", "docconfidential")),
    Item("docregistered", "document", "registered", SIGNED_IN, symbol="A/79/902", state=("Kenya", "KEN"),
         cites=("docpublic",)),
    Item("doctroika", "document", "restricted", TROIKA, symbol="A/79/903", state=("Ghana", "GHA"),
         cites=("docpublic",)),
    Item("docconfidential", "document", "confidential", OWNER, symbol="A/79/904", state=("Fiji", "FJI"),
         cites=("docpublic", "doctroika")),
    Item("docpending", "document", "public", HELD, by="ngo", symbol="A/79/905", state=("Nepal", "NPL"),
         cites=("docpublic",)),
    Item("docfailed", "failed", "public", UPLOADER, by="ngo"),
    # notes on the public document's passage, and one asked public on the troika's passage
    Item("notepublic", "note", "public", ALL, on="docpublic", approve=True),
    Item("noteregistered", "note", "registered", SIGNED_IN, on="docpublic", approve=True),
    Item("notetroika", "note", "restricted", TROIKA, on="docpublic"),
    Item("noteconfidential", "note", "confidential", OWNER, on="docpublic"),
    Item("notepending", "note", "public", HELD, by="ngo", on="docpublic"),
    Item("noteontroika", "note", "public", TROIKA, on="doctroika"),  # raised to the passage's sharing
    # Peru's positions (one per instrument and role), and a proposal left pending
    Item("pospublic", "position", "public", ALL, approve=True,
         instrument="reaim-2024-blueprint-for-action", value="endorsed", as_of="2026-08-11"),
    Item("posregistered", "position", "registered", SIGNED_IN, approve=True,
         instrument="A/C.1/79/L.77", value="co_sponsor", as_of="2026-08-12"),
    Item("postroika", "position", "restricted", TROIKA, instrument="A/C.1/80/L.41", value="co_sponsor",
         as_of="2026-08-13"),
    Item("posconfidential", "position", "confidential", OWNER, instrument="A/C.1/78/L.56",
         value="co_sponsor", as_of="2026-08-14"),
    Item("pospending", "proposal", "public", HELD, by="ngo", instrument="A/C.1/80/L.56",
         value="co_sponsor", as_of="2026-08-15"),
)  # fmt: skip
BY_KEY = {item.key: item for item in ITEMS}
DOCUMENTS = tuple(i for i in ITEMS if i.kind == "document")
NOTES = tuple(i for i in ITEMS if i.kind == "note")
POSITIONS = tuple(i for i in ITEMS if i.kind == "position")
PROPOSALS = tuple(i for i in ITEMS if i.kind == "proposal")
PERU_POSITIONS_BUNDLED = 4  # Peru's entries in the bundled dataset

_markers = [i.marker for i in ITEMS]
assert not any(a != b and a in b for a in _markers for b in _markers), "no marker inside another"


def document_text(item: Item) -> bytes:
    """One passage: own symbol, a title with the marker, Peru and the item's own state, citations."""
    assert item.symbol and item.state
    cited = " and ".join(BY_KEY[k].symbol or "" for k in item.cites)
    return (
        f"{item.symbol}\n\n"
        f"The {item.level} paper {item.marker} on {SHARED}\n\n"
        f"The delegation of Peru and the delegation of {item.state[0]} welcomed the {item.marker} report "
        f"on {SHARED}. It recalls resolution A/RES/79/239 and document {cited}.\n"
    ).encode()


def note_text(item: Item) -> str:
    return f"{item.marker}: Peru's delegation asked about this passage and resolution A/RES/79/239."


# --- the library -------------------------------------------------------------------------------------


@dataclass
class World:
    engine: str
    hub: Hub
    data_dir: Path
    database_url: str
    orgs: dict[str, str]  # ORGS key (or "troika") -> id
    ids: dict[str, str]  # item key -> its public id: document uid, note id, contribution id
    passages: dict[str, int]  # document key -> number of passages
    instrument_counts: dict[str, dict[str, int]]  # instrument -> counts before any proposal
    clients: dict[str, Client]
    # Who sees each item now (a test that changes sharing changes it here too, then restores it).
    seen: dict[str, frozenset[str]] = field(default_factory=dict)

    def principal(self, persona: str) -> Principal:
        email = PERSONAS[persona].email
        assert email is not None
        return principal_of(self.hub, email)

    def tokens(self, key: str) -> tuple[str, ...]:
        """What gives an item away: its marker, its public id and, for a position, its own date."""
        item = BY_KEY[key]
        return (item.marker, self.ids[key], *((item.as_of,) if item.as_of else ()))

    def sees(self, persona: str, key: str) -> bool:
        """Whether `persona` may see the item: its own audience and, for a note, its document's."""
        item = BY_KEY[key]
        if persona not in self.seen[key]:
            return False
        return item.on is None or self.sees(persona, item.on)


def _build(hub: Hub) -> tuple[dict[str, str], dict[str, str], dict[str, int], dict[str, dict[str, int]]]:
    """The library: returns the organisations' ids, the items' public ids, each document's number of
    passages and each instrument's counts before any proposal."""
    report = load_reaim_dataset(hub)
    assert report.ok
    counts = {s.instrument.id: dict(s.counts) for s in list_instruments(hub.store, SYSTEM)}
    assert len(get_actor(hub.store, SYSTEM, "PER").positions) == PERU_POSITIONS_BUNDLED

    orgs = {key: identity.add_org(hub.store, SYSTEM, *spec).id for key, spec in ORGS.items()}
    orgs["troika"] = identity.add_group(hub.store, SYSTEM, "troika", [orgs[k] for k in TROIKA_ORGS]).id
    for persona in PERSONAS.values():
        if persona.email:
            org = orgs[persona.org] if persona.org else None
            add_member(hub, persona.email, org, persona.role, site_admin=persona.site_admin)

    def who(persona: str) -> Principal:
        email = PERSONAS[persona].email
        assert email is not None
        return principal_of(hub, email)  # as of now: with the audiences made since

    ids: dict[str, str] = {}
    for item in DOCUMENTS:
        data = document_text(item)
        if item.by == "ngo":  # a public contribution: it waits for a moderator
            result, contribution = contribute_document(
                hub,
                who("ngo"),
                data,
                f"{item.marker}.txt",
                Sharing(Disclosure.PUBLIC, orgs["ngo"]),
                "leak matrix",
            )
            assert contribution is not None and contribution.status == "pending", result
        else:
            level = Disclosure.parse(item.level)
            groups = frozenset({"troika"}) if level == Disclosure.RESTRICTED else frozenset()
            sharing = Sharing(level, orgs["nld"], groups=groups)
            result = ingest_bytes(hub, data, f"{item.marker}.txt", sharing=sharing, uploader=who("owner"))
        assert result.status == "ok" and result.uid is not None and result.passages_embedded >= 1, result
        ids[item.key] = result.uid
    failed, none = contribute_document(
        hub, who("ngo"), b"<html><body>An error page</body></html>", "zorblaxdocfailed.pdf",
        Sharing(Disclosure.PUBLIC, orgs["ngo"]), "leak matrix",
    )  # fmt: skip
    assert failed.status == "failed" and failed.uid is not None and none is None, failed
    ids["docfailed"] = failed.uid
    passages = {d.key: len(get_document(hub.store, SYSTEM, ids[d.key]).passages) for d in DOCUMENTS}

    for item in NOTES:
        assert item.on is not None
        share = ["troika"] if item.level == "restricted" else []
        note = add_note(hub, who(item.by), f"{ids[item.on]}-0", note_text(item), item.level, share)
        ids[item.key] = note.id
        if item.approve:
            decide(hub, who("moderator"), note.id, "approve", "a fair note")
    for item in (*POSITIONS, *PROPOSALS):
        assert item.instrument and item.value and item.as_of
        contribution = propose_position(
            hub,
            who(item.by),
            instrument_id=item.instrument,
            iso3="PER",
            role="",
            value=item.value,
            as_of=item.as_of,
            note=f"{item.marker}: Peru's position, as A/RES/79/239 recalls.",
            source_url=f"https://example.org/sources/{item.marker}",
            level=item.level,
            share_with=["troika"] if item.level == "restricted" else [],
        )
        ids[item.key] = contribution.id
        if item.approve:
            decide(hub, who("moderator"), contribution.id, "approve", "the source shows it")
    return orgs, ids, passages, counts


@pytest.fixture(scope="module", params=ENGINES)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp(f"leaks-{request.param}")
    with database_for(request.param, tmp) as url:
        hub = make_hub(tmp, url, embedding_model=EMBEDDER)
        clients: dict[str, Client] = {}
        try:
            orgs, ids, passages, counts = _build(hub)
            app = create_app(hub)
            for name, persona in PERSONAS.items():
                clients[name] = Client(app)
                if persona.email:
                    clients[name].sign_in(persona.email)
            yield World(
                request.param,
                hub,
                tmp / "data",
                url,
                orgs,
                ids,
                passages,
                counts,
                clients,
                {item.key: item.seen_by for item in ITEMS},
            )
        finally:
            for client in clients.values():
                client.close()
            hub.close()
