"""The leak matrix (issue 9 item 10): every persona on every read path, on SQLite and PostgreSQL.

The library (tests/leaks/conftest.py) holds a document, a note, a position and a contribution at each
level, each with a marker word of its own, and writes down who may see each. For every persona and
every path (`PATHS`: one line each) the matrix asserts both ways:

- no leak: no marker, id or date of an item the persona may not see appears in the response (body
  and headers), and a hidden document (or passage) answers exactly as one that does not exist;
- nothing hidden: every item the path shows, that the persona may see, is there, and the figures
  (totals, facets, counts, mention counts) are those of exactly what the persona may see.

Then the troika's document is made confidential (the matrix again: it is gone for the troika at once,
everywhere) and shared back; the CLI searches `--as` each account; an outsider uploads the bytes of
the confidential document.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import pytest
from typer.testing import CliRunner

from reaimhub.cli.main import app as cli
from reaimhub.model import Disclosure
from reaimhub.services.document_access import change_document_access
from reaimhub.services.library import ingest_bytes
from reaimhub.services.sharing import Sharing
from tests.leaks.conftest import (
    ALL,
    BY_KEY,
    DOCUMENTS,
    EMBEDDER,
    ITEMS,
    NOTES,
    OWNER,
    PERSONAS,
    PERU_POSITIONS_BUNDLED,
    POSITIONS,
    PROPOSALS,
    SHARED,
    SIGNED_IN,
    TROIKA,
    Item,
    World,
    document_text,
)
from tests.web.conftest import Client

Check = Callable[[World, str, httpx.Response], list[str]]


@dataclass(frozen=True)
class Probe:
    """One request of a path. `shows`: the items it shows to whoever may see them (their markers must
    be there); `subject`: the document it is about (hidden: the answer of a document that does not
    exist); `allowed`: who gets the page at all (anonymous visitors are sent to sign in, others are
    refused); `status`: the answer when shown; `check`: figures to compare with the table."""

    url: str
    shows: frozenset[str] = frozenset()
    subject: str | None = None
    allowed: frozenset[str] = ALL
    status: int = 200
    check: Check | None = None
    asks: str | None = None  # words of the request that its answer repeats


Paths = Callable[[World, str], list[Probe]]  # (world, persona) -> the requests of a path


# --- what each path shows ---------------------------------------------------------------------------

DOC_KEYS = frozenset(d.key for d in DOCUMENTS)
POSITION_KEYS = frozenset(p.key for p in POSITIONS)
MODES = ("lexical", "semantic", "hybrid")
# Each marker as typed, in every mode (the answer repeats the query, so its words are no leak there);
# each by a prefix that it alone has (so a marker in the answer is one), where words are matched; the
# words every document has.
SEARCHES = (
    *((i.marker, mode) for i in ITEMS for mode in MODES),
    *((i.marker[:-1] + "*", mode) for i in ITEMS for mode in ("lexical", "hybrid")),
    *((words, mode) for words in ("Peru", SHARED) for mode in MODES),
)
OUTREACH_TARGET = "reaim-2026-pathways-to-action"  # Peru is not on it: every Peru position is evidence


def cited_by(key: str) -> frozenset[str]:
    return frozenset(d.key for d in DOCUMENTS if key in d.cites)


def notes_on(key: str) -> frozenset[str]:
    return frozenset(n.key for n in NOTES if n.on == key)


def links(item: Item) -> frozenset[str]:
    """A document, the documents it cites and those citing it (named and linked where visible)."""
    return frozenset({item.key, *item.cites, *cited_by(item.key)})


def found(text: str, mode: str) -> frozenset[str]:
    """The documents a search finds for one who sees everything: a marker finds its document by its
    words; the semantic side returns the nearest passages, which in this small library is all."""
    if mode != "lexical" or text in ("Peru", SHARED):
        return DOC_KEYS
    if text.endswith("*"):
        return frozenset(d.key for d in DOCUMENTS if d.marker.startswith(text[:-1]))
    return frozenset(d.key for d in DOCUMENTS if d.marker == text)


def named_by(item: Item) -> frozenset[str]:
    """What a contribution names: itself and the document it is (or is on)."""
    return frozenset({item.key, *((item.on,) if item.on else ())})


# --- figures ----------------------------------------------------------------------------------------


def seen_documents(world: World, persona: str, among: Iterable[str] = DOC_KEYS) -> list[Item]:
    return [d for d in DOCUMENTS if d.key in among and world.sees(persona, d.key)]


def library_figures(world: World, persona: str) -> dict[str, object]:
    docs = seen_documents(world, persona)
    n = len(docs)
    return {
        "documents": n,
        "works": n,  # each document is a work of its own (tests/leaks/test_leak_works.py: renditions)
        "pages": n,  # one page each
        "passages": sum(world.passages[d.key] for d in docs),
        "failed": int(world.sees(persona, "docfailed")),
        "by_language": {"en": n} if n else {},
        "by_type": {"report": n} if n else {},
        "states_mentioned": n + 1 if n else 0,  # Peru and each document's own state
    }


def stats_figures(world: World, persona: str, response: httpx.Response) -> list[str]:
    got, want = response.json(), library_figures(world, persona)
    return [
        f"{name}: {got[name]!r}, expected {value!r}" for name, value in want.items() if got[name] != value
    ]


def home_figures(world: World, persona: str, response: httpx.Response) -> list[str]:
    want = library_figures(world, persona)
    labels = {
        "Works": "works",
        "Files": "documents",
        "Passages": "passages",
        "States mentioned": "states_mentioned",
        "Files that could not be read": "failed",
    }
    problems = []
    for label, name in labels.items():
        shown = re.search(rf"<dt>{label}</dt><dd><strong>([\d,]+)</strong>", response.text)
        if name == "failed" and not want[name] and shown is None:
            continue  # the line is left out when there are none
        if shown is None or int(shown.group(1).replace(",", "")) != want[name]:
            problems.append(f"{label}: {shown and shown.group(1)}, expected {want[name]}")
    return problems


def search_figures(world: World, persona: str, finds: frozenset[str], data: dict[str, object]) -> list[str]:
    """Results, totals and every facet of a search (API or CLI JSON): exactly what the persona sees."""
    docs = seen_documents(world, persona, finds)
    n = len(docs)
    want: dict[str, object] = {
        "documents": sorted(world.ids[d.key] for d in docs),
        "total_documents": n,
        "total_passages": sum(world.passages[d.key] for d in docs),
        "language": {"en": n} if n else {},
        "doc_type": {"report": n} if n else {},
        "state": {"PER": n, **{d.state[1]: 1 for d in docs if d.state}} if n else {},
    }
    results = data["results"]
    facets = data["facets"]
    assert isinstance(results, list) and isinstance(facets, dict)
    got: dict[str, object] = {
        "documents": sorted(r["document_id"] for r in results),
        "total_documents": data["total_documents"],
        "total_passages": data["total_passages"],
        **{
            name: {f["value"]: f["count"] for f in facets.get(name, [])}
            for name in ("language", "doc_type", "state")
        },
    }
    return [
        f"{name}: {got[name]!r}, expected {value!r}" for name, value in want.items() if got[name] != value
    ]


def search_json(text: str, mode: str) -> Check:
    def check(world: World, persona: str, response: httpx.Response) -> list[str]:
        data = response.json()
        problems = search_figures(world, persona, found(text, mode), data)
        return problems + ([] if data["mode"] == mode else [f"searched {data['mode']}, not {mode}"])

    return check


def search_page(text: str, mode: str) -> Check:
    def check(world: World, persona: str, response: httpx.Response) -> list[str]:
        docs = seen_documents(world, persona, found(text, mode))
        totals = re.search(r"([\d,]+)\s+documents?\s*\(([\d,]+) passages?\)\s*match", response.text)
        problems = []
        if (int(totals.group(1)) if totals else 0) != len(docs):
            problems.append(f"totals say {totals and totals.group(0)!r}, expected {len(docs)} documents")
        for d in DOCUMENTS:
            assert d.state is not None
            if (f"state={d.state[1]}" in response.text) != (d in docs):
                problems.append(f"the state facet {'lacks' if d in docs else 'offers'} {d.state[1]}")
        return problems

    return check


def peru(world: World, persona: str, response: httpx.Response) -> list[str]:
    """Peru's page in the API: mention counts, the documents it is mentioned in, its positions."""
    data = response.json()
    docs = seen_documents(world, persona)
    positions = sum(world.sees(persona, p.key) for p in POSITIONS)
    want = {
        "mentions": {"documents": len(docs), "mentions": len(docs)},
        "mentioned_in": sorted(world.ids[d.key] for d in docs),
        "positions": PERU_POSITIONS_BUNDLED + positions,
    }
    got = {
        "mentions": data["mentions"],
        "mentioned_in": sorted(m["document_id"] for m in data["mentioned_in"]),
        "positions": len(data["positions"]),
    }
    return [
        f"{name}: {got[name]!r}, expected {value!r}" for name, value in want.items() if got[name] != value
    ]


def mentioned_once(key: str) -> Check:
    def check(world: World, persona: str, response: httpx.Response) -> list[str]:
        seen = int(world.sees(persona, key))
        got = response.json()["mentions"]
        return [] if got == {"documents": seen, "mentions": seen} else [f"mentions {got}, expected {seen}"]

    return check


def peru_entries(world: World, persona: str, response: httpx.Response) -> list[str]:
    [row] = [a for a in response.json()["actors"] if a["iso3"] == "PER"]
    want = PERU_POSITIONS_BUNDLED + sum(world.sees(persona, p.key) for p in POSITIONS)
    return [] if row["positions"] == want else [f"Peru has {row['positions']} entries, expected {want}"]


def count_of(world: World, persona: str, item: Item) -> int:
    """How many rows of the item's value its instrument has for the persona."""
    assert item.instrument and item.value
    base = world.instrument_counts[item.instrument].get(item.value, 0)
    return base + int(item.kind == "position" and world.sees(persona, item.key))


def instrument_counts(world: World, persona: str, response: httpx.Response) -> list[str]:
    data = response.json()
    listed = data.get("instruments", [data])  # the list, or one instrument
    counts = {i["id"]: i["counts"] for i in listed}
    problems = []
    for item in (*POSITIONS, *PROPOSALS):
        assert item.instrument and item.value
        if item.instrument in counts:
            got, want = counts[item.instrument].get(item.value, 0), count_of(world, persona, item)
            if got != want:
                problems.append(f"{item.instrument} {item.value}: {got}, expected {want}")
    return problems


def peru_on_the_map(item: Item) -> Check:
    """The world map of the item's instrument colours Peru by its position only where it is seen."""

    def check(world: World, persona: str, response: httpx.Response) -> list[str]:
        seen = item.kind == "position" and world.sees(persona, item.key)
        unlisted = "Peru: Not " in response.text  # "Not named (the list is partial)", "Not listed"
        return [] if seen != unlisted else [f"Peru {'is not' if seen else 'is'} coloured by its position"]

    return check


def supporters(item: Item) -> Check:
    def check(world: World, persona: str, response: httpx.Response) -> list[str]:
        assert item.value
        got = response.json()["supporters"]["by_value"].get(item.value, 0)
        want = count_of(world, persona, item)
        return [] if got == want else [f"{item.instrument} supporters {got}, expected {want}"]

    return check


# --- the paths --------------------------------------------------------------------------------------


def q(text: str, mode: str) -> str:
    return urlencode({"q": text, "mode": mode})


def documents(
    template: str,
    shows: Callable[[Item], Iterable[str]],
    *,
    failed: int | None = 200,
    failed_shows: bool = False,
    editors: bool = False,
) -> Paths:
    """One request per document, and one for the failed upload (answering `failed`; None: not asked;
    `failed_shows`: the answer names it)."""

    def probes(world: World, persona: str) -> list[Probe]:
        made = []
        for item in DOCUMENTS:
            allowed = frozenset({"admin", item.by} if item.by == "owner" else {"admin"}) if editors else ALL
            url = template.format(uid=world.ids[item.key])
            made.append(Probe(url, frozenset(shows(item)), subject=item.key, allowed=allowed))
        if failed is not None:
            url = template.format(uid=world.ids["docfailed"])
            allowed = frozenset({"admin"}) if editors else ALL
            shown = frozenset({"docfailed"} if failed_shows else ())
            made.append(Probe(url, shown, subject="docfailed", allowed=allowed, status=failed))
        return made

    return probes


def own(persona: str, api: bool) -> frozenset[str]:
    """What a persona's list of contributions shows: the page names the documents (contributed, or
    noted on), the API also the notes' and proposals' own words. (The owner's documents were ingested,
    not contributed.)"""
    shown: set[str] = set()
    for item in ITEMS:
        if item.by != persona or item.kind == "failed" or (item.kind == "document" and not item.pending):
            continue
        shown |= {item.key} if item.kind == "document" or api else set()
        shown |= {item.on} if item.on else set()
    return frozenset(shown)


MODERATION = frozenset({"moderator", "admin"})
QUEUE = frozenset(key for i in ITEMS if i.pending and i.kind != "failed" for key in named_by(i))
EVERYTHING = frozenset(BY_KEY)

PATHS: dict[str, Paths] = {
    # the library's figures and lists
    "home": lambda w, p: [Probe("/", DOC_KEYS, check=home_figures)],
    "stats_api": lambda w, p: [Probe("/api/v1/stats", check=stats_figures)],
    "documents_page": lambda w, p: [Probe("/documents", DOC_KEYS | {"docfailed"})],
    "documents_api": lambda w, p: [
        Probe("/api/v1/documents", DOC_KEYS),
        Probe("/api/v1/documents?status=failed", frozenset({"docfailed"})),
    ],
    # search, in every mode, for every marker and the shared words
    "search_api": lambda w, p: [
        Probe(f"/api/v1/search?{q(t, m)}", found(t, m), check=search_json(t, m), asks=t) for t, m in SEARCHES
    ],
    "search_page": lambda w, p: [
        Probe(f"/search?{q(t, m)}", found(t, m), check=search_page(t, m), asks=t) for t, m in SEARCHES
    ],
    # one document: page, API, text, original, similar documents and passages, notes, who sees it
    "document_page": documents("/documents/{uid}", lambda d: links(d) | notes_on(d.key), failed_shows=True),
    "document_api": documents("/api/v1/documents/{uid}", links, failed_shows=True),
    "document_text_api": documents("/api/v1/documents/{uid}/pages", lambda d: {d.key}, failed=None),
    "original": documents("/documents/{uid}/original", lambda d: {d.key}, failed=404),
    "original_api": documents("/api/v1/documents/{uid}/original", lambda d: {d.key}, failed=404),
    "similar_page": documents("/documents/{uid}/similar", lambda d: DOC_KEYS, failed=404),
    "similar_api": documents("/api/v1/documents/{uid}/similar", lambda d: DOC_KEYS - {d.key}, failed=404),
    "passage_similar_api": documents(
        "/api/v1/passages/{uid}-0/similar", lambda d: DOC_KEYS - {d.key}, failed=404
    ),
    "notes_api": documents("/api/v1/documents/{uid}/notes", lambda d: notes_on(d.key)),
    "access_page": documents("/documents/{uid}/access", lambda d: {d.key}, editors=True),
    "access_api": documents("/api/v1/documents/{uid}/access", lambda d: {d.key}, editors=True),
    # states: mention counts, the documents they are mentioned in, positions
    "state_page": lambda w, p: [
        Probe("/states/PER", DOC_KEYS | POSITION_KEYS),
        Probe("/states/PER?fmt=csv", POSITION_KEYS),
        Probe("/states/PER?fmt=json", POSITION_KEYS),
        *(Probe(f"/states/{d.state[1]}", frozenset({d.key})) for d in DOCUMENTS if d.state),
    ],
    "actor_api": lambda w, p: [
        Probe("/api/v1/actors/PER", DOC_KEYS | POSITION_KEYS, check=peru),
        *(
            Probe(f"/api/v1/actors/{d.state[1]}", frozenset({d.key}), check=mentioned_once(d.key))
            for d in DOCUMENTS
            if d.state
        ),
    ],
    "states": lambda w, p: [
        Probe("/states"),
        Probe("/states?fmt=csv"),
        Probe("/api/v1/actors", check=peru_entries),
    ],
    # instruments, positions and their exports
    "instrument_page": lambda w, p: [
        Probe(f"/instruments/{i.instrument}", frozenset({i.key} & POSITION_KEYS))
        for i in (*POSITIONS, *PROPOSALS)
    ],
    "instrument_exports": lambda w, p: [
        Probe(url.format(i.instrument, fmt), frozenset({i.key} & POSITION_KEYS))
        for i in (*POSITIONS, *PROPOSALS)
        for fmt in ("csv", "json")
        for url in ("/instruments/{}/positions.{}", "/instruments/{}?fmt={}")
    ],
    "instrument_charts": lambda w, p: [
        Probe(url.format(i.instrument), check=peru_on_the_map(i) if "map" in url else None)
        for i in (*POSITIONS, *PROPOSALS)
        for url in (
            "/instruments/{}/map.svg",
            "/api/v1/instruments/{}/map.svg",
            "/instruments/{}/chart/coverage.svg",
            "/instruments/{}/chart/over-time.svg",
        )
    ],
    "instrument_api": lambda w, p: [
        Probe(
            f"/api/v1/instruments/{i.instrument}", frozenset({i.key} & POSITION_KEYS), check=instrument_counts
        )
        for i in (*POSITIONS, *PROPOSALS)
    ],
    "instruments": lambda w, p: [
        Probe("/instruments"),
        Probe("/api/v1/instruments", check=instrument_counts),
    ],
    "positions_api": lambda w, p: [
        Probe("/api/v1/positions?state=PER", POSITION_KEYS),
        *(
            Probe(
                f"/api/v1/positions?{urlencode({'instrument': i.instrument})}",
                frozenset({i.key} & POSITION_KEYS),
            )
            for i in (*POSITIONS, *PROPOSALS)
        ),
    ],
    # analytics that read positions
    "coverage_api": lambda w, p: [
        Probe(
            f"/api/v1/analytics/coverage/{i.instrument}",
            frozenset({i.key} & POSITION_KEYS),
            check=supporters(i),
        )
        for i in (*POSITIONS, *PROPOSALS)
    ],
    "outreach": lambda w, p: [
        Probe(f"/api/v1/analytics/outreach/{OUTREACH_TARGET}", POSITION_KEYS),
        Probe(f"/outreach/{OUTREACH_TARGET}", POSITION_KEYS),
        Probe(f"/outreach/{OUTREACH_TARGET}?fmt=csv", POSITION_KEYS),
    ],
    "overlap_and_churn": lambda w, p: [
        Probe("/api/v1/analytics/overlap?" + urlencode([("ids", i.instrument) for i in POSITIONS])),
        Probe("/compare?" + urlencode([("ids", i.instrument) for i in POSITIONS])),
        Probe("/api/v1/analytics/churn"),
        Probe("/churn"),
    ],
    # the exchange: contributions, moderation, audit, organisations, account
    "contributions": lambda w, p: [
        Probe("/contributions", own(p, api=False), allowed=SIGNED_IN),
        Probe("/api/v1/contributions", own(p, api=True), allowed=SIGNED_IN),
    ],
    "moderation": lambda w, p: [
        Probe("/moderation", QUEUE, allowed=MODERATION),
        Probe("/api/v1/moderation/queue", QUEUE, allowed=MODERATION),
    ],
    "audit": lambda w, p: [
        Probe("/audit", allowed=frozenset({"admin"})),  # the newest rows
        *(
            Probe(url, EVERYTHING, allowed=frozenset({"admin"}))
            for url in ("/audit.json", "/audit.csv", "/api/v1/audit")
        ),
    ],
    "orgs_and_account": lambda w, p: [
        Probe(url, allowed=SIGNED_IN)
        for url in (
            "/orgs",
            f"/orgs/{w.orgs['nld']}",
            "/groups/troika",
            "/api/v1/orgs",
            "/account",
            "/api/v1/me",
        )
    ],
    "events": lambda w, p: [Probe("/events"), Probe("/api/v1/events")],
}
# Paths that read positions and instruments only: a document's sharing does not reach them.
COALITION_ONLY = frozenset(
    {
        "instrument_page",
        "instrument_exports",
        "instrument_charts",
        "instrument_api",
        "instruments",
        "positions_api",
        "coverage_api",
        "outreach",
        "overlap_and_churn",
        "events",
    }
)


# --- one request, checked both ways ------------------------------------------------------------------

_CSRF = re.compile(r'(name="csrftoken" value=")[^"]*"')
_WHEN = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d\+00:00| \d\d:\d\d UTC)")


def _text(response: httpx.Response) -> str:
    return response.content.decode("utf-8", "replace")


def _normal(response: httpx.Response, uid: str) -> str:
    """A response without what differs between two requests anyway: the id asked for, the CSRF token of
    the page's forms, the moment it was made."""
    return _WHEN.sub("<when>", _CSRF.sub(r"\1<token>", _text(response).replace(uid, "<id>")))


def _headers(response: httpx.Response, uid: str) -> list[tuple[str, str]]:
    skip = ("content-length", "set-cookie")
    return sorted((k, v.replace(uid, "<id>")) for k, v in response.headers.items() if k not in skip)


def same_as_missing(client: Client, url: str, uid: str, response: httpx.Response) -> list[str]:
    """A hidden document (or passage) answers exactly as one that does not exist, the id aside."""
    other = secrets.token_hex(8)
    missing = client.get(url.replace(uid, other))
    problems = []
    if response.status_code not in (303, 401, 404):
        problems.append(f"a hidden document answers {response.status_code}")
    if (response.status_code, _normal(response, uid)) != (missing.status_code, _normal(missing, other)):
        problems.append(f"answers unlike a missing one: {response.status_code} vs {missing.status_code}")
    if _headers(response, uid) != _headers(missing, other):
        problems.append("headers unlike a missing one's")
    return problems


def expected_status(persona: str, probe: Probe) -> int:
    if persona in probe.allowed:
        return probe.status
    if persona == "anonymous":
        return 401 if probe.url.startswith("/api/") else 303
    return 403


def leaks(world: World, persona: str, text: str) -> list[str]:
    return [
        f"LEAK of {key}: {token!r}"
        for key in BY_KEY
        if not world.sees(persona, key)
        for token in world.tokens(key)
        if token in text
    ]


def check_probe(world: World, persona: str, probe: Probe) -> list[str]:
    client = world.clients[persona]
    response = client.get(probe.url)
    body = _text(response)
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    problems: list[str] = []
    hidden = probe.subject is not None and not world.sees(persona, probe.subject)
    if hidden:
        assert probe.subject is not None
        uid = world.ids[probe.subject]
        problems += same_as_missing(client, probe.url, uid, response)
        body, headers = body.replace(uid, "<id>"), headers.replace(uid, "<id>")  # the id asked for
    said = body + "\n" + headers
    if probe.asks:
        said = said.replace(probe.asks, "<query>")
    problems += leaks(world, persona, said)
    if not hidden:
        want = expected_status(persona, probe)
        if response.status_code != want:
            problems.append(f"status {response.status_code}, expected {want}")
        elif want == 200:
            problems += [
                f"HIDDEN from the entitled: {key}"
                for key in sorted(probe.shows)
                if world.sees(persona, key) and BY_KEY[key].marker not in body
            ]
            if probe.check is not None:
                problems += probe.check(world, persona, response)
    return [f"{persona} {probe.url}: {p}" for p in problems]


def run_matrix(world: World, personas: Iterable[str], paths: Iterable[str]) -> tuple[list[str], int]:
    """Every probe of every path for every persona: the problems found and the number of requests."""
    problems: list[str] = []
    requests = 0
    for persona in personas:
        for path in paths:
            for probe in PATHS[path](world, persona):
                problems += check_probe(world, persona, probe)
                requests += 1
    return problems, requests


# --- the matrix ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_leak_matrix(world: World, persona: str, path: str) -> None:
    problems, requests = run_matrix(world, [persona], [path])
    assert requests and not problems, "\n".join(problems)


def cli_search(world: World, persona: str, text: str, mode: str) -> dict[str, object]:
    email = PERSONAS[persona].email
    args = ["search", text, "--mode", mode, "--json", *(["--as", email] if email else [])]
    env = {
        "REAIMHUB_DATA_DIR": str(world.data_dir),
        "REAIMHUB_DATABASE_URL": world.database_url,
        "REAIMHUB_EMBEDDING_MODEL": EMBEDDER,
    }
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_cli_search_as_each_account(world: World, persona: str) -> None:
    """`reaimhub search MARKER --as EMAIL --json` (anonymous without --as): the same rule as the API."""
    problems = []
    searches = [(d.marker, "lexical") for d in DOCUMENTS] + [("Peru", mode) for mode in MODES]
    searches += [(BY_KEY["notetroika"].marker, "hybrid"), (BY_KEY["postroika"].marker, "semantic")]
    for text, mode in searches:
        data = cli_search(world, persona, text, mode)
        found_ = search_figures(world, persona, found(text, mode), data)
        found_ += leaks(world, persona, json.dumps(data).replace(text, "<query>"))
        problems += [f"{persona} search {text!r} {mode}: {p}" for p in found_]
    assert not problems, "\n".join(problems)


def test_a_change_of_sharing_holds_at_once_everywhere(world: World) -> None:
    """The Dutch editor makes the troika's document confidential: the Korean member no longer finds it
    on any path (search totals, facets, similar, state mention counts, its note), while the owner
    still does; shared back with the troika, it is there again."""
    uid = world.ids["doctroika"]
    owner = world.principal("owner")
    nld = world.orgs["nld"]
    change_document_access(world.hub, owner, uid, Sharing(Disclosure.CONFIDENTIAL, nld))
    world.seen["doctroika"] = OWNER
    try:
        problems, _ = run_matrix(world, ["troika", "owner"], [p for p in PATHS if p not in COALITION_ONLY])
        assert not problems, "\n".join(problems)
    finally:
        change_document_access(
            world.hub,
            world.principal("owner"),
            uid,
            Sharing(Disclosure.RESTRICTED, nld, groups=frozenset({"troika"})),
        )
        world.seen["doctroika"] = TROIKA
    problems, _ = run_matrix(world, ["troika"], [p for p in PATHS if p not in COALITION_ONLY])
    assert not problems, "\n".join(problems)


def test_uploading_the_bytes_of_a_hidden_document_reveals_nothing(world: World) -> None:
    """The NGO contributor uploads the confidential document's bytes: a document of its own (new id),
    nothing said of the other, and afterwards it finds only its own copy. (Last: it adds a document.)"""
    secret = BY_KEY["docconfidential"]
    original = world.ids[secret.key]
    ngo = world.clients["ngo"]
    response = ngo.post(
        "/api/v1/documents",
        files={"file": (f"{secret.marker}.txt", document_text(secret), "text/plain")},
        data={"disclosure": "confidential"},
        headers={"x-csrftoken": ngo.csrf()},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    copy = body["document_id"]
    assert body["status"] == "ok" and copy and copy != original
    assert original not in response.text and "duplicate" not in response.text.lower()
    assert "same content" not in response.text.lower()
    assert (body["contribution"]["status"], body["contribution"]["requested_level"]) == (
        "published",
        "confidential",
    )

    found_ = ngo.get(f"/api/v1/search?{q(secret.marker, 'lexical')}").json()
    assert [r["document_id"] for r in found_["results"]] == [copy] and found_["total_documents"] == 1
    for mode in ("semantic", "hybrid"):
        hits = ngo.get(f"/api/v1/search?{q(secret.marker, mode)}").text
        assert copy in hits and original not in hits
    assert ngo.get(f"/api/v1/documents/{copy}").status_code == 200
    problems = same_as_missing(
        ngo, f"/api/v1/documents/{original}", original, ngo.get(f"/api/v1/documents/{original}")
    )
    assert not problems, problems
    listed = ngo.get("/api/v1/documents").text
    assert copy in listed and original not in listed
    # The same bytes again, by the same account: its own copy is the duplicate it may be told of.
    again = ingest_bytes(world.hub, document_text(secret), "again.txt", uploader=world.principal("ngo"))
    assert (again.status, again.uid) == ("duplicate", copy)
    # Nobody else sees the copy: the owner finds its own document only.
    mine = world.clients["owner"].get(f"/api/v1/search?{q(secret.marker, 'lexical')}").json()
    assert [r["document_id"] for r in mine["results"]] == [original]
