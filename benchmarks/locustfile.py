"""What one simulated portal user does (the load test of issue 12; run by benchmarks/load_test.py).

Each user waits one to three seconds between requests and mixes: a search in each mode (lexical,
semantic, hybrid; the texts of the development questions and keyword queries), a document page, an
instrument page and a state page, with the ids read once from the JSON API. Requests are named by kind
(`/search [hybrid]`, `/documents/{id}`, ...) so the report gives one row per kind.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

QUESTIONS = Path(__file__).resolve().parent / "questions" / "dev.jsonl"
_LINES = QUESTIONS.read_text(encoding="utf-8").splitlines()
_TEXTS = [json.loads(line)["text"] for line in _LINES if line.strip()]
_IDS: dict[str, list[str]] = {}


@events.test_start.add_listener
def _read_ids(environment: Any, **_: Any) -> None:
    """The documents, instruments and states to visit, from the API (once per run)."""
    import httpx

    host = environment.host
    with httpx.Client(base_url=host, timeout=60) as client:
        docs = client.get("/api/v1/documents", params={"limit": 200}).json()["documents"]
        instruments = client.get("/api/v1/instruments").json()["instruments"]
        actors = client.get("/api/v1/actors").json()["actors"]
    _IDS["documents"] = [d["id"] for d in docs]
    _IDS["instruments"] = [i["id"] for i in instruments]
    _IDS["states"] = [a["iso3"] for a in actors if a.get("positions")]
    for kind, ids in _IDS.items():
        if not ids:
            raise SystemExit(f"the store has no {kind} to visit: load the demo and the REAIM data first")


class PortalUser(HttpUser):
    wait_time = between(1, 3)

    def _search(self, mode: str) -> None:
        text = random.choice(_TEXTS)
        self.client.get("/search", params={"q": text, "mode": mode}, name=f"/search [{mode}]")

    @task(2)
    def search_lexical(self) -> None:
        self._search("lexical")

    @task(2)
    def search_semantic(self) -> None:
        self._search("semantic")

    @task(3)
    def search_hybrid(self) -> None:
        self._search("hybrid")

    @task(3)
    def document(self) -> None:
        self.client.get(f"/documents/{random.choice(_IDS['documents'])}", name="/documents/{id}")

    @task(2)
    def instrument(self) -> None:
        self.client.get(f"/instruments/{random.choice(_IDS['instruments'])}", name="/instruments/{id}")

    @task(2)
    def state(self) -> None:
        self.client.get(f"/states/{random.choice(_IDS['states'])}", name="/states/{iso3}")
