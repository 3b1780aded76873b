"""Tasks and periodic jobs for the tests of several worker processes (test_workers.py): each run appends a line
to the file named by MAILLAGE_WORKER_LOG, so that a task run twice shows twice."""

import os
import time

from django.tasks import task


def _note(line: str) -> None:
    fd = os.open(os.environ["MAILLAGE_WORKER_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{line} {os.getpid()}\n".encode())
    finally:
        os.close(fd)


@task()
def note_run(number: int) -> int:
    _note(f"task {number}")
    time.sleep(0.1)
    return number


def note_period() -> None:
    _note("periodic")
