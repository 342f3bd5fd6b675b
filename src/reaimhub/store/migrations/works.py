"""Works (migration 0012): the files that are one document, each file pointing to its work with the
reason it is there (`services.works`, `library.works`). Existing files are grouped when the hub opens
after the upgrade (`services.works.assign_missing`) or by `reaimhub works rebuild`."""

from __future__ import annotations

from reaimhub.store.migrations.base import Migration

__all__ = ["WORKS"]

WORKS = Migration(
    12,
    "works",
    (
        # A work is its files (documents.work_id); the row only gives them one key to share. What a
        # work is called, its language and level are its files': a work has no content of its own.
        """CREATE TABLE works (
            id {id},
            created_at {ts} NOT NULL
        )""",
        "ALTER TABLE documents ADD COLUMN work_id BIGINT REFERENCES works(id)",
        # first | symbol | reference | near_duplicate (with the similarity to work_match, a file's id)
        "ALTER TABLE documents ADD COLUMN work_reason TEXT",
        "ALTER TABLE documents ADD COLUMN work_similarity REAL",
        "ALTER TABLE documents ADD COLUMN work_match BIGINT",
        # the Kamerstuk the file is (kst-36600-V-50), from its own header or footer, not a citation
        "ALTER TABLE documents ADD COLUMN own_reference TEXT",
        # MinHash signature of the cleaned text's word 3-shingles: 256 little-endian uint32
        "ALTER TABLE documents ADD COLUMN text_minhash {blob}",
        "CREATE INDEX documents_work ON documents(work_id)",
        "CREATE INDEX documents_own_reference ON documents(own_reference)",
    ),
)
