"""The reference deployment's processes on loopback, for `make bench-load` and `make deploy-check`.

`Processes` starts granian instances (the production profile), nginx with the configuration of `deploy/nginx`
(TLS with a throw-away certificate) and any other process (a task worker, an object storage server), each in a
process group of its own on 127.0.0.1, and `stop()` ends them all, whatever happened, within a bounded time.
Standard library only, no Django: the callers give the environment.
"""

from __future__ import annotations

import contextlib
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from maillage.core import deploy

HOST = "127.0.0.1"
SOURCE_DIR = Path(__file__).resolve().parents[2]
STOP_SECONDS = 20


class StartError(RuntimeError):
    """A process of the deployment did not start (its log's end is in the message)."""


def venv_path() -> str:
    return f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def wait_for(url: str, seconds: float, log: Path) -> None:
    """Until `url` answers 200 (TLS not verified: the certificate is a throw-away one), or StartError."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    tail = log.read_text()[-3000:] if log.exists() else ""
    raise StartError(f"{url} did not answer within {seconds:.0f} s:\n{tail}")


class Processes:
    """The processes of one run on loopback, in the order started; `stop()` ends them in the reverse order."""

    def __init__(self, folder: Path, env: dict[str, str], say: Callable[[str], None]) -> None:
        self.folder = folder
        self.env = env
        self.say = say
        self.started: list[subprocess.Popen] = []

    def spawn(self, name: str, command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        """Start `command` in a process group of its own, its output in `<folder>/<name>.log`."""
        with open(self.folder / f"{name}.log", "w") as log:
            process = subprocess.Popen(  # noqa: S603 (our own commands)
                command, env=env or self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                cwd=self.folder,
            )  # fmt: skip
        self.started.append(process)
        return process

    def granian(self, ports: list[int], *, workers: int = 1, threads: int = 4) -> list[subprocess.Popen]:
        """One granian instance (WSGI, `config.wsgi`) per port, each answering /healthz before this returns."""
        granian = str(Path(sys.executable).parent / "granian")
        servers = []
        for port in ports:
            metrics = self.folder / f"prometheus-{port}"
            metrics.mkdir(exist_ok=True)
            servers.append(
                self.spawn(
                    f"granian-{port}",
                    [
                        granian,
                        "--interface",
                        "wsgi",
                        "--host",
                        HOST,
                        "--port",
                        str(port),
                        "--workers",
                        str(workers),
                        "--blocking-threads",
                        str(threads),
                        "--no-ws",
                        "--working-dir",
                        str(SOURCE_DIR),
                        "config.wsgi:application",
                    ],
                    env={**self.env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)},
                )
            )
        for port in ports:
            wait_for(f"http://{HOST}:{port}/healthz", 120, self.folder / f"granian-{port}.log")
        return servers

    def nginx(
        self, name: str, servers: list[int], *, http_port: int, https_port: int, static_root: Path
    ) -> subprocess.Popen:
        """nginx with deploy/nginx/maillage.conf in front of the granian instances on `servers` (ports), under a
        prefix of its own; answers https://127.0.0.1:<https_port>/healthz before this returns."""
        prefix = self.folder / name
        prefix.mkdir()
        certificate, key = deploy.self_signed_certificate(prefix, HOST)
        site = deploy.NginxSite(
            servers=[f"{HOST}:{port}" for port in servers],
            server_name=HOST,
            listen_http=f"{HOST}:{http_port}",
            listen_https=f"{HOST}:{https_port}",
            tls_certificate=str(certificate),
            tls_certificate_key=str(key),
            static_root=str(static_root),
            access_log=str(prefix / "logs/access.log"),
        )
        main_config = deploy.standalone_nginx(prefix, site, worker_processes=1)
        process = self.spawn(
            name,
            [deploy.nginx_binary() or "nginx", "-p", str(prefix), "-c", str(main_config),
             "-e", str(prefix / "logs/error.log"), "-g", "daemon off;"],
        )  # fmt: skip
        wait_for(f"https://{HOST}:{https_port}/healthz", 20, prefix / "logs/error.log")
        return process

    def stop(self) -> None:
        """SIGTERM to every process group still running, then SIGKILL to those not gone within STOP_SECONDS."""
        for process in reversed(self.started):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        deadline = time.monotonic() + STOP_SECONDS
        for process in self.started:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        self.started.clear()


def all_pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid in all_pids():
        try:
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(pid)
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes (their own, not their finished children's)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks
