"""Ingest and embedding as jobs on a PostgreSQL-backed queue (procrastinate, MIT), run by `reaimhub
worker` processes on any number of machines.

- `queue`: the procrastinate app of a store (its own PostgreSQL schema `reaimhub_jobs`, set up once
  under the migration lock), the retry strategy, `QueueUnavailable` (SQLite, or the package missing).
- `tasks`: the jobs themselves: `reaimhub.ingest_file` (one file, read from the originals by sha256)
  and `reaimhub.embed_document` (one document's passages), each attempt recorded with its outcome.
- `status`: what the CLI and the portal show: jobs with state, attempts, last error, result;
  counts per task and state; retry of a failed job.
- `defer`: queue files (`reaimhub ingest --queue`, the portal's upload with REAIMHUB_QUEUE=on).
- `worker`: run jobs (`reaimhub worker`), one process per job at a time.

SQLite has no queue: ingest runs in the command or request that asked for it, as before.
"""
