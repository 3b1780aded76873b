"""The access benchmark command, at a tiny size: it generates, measures on the real pages, verifies, reports."""

import io
import re

from django.core.management import call_command

SUMMARY = re.compile(
    r"^BENCH access db=sqlite persons=300 decision_p95_ms=[\d.]+ person_page_p95_ms=[\d.]+ "
    r"person_list_p95_ms=[\d.]+ bare_page_p95_ms=[\d.]+ verify_per_s=\d+$",
    re.MULTILINE,
)


def test_bench_access_smoke(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the benchmark's SQLite database goes there
    out = io.StringIO()
    call_command(
        "bench_access",
        "--persons=300",
        "--involvements=1500",
        "--audit=3000",
        "--databases=sqlite",
        "--samples=5",
        stdout=out,
    )
    output = out.getvalue()
    assert SUMMARY.search(output), output
    assert re.search(r"audit verify: 3,\d{3} entries", output), output  # the chain and the page views
    assert (tmp_path / "bench_access.sqlite3").exists()
