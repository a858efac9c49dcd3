"""Fixtures for the grading tests: a throwaway PostgreSQL 15 server and a command runner."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def pg_bin() -> str | None:
    """The newest PostgreSQL server binaries from the Debian package, if installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*cmd: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *cmd], check=True, capture_output=True)


@pytest.fixture(scope="session")
def postgres_server():
    """Start a private PostgreSQL cluster on a free port; yield a maker of empty databases."""
    bin_dir = pg_bin()
    if bin_dir is None or shutil.which("runuser") is None:
        pytest.skip("PostgreSQL server binaries absent: apt-get install -y postgresql")
    folder = tempfile.mkdtemp(prefix="peercoach-pg-")
    os.chmod(folder, 0o755)
    shutil.chown(folder, "postgres", "postgres")
    data, port = os.path.join(folder, "data"), free_port()
    _as_postgres(f"{bin_dir}/initdb", "-D", data, "-A", "trust", "-U", "postgres")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    _as_postgres(
        f"{bin_dir}/pg_ctl", "-D", data, "-o", options, "-l", f"{folder}/log", "-w", "start"
    )

    def new_database() -> str:
        import psycopg2

        name = f"gradebook_{uuid.uuid4().hex[:8]}"
        conn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
        conn.autocommit = True
        conn.cursor().execute(f"CREATE DATABASE {name}")
        conn.close()
        return f"postgresql+psycopg2://postgres@127.0.0.1:{port}/{name}"

    new_database.port = port
    yield new_database
    _as_postgres(f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "stop")
    shutil.rmtree(folder, ignore_errors=True)
