"""A feed (`services.feeds.Feed`) written as Atom (RFC 4287) with feedgen: the feed's id, title, updated
and links (the page it follows, itself), its author, and each entry's id, title, updated, link and summary.

Ids are the site's addresses of the feed and of each entry, never a personal token: the same entry read
through the public feed and through a personal one is one entry to a feed reader.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.responses import Response
from feedgen.feed import FeedGenerator

from reaimhub import __version__
from reaimhub.i18n import current_locale
from reaimhub.services.feeds import Feed

__all__ = ["ATOM_TYPE", "atom_bytes", "atom_response"]

ATOM_TYPE = "application/atom+xml; charset=utf-8"


def _moment(value: str) -> datetime:
    """An ISO date or timestamp as an aware datetime (a date: its midnight UTC)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = datetime.fromisoformat(value[:10])
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def atom_bytes(feed: Feed, base_url: str, self_url: str) -> bytes:
    base = base_url.rstrip("/")
    fg = FeedGenerator()
    fg.id(base + feed.path)
    fg.title(feed.title)
    fg.subtitle(feed.subtitle)
    fg.author({"name": "REAIM Hub"})
    fg.link(href=base + feed.link, rel="alternate", type="text/html")
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.generator("REAIM Hub", version=__version__)
    fg.language(current_locale())  # xml:lang: the language its titles and summaries were written in
    fg.updated(_moment(feed.updated))
    for entry in feed.entries:
        fe = fg.add_entry(order="append")
        fe.id(f"{base}/{entry.key}")
        fe.title(entry.title)
        fe.link(href=base + entry.link, rel="alternate", type="text/html")
        fe.updated(_moment(entry.updated))
        fe.summary(entry.summary)
        if entry.category:
            fe.category(term=entry.category)
    data: bytes = fg.atom_str(pretty=True)
    return data


def atom_response(feed: Feed, base_url: str, self_url: str, *, private: bool) -> Response:
    """The feed as an Atom document; a personal one is never kept by a cache on the way."""
    headers = {"cache-control": "private, no-store" if private else "public, max-age=300"}
    if private:
        headers["referrer-policy"] = "no-referrer"  # its address is the reader's secret
    return Response(atom_bytes(feed, base_url, self_url), media_type=ATOM_TYPE, headers=headers)
