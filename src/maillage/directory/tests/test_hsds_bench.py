"""The directory benchmark command, at a tiny size: it generates, imports through HSDS, searches, and reports."""

import io
import re

from django.core.management import call_command

SUMMARY = re.compile(
    r"^BENCH directory db=sqlite services=300 import_s=[\d.]+ search_p50_ms=[\d.]+ search_p95_ms=[\d.]+ "
    r"pk_p95_ms=[\d.]+ facets_p95_ms=[\d.]+$",
    re.MULTILINE,
)


def test_bench_directory_smoke():
    out = io.StringIO()
    call_command(
        "bench_directory",
        "--services=300",
        "--locations=60",
        "--communes=20",
        "--searches=30",
        "--databases=sqlite",
        "--no-progress",
        stdout=out,
    )
    output = out.getvalue()
    assert SUMMARY.search(output), output
    assert "(0 rejected)" in output
    # Searches find something: the generated services carry the needs and words searched for.
    found = re.search(r"\((\d+)/30 searches found services", output)
    assert found and int(found.group(1)) > 0, output
