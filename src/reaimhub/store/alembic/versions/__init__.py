"""The revisions, `<id>_<name>.py` (Alembic skips this file). Revisions 0001-0020 apply the
`store.migrations` objects of the runner before Alembic, which keep their SQL."""
