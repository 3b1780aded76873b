"""The loopback deployment's processes (`make deploy-check`, `make bench-load`) always end, whatever they do."""

import os
import time
from pathlib import Path

from maillage.core import loopback


def test_stop_ends_a_process_group_that_ignores_sigterm(tmp_path, monkeypatch):
    monkeypatch.setattr(loopback, "STOP_SECONDS", 1)
    processes = loopback.Processes(tmp_path, dict(os.environ), print)
    # A process that ignores SIGTERM, with a child of its own in the same group.
    stubborn = processes.spawn("stubborn", ["sh", "-c", "trap '' TERM; sleep 60 & wait"])
    polite = processes.spawn("polite", ["sleep", "60"])
    time.sleep(0.3)
    started = time.monotonic()
    processes.stop()
    assert time.monotonic() - started < 10
    assert stubborn.poll() is not None and polite.poll() is not None
    assert processes.started == []
    # The group is gone too, its child `sleep` included (a zombie left for init to reap has ended).
    deadline = time.monotonic() + 3
    while [pid for pid in loopback.all_pids() if _running_in_group(pid, stubborn.pid)]:
        assert time.monotonic() < deadline, "a process of the group outlived stop()"
        time.sleep(0.05)


def _running_in_group(pid: int, group: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return int(fields[2]) == group and fields[0] != "Z"
