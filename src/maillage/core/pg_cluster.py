"""A PostgreSQL primary and its streaming replica, started on loopback from Debian's server packages.

Two throwaway clusters in a temporary folder: `initdb` makes the primary, `pg_basebackup -R` copies it into a hot
standby that streams the primary's WAL. Each listens on 127.0.0.1 only, on a free port, with its socket in the
folder (never the machine's own cluster's). Root cannot run a cluster, so as root every server command runs as
the `postgres` account. `stop()` ends both and removes the folder, whatever state they are in.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

STARTUP_SECONDS = 60


def server_bin() -> Path | None:
    """The newest Debian PostgreSQL server's bin folder (`/usr/lib/postgresql/<major>/bin`), if installed."""
    found = [path for path in Path("/usr/lib/postgresql").glob("*/bin") if (path / "initdb").exists()]
    return max(found, key=lambda path: int(path.parent.name), default=None) if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class StreamingPair:
    bin: Path
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="maillage-pg-")))
    primary_port: int = field(default_factory=free_port)
    replica_port: int = field(default_factory=free_port)

    @property
    def primary_dir(self) -> Path:
        return self.root / "primary"

    @property
    def replica_dir(self) -> Path:
        return self.root / "replica"

    def url(self, port: int, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{database}"

    def _run(self, *args: str, timeout: float = STARTUP_SECONDS) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*as_postgres, *args], check=True, capture_output=True, timeout=timeout)  # noqa: S603

    def _start(self, data: Path, port: int) -> None:
        options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={self.root}"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(data / "server.log"), "-o", options, "-w", "start"
        )

    def start(self) -> "StreamingPair":
        if os.geteuid() == 0:
            shutil.chown(self.root, user="postgres", group="postgres")
        self._run(
            str(self.bin / "initdb"), "-D", str(self.primary_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        # Small, fast, disposable: no fsync; the WAL the replica needs is kept while it catches up.
        with (self.primary_dir / "postgresql.conf").open("a") as conf:
            conf.write("fsync = off\nwal_level = replica\nmax_wal_senders = 4\nwal_keep_size = '256MB'\n")
        self._start(self.primary_dir, self.primary_port)
        self._run(
            str(self.bin / "pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres"),
            *("-D", str(self.replica_dir), "-R", "-X", "stream"),
        )
        self._start(self.replica_dir, self.replica_port)
        return self

    def copy_schema(self, source: dict, database: str = "postgres") -> None:
        """Load the schema of a migrated database (Django's `settings_dict` of it) into the primary: faster than
        migrating again, and the replica receives it like any other write."""
        dump = subprocess.run(  # noqa: S603
            [
                str(self.bin / "pg_dump"),
                *("--schema-only", "--no-owner", "--no-privileges"),
                *("-h", source.get("HOST") or "127.0.0.1", "-p", str(source.get("PORT") or 5432)),
                *("-U", source.get("USER") or "postgres", source["NAME"]),
            ],
            check=True,
            capture_output=True,
            timeout=STARTUP_SECONDS,
        ).stdout
        subprocess.run(  # noqa: S603
            [str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", self.url(self.primary_port, database)],
            input=dump,
            check=True,
            capture_output=True,
            timeout=STARTUP_SECONDS,
        )

    def sql(self, statement: str, database: str = "postgres", port: int | None = None) -> str:
        """One statement through psql on the primary (or `port`); its unaligned output."""
        return subprocess.run(  # noqa: S603
            [str(self.bin / "psql"), "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", statement,
             self.url(port or self.primary_port, database)],
            check=True, capture_output=True, text=True, timeout=STARTUP_SECONDS,
        ).stdout.strip()  # fmt: skip

    def dump(self, database: str) -> bytes:
        """A whole database of the primary (schema and rows), as plain SQL."""
        return subprocess.run(  # noqa: S603
            [str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", self.url(self.primary_port, database)],
            check=True, capture_output=True, timeout=STARTUP_SECONDS,
        ).stdout  # fmt: skip

    def load(self, dump: bytes, database: str) -> None:
        """Load a plain SQL dump into a database of the primary; the replica receives it like any other write."""
        subprocess.run(  # noqa: S603
            [str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", self.url(self.primary_port, database)],
            input=dump, check=True, capture_output=True, timeout=STARTUP_SECONDS,
        )  # fmt: skip

    def stop(self) -> None:
        for data in (self.replica_dir, self.primary_dir):
            if (data / "postmaster.pid").exists():
                with contextlib.suppress(subprocess.SubprocessError, OSError):
                    self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop", timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)


def wait_until(check, seconds: float = 30.0) -> float:
    """Poll `check()` until it is true; the seconds it took (TimeoutError past `seconds`)."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > seconds:
            raise TimeoutError(f"not true after {seconds} s")
        time.sleep(0.01)
    return time.monotonic() - start
