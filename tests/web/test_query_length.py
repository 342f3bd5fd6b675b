"""A query's cost is bounded by its length in characters (issue 11, item 8): a pasted document or
thousands of short terms are refused with the one error shape before the index is asked, in every mode,
through the API and the portal."""

from __future__ import annotations

import pytest

from reaimhub.search.query import MAX_QUERY_CHARS
from tests.web.conftest import Client
from tests.web.test_error_shape import assert_error

# 60 KB: the test client refuses URLs past 64 KB (a server in front may refuse such a URL before us).
LONG = ("x" * 60_000, " ".join(["ab"] * 3000))


@pytest.mark.parametrize("query", LONG)
@pytest.mark.parametrize("mode", ["lexical", "semantic", "hybrid"])
def test_the_api_refuses_a_query_longer_than_the_limit(client: Client, query: str, mode: str) -> None:
    response = client.get("/api/v1/search", params={"q": query, "mode": mode})
    error = assert_error(response, 400, "bad_query")
    assert f"at most {MAX_QUERY_CHARS:,}" in error["message"]


def test_the_portal_says_why_a_long_query_was_refused(client: Client) -> None:
    response = client.get("/search", params={"q": " ".join(["ab"] * 3000)})
    assert response.status_code == 400
    assert f"at most {MAX_QUERY_CHARS:,}" in response.text


def test_a_query_at_the_limit_is_searched(client: Client) -> None:
    phrase = " ".join(["weapons"] * (MAX_QUERY_CHARS // 8 - 2))  # one clause of 248 words
    response = client.get("/api/v1/search", params={"q": f'"{phrase}" control', "mode": "lexical"})
    assert response.status_code == 200, response.text
    assert response.json()["results"] == []
