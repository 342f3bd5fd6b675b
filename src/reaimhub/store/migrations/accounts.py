"""Accounts, organisations, groups, audiences (who a non-public row is shared with), contributions,
notes and the audit trail (migration 0007)."""

from __future__ import annotations

from reaimhub.store.migrations.base import Migration
from reaimhub.store.migrations.library import sqlite_revision_triggers

__all__ = ["ACCOUNTS_AND_ACCESS", "CONTENT_TABLES", "DOCUMENT_INDEXES"]

# Every table whose rows carry a disclosure level; each gets the audience its rows are shared with.
CONTENT_TABLES = (
    "actors",
    "pages",
    "sections",
    "passages",
    "footnotes",
    "citations",
    "mentions",
    "sources",
    "instruments",
    "positions",
    "events",
    "passage_vectors",
)

_DOCUMENT_COLUMNS = (
    "id, sha256, filename, media_type, size_bytes, title, language, doc_date, doc_type, symbol, origin, "
    "disclosure, owner_org, status, error_code, error_message, pipeline_version, page_count, "
    "created_at, updated_at"
)

# SQLite cannot drop the UNIQUE on documents.sha256 in place (two documents may now hold the same bytes:
# an outsider's upload of a hidden document's bytes gets a document of its own), so the table is rebuilt
# with foreign keys off (see Migration.rebuilds_tables) and its revision triggers made again.
_SQLITE_DOCUMENTS = (
    """CREATE TABLE documents_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        sha256 TEXT NOT NULL,
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
        audience_id BIGINT REFERENCES audiences(id),
        owner_org TEXT,
        uploaded_by TEXT,
        status TEXT NOT NULL,
        error_code TEXT,
        error_message TEXT,
        pipeline_version INTEGER NOT NULL,
        page_count INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    f"INSERT INTO documents_new (uid, {_DOCUMENT_COLUMNS}) "
    f"SELECT lower(hex(randomblob(8))), {_DOCUMENT_COLUMNS} FROM documents",
    "DROP TABLE documents",
    "ALTER TABLE documents_new RENAME TO documents",
    "CREATE INDEX documents_status ON documents(status, disclosure)",
    "CREATE INDEX documents_symbol ON documents(symbol)",
    *sqlite_revision_triggers("documents"),
)

_POSTGRES_DOCUMENTS = (
    "ALTER TABLE documents DROP CONSTRAINT documents_sha256_key",
    "ALTER TABLE documents ADD COLUMN uid TEXT",
    "UPDATE documents SET uid = substr(md5(random()::text || id::text || clock_timestamp()::text), 1, 16)",
    "ALTER TABLE documents ALTER COLUMN uid SET NOT NULL",
    "CREATE UNIQUE INDEX documents_uid ON documents(uid)",
    "ALTER TABLE documents ADD COLUMN audience_id BIGINT REFERENCES audiences(id)",
    "ALTER TABLE documents ADD COLUMN uploaded_by TEXT",
)

ACCOUNTS_AND_ACCESS = Migration(
    7,
    "accounts_and_access",
    (
        # Organisations: a stakeholder with a type; a state's government is linked to its actor.
        """CREATE TABLE orgs (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            iso3 TEXT REFERENCES actors(iso3),
            created_at {ts} NOT NULL
        )""",
        # Named sets of organisations (the troika). Not the coalition's `groups` (UN regional groups).
        """CREATE TABLE org_groups (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at {ts} NOT NULL
        )""",
        """CREATE TABLE org_group_members (
            group_id TEXT NOT NULL REFERENCES org_groups(id) ON DELETE CASCADE,
            org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
            PRIMARY KEY (group_id, org_id)
        )""",
        # Accounts. The password hash is NULL until an invitation is accepted.
        """CREATE TABLE users (
            id TEXT PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            name TEXT,
            password_hash TEXT,
            site_admin INTEGER NOT NULL DEFAULT 0,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at {ts} NOT NULL,
            password_changed_at {ts}
        )""",
        """CREATE TABLE memberships (
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            PRIMARY KEY (user_id, org_id)
        )""",
        # Server-side sessions; the cookie holds a random token, the store its SHA-256 only.
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at {ts} NOT NULL,
            last_seen_at {ts} NOT NULL,
            expires_at {ts} NOT NULL,
            client TEXT,
            user_agent TEXT
        )""",
        "CREATE INDEX sessions_user ON sessions(user_id)",
        """CREATE TABLE api_tokens (
            id TEXT PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            scopes TEXT NOT NULL,
            created_at {ts} NOT NULL,
            expires_at {ts} NOT NULL,
            revoked_at {ts},
            last_used_at {ts}
        )""",
        "CREATE INDEX api_tokens_user ON api_tokens(user_id)",
        """CREATE TABLE invitations (
            token_hash TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_by TEXT NOT NULL,
            created_at {ts} NOT NULL,
            expires_at {ts} NOT NULL,
            used_at {ts}
        )""",
        # Failed sign-ins, for throttling per account and per client address.
        """CREATE TABLE login_failures (
            id {id},
            email TEXT NOT NULL,
            client TEXT NOT NULL,
            at {ts} NOT NULL
        )""",
        "CREATE INDEX login_failures_email ON login_failures(email, at)",
        "CREATE INDEX login_failures_client ON login_failures(client, at)",
        # Who a non-public row is shared with: a set of grantees ('org:ID', 'group:ID', 'user:ID',
        # 'moderators'), stored once per distinct set (`key` is the sorted set).
        """CREATE TABLE audiences (
            id {id},
            key TEXT NOT NULL UNIQUE,
            owner_org TEXT
        )""",
        """CREATE TABLE audience_grants (
            audience_id BIGINT NOT NULL REFERENCES audiences(id) ON DELETE CASCADE,
            grantee TEXT NOT NULL,
            PRIMARY KEY (grantee, audience_id)
        )""",
        *(f"ALTER TABLE {table} ADD COLUMN audience_id BIGINT" for table in CONTENT_TABLES),
        # Who proposed and approved a position; NULL for the bundled dataset and imported files.
        "ALTER TABLE positions ADD COLUMN proposed_by TEXT",
        "ALTER TABLE positions ADD COLUMN approved_by TEXT",
        # Contributions: an uploaded document or a proposed position, with its moderation status.
        """CREATE TABLE contributions (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            user_id TEXT NOT NULL REFERENCES users(id),
            org_id TEXT NOT NULL REFERENCES orgs(id),
            requested_disclosure INTEGER NOT NULL,
            requested_audience_id BIGINT REFERENCES audiences(id),
            disclosure INTEGER NOT NULL,
            audience_id BIGINT REFERENCES audiences(id),
            document_id BIGINT REFERENCES documents(id) ON DELETE SET NULL,
            instrument_id TEXT,
            iso3 TEXT,
            role TEXT,
            value TEXT,
            as_of TEXT,
            source_url TEXT,
            source_document_id BIGINT REFERENCES documents(id) ON DELETE SET NULL,
            source_page INTEGER,
            note TEXT,
            position_id BIGINT,
            created_at {ts} NOT NULL,
            updated_at {ts} NOT NULL,
            decided_by TEXT,
            decided_at {ts},
            reason TEXT
        )""",
        "CREATE INDEX contributions_status ON contributions(status, created_at)",
        "CREATE INDEX contributions_user ON contributions(user_id)",
        """CREATE TABLE contribution_decisions (
            id {id},
            contribution_id TEXT NOT NULL REFERENCES contributions(id) ON DELETE CASCADE,
            decision TEXT NOT NULL,
            reason TEXT NOT NULL,
            decided_by TEXT NOT NULL,
            decided_at {ts} NOT NULL
        )""",
        # Notes on passages, threaded. A note's own level is never below its passage's, and a reader
        # must see both (the read path checks the passage too).
        """CREATE TABLE notes (
            id TEXT PRIMARY KEY,
            passage_id BIGINT NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
            document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            parent_id TEXT REFERENCES notes(id) ON DELETE CASCADE,
            user_id TEXT NOT NULL REFERENCES users(id),
            org_id TEXT REFERENCES orgs(id),
            body TEXT NOT NULL,
            disclosure INTEGER NOT NULL,
            audience_id BIGINT REFERENCES audiences(id),
            created_at {ts} NOT NULL
        )""",
        "CREATE INDEX notes_passage ON notes(passage_id)",
        "CREATE INDEX notes_document ON notes(document_id)",
        # The audit trail: append-only, each row hashed with the one before (see services.audit).
        # seq is the head's plus one, taken under the head's lock: no gaps from rolled-back writes.
        """CREATE TABLE audit_log (
            seq BIGINT PRIMARY KEY,
            at {ts} NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            before_json TEXT,
            after_json TEXT,
            client TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )""",
        # The chain's head: the last row's seq and hash, so removing the newest rows is noticed too.
        """CREATE TABLE audit_head (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            seq BIGINT NOT NULL,
            hash TEXT NOT NULL
        )""",
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '')",
    ),
    only={"sqlite": _SQLITE_DOCUMENTS, "postgresql": _POSTGRES_DOCUMENTS},
    rebuilds_tables=True,
)

# Indexes over the rebuilt documents table, for both engines (they follow the dialect's statements).
# Two documents may hold the same bytes (shared differently); ingest looks for a copy the uploader may
# see inside its writing transaction, which library writers take one at a time.
DOCUMENT_INDEXES = Migration(
    8,
    "document_indexes",
    (
        "CREATE INDEX documents_sha256 ON documents(sha256)",
        "CREATE INDEX documents_uploaded_by ON documents(uploaded_by)",
    ),
)

# Vectors written since 0007 took their passage's level but not its audience, so a restricted or
# confidential passage's vector was seen by administrators only (semantic search and "more like this"
# missed it for the audience it is shared with): each vector takes its passage's level and audience.
VECTOR_ACCESS = Migration(
    9,
    "vector_access",
    (
        "UPDATE passage_vectors SET "
        "disclosure = (SELECT p.disclosure FROM passages p WHERE p.id = passage_vectors.passage_id), "
        "audience_id = (SELECT p.audience_id FROM passages p WHERE p.id = passage_vectors.passage_id) "
        "WHERE passage_id IN (SELECT id FROM passages)",
    ),
)
