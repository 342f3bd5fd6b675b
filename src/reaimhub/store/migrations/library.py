"""The library's tables: documents and what is derived from them, vectors, the search index."""

from __future__ import annotations

from reaimhub.store.migrations.base import Migration

__all__ = [
    "LIBRARY_REVISION",
    "LIBRARY_TABLES",
    "PASSAGE_SEARCH_INDEX",
    "PASSAGE_VECTORS",
    "TSVECTOR_PUNCTUATION",
    "sqlite_revision_triggers",
]

LIBRARY_TABLES = Migration(
    1,
    "library_tables",
    (
        """CREATE TABLE actors (
            iso3 TEXT PRIMARY KEY,
            iso2 TEXT,
            m49 TEXT,
            kind TEXT NOT NULL DEFAULT 'state',
            un_status TEXT NOT NULL,
            un_group TEXT,
            region TEXT,
            subregion TEXT,
            name_en TEXT NOT NULL,
            disclosure INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE actor_names (
            iso3 TEXT NOT NULL REFERENCES actors(iso3) ON DELETE CASCADE,
            lang TEXT NOT NULL,
            name TEXT NOT NULL,
            PRIMARY KEY (iso3, lang, name)
        )""",
        """CREATE TABLE documents (
            id {id},
            sha256 TEXT NOT NULL UNIQUE,
            filename TEXT NOT NULL,
            media_type TEXT,
            size_bytes BIGINT NOT NULL,
            title TEXT,
            language TEXT,
            doc_date TEXT,
            doc_type TEXT,
            symbol TEXT,
            origin TEXT,
            disclosure INTEGER NOT NULL DEFAULT 0,
            owner_org TEXT,
            status TEXT NOT NULL,
            error_code TEXT,
            error_message TEXT,
            pipeline_version INTEGER NOT NULL,
            page_count INTEGER NOT NULL DEFAULT 0,
            created_at {ts} NOT NULL,
            updated_at {ts} NOT NULL
        )""",
        "CREATE INDEX documents_status ON documents(status, disclosure)",
        "CREATE INDEX documents_symbol ON documents(symbol)",
        """CREATE TABLE pages (
            document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            text TEXT NOT NULL,
            disclosure INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (document_id, number)
        )""",
        """CREATE TABLE sections (
            document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            level INTEGER NOT NULL,
            title TEXT NOT NULL,
            page INTEGER NOT NULL,
            disclosure INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (document_id, ordinal)
        )""",
        """CREATE TABLE passages (
            id {id},
            document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            page INTEGER NOT NULL,
            section_path TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT 'body',
            text TEXT NOT NULL,
            char_start INTEGER NOT NULL DEFAULT -1,
            char_end INTEGER NOT NULL DEFAULT -1,
            disclosure INTEGER NOT NULL DEFAULT 0,
            UNIQUE (document_id, ordinal)
        )""",
        """CREATE TABLE footnotes (
            document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            label TEXT NOT NULL,
            page INTEGER NOT NULL,
            text TEXT NOT NULL,
            disclosure INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (document_id, ordinal)
        )""",
        """CREATE TABLE citations (
            id {id},
            document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            page INTEGER,
            raw TEXT NOT NULL,
            scheme TEXT NOT NULL,
            cite_key TEXT NOT NULL,
            url TEXT NOT NULL,
            flag TEXT,
            in_footnote INTEGER NOT NULL DEFAULT 0,
            disclosure INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX citations_key ON citations(cite_key)",
        "CREATE INDEX citations_document ON citations(document_id)",
        """CREATE TABLE mentions (
            document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            iso3 TEXT NOT NULL REFERENCES actors(iso3),
            count INTEGER NOT NULL,
            first_page INTEGER NOT NULL,
            surface TEXT NOT NULL,
            disclosure INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (document_id, iso3)
        )""",
        "CREATE INDEX mentions_iso3 ON mentions(iso3)",
    ),
    only={
        "sqlite": (
            # External-content FTS5 index over passages. unicode61 folds case and diacritics in every
            # script and applies no (English-only) stemmer; Korean is matched by prefix (see search).
            """CREATE VIRTUAL TABLE passages_fts USING fts5(
                text, content='passages', content_rowid='id',
                tokenize='unicode61 remove_diacritics 2'
            )""",
            # Keep the index in step with its content table, cascaded deletes included.
            """CREATE TRIGGER passages_fts_insert AFTER INSERT ON passages BEGIN
                INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
            END""",
            """CREATE TRIGGER passages_fts_delete AFTER DELETE ON passages BEGIN
                INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
            END""",
            """CREATE TRIGGER passages_fts_update AFTER UPDATE OF text ON passages BEGIN
                INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
                INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
            END""",
        ),
        "postgresql": (
            "ALTER TABLE passages ADD COLUMN tsv tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED",
            "CREATE INDEX passages_tsv ON passages USING GIN (tsv)",
        ),
    },
)

PASSAGE_VECTORS = Migration(
    3,
    "passage_vectors",
    (
        # One sentence-embedding vector per passage (float32, little-endian bytes), with the id of the
        # model that made it: a vector of another model is stale and `reaimhub reindex` replaces it.
        """CREATE TABLE passage_vectors (
            passage_id BIGINT PRIMARY KEY REFERENCES passages(id) ON DELETE CASCADE,
            model_id TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector {blob} NOT NULL,
            disclosure INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX passage_vectors_model ON passage_vectors(model_id, disclosure)",
    ),
)

PASSAGE_SEARCH_INDEX = Migration(
    4,
    "passage_search_index",
    (),
    only={
        # The lexical search reads (document, page, disclosure) of every passage the FTS5 index
        # matches, thousands for a common word. Table rows carry the passage text (a page or more of
        # them per lookup); this narrow covering index holds the four keys only. PostgreSQL reads the
        # tsvector from the heap row anyway, so it gains nothing there.
        "sqlite": ("CREATE INDEX passages_search ON passages(id, document_id, page, disclosure)",),
    },
)

# Typographic punctuation and symbols, by code point: Latin-1 punctuation and symbols (NBSP, guillemets,
# section sign, middle dot, ...), general punctuation (quotes, dashes, bullets, ellipsis, special
# spaces), arrows to miscellaneous symbols, CJK punctuation, small and full-width forms, the BOM.
_PUNCTUATION = (
    r"[\u00a0-\u00bf\u00d7\u00f7\u2000-\u206f\u2190-\u2bff\u3000-\u303f"
    r"\ufe10-\ufe6f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\ufeff]"
)

TSVECTOR_PUNCTUATION = Migration(
    5,
    "tsvector_punctuation",
    (),
    only={
        # PostgreSQL's text-search parser counts every non-ASCII character as a letter when the
        # database's LC_CTYPE is C (common on servers, and the test server's): “control” and «contrôle»
        # were indexed with their quotes and a search for the word missed them. The column now indexes
        # the text with such characters replaced by spaces, which is what SQLite's unicode61 does.
        "postgresql": (
            "ALTER TABLE passages DROP COLUMN tsv",
            "ALTER TABLE passages ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
            f"(to_tsvector('simple', regexp_replace(text, '{_PUNCTUATION}', ' ', 'g'))) STORED",
            "CREATE INDEX passages_tsv ON passages USING GIN (tsv)",
        ),
    },
)

# What the search keeps in memory per clearance level (each passage's document and page, the states
# each document mentions) must be rebuilt whenever a row it was built from changes, visibility included.
# One counter, bumped by triggers in the writing transaction, says so exactly: readers compare it, and a
# reader that sees the new rows sees the new count. Passage and mention inserts come with their
# document's insert, so inserting them needs no trigger (ingest writes thousands of them).
_REVISED = (
    ("documents", "INSERT"),
    ("documents", "UPDATE"),
    ("documents", "DELETE"),
    ("passages", "UPDATE"),
    ("passages", "DELETE"),
    ("mentions", "UPDATE"),
    ("mentions", "DELETE"),
)


def sqlite_revision_triggers(table: str) -> tuple[str, ...]:
    """SQLite's revision triggers on `table` (a table rebuilt by a later migration loses them)."""
    return tuple(
        f"CREATE TRIGGER {name}_revision_{event.lower()} AFTER {event} ON {name} "
        "BEGIN UPDATE library_revision SET n = n + 1; END"
        for name, event in _REVISED
        if name == table
    )


LIBRARY_REVISION = Migration(
    6,
    "library_revision",
    (
        "CREATE TABLE library_revision (id INTEGER PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL)",
        "INSERT INTO library_revision (id, n) VALUES (1, 0)",
    ),
    only={
        "sqlite": tuple(
            trigger
            for table in dict.fromkeys(t for t, _ in _REVISED)
            for trigger in sqlite_revision_triggers(table)
        ),
        "postgresql": (
            "CREATE FUNCTION bump_library_revision() RETURNS trigger LANGUAGE plpgsql AS "
            "'BEGIN UPDATE library_revision SET n = n + 1; RETURN NULL; END'",
            *(
                f"CREATE TRIGGER {table}_revision_{event.lower()} AFTER {event} ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION bump_library_revision()"
                for table, event in _REVISED
            ),
        ),
    },
)
