"""`make bench-load`'s arithmetic: per-route figures from each request's end time, duration and outcome."""

from maillage.core.management.commands.bench_load import LOGIN_ROUTES, summarise, writes_summary


def test_throughput_is_over_the_span_of_the_requests_and_failures_are_counted():
    # Ten requests of 100 ms, one ending every 0.5 s from t=10.1: the span is 10.0 → 14.6 s.
    timings = [["person page", 10.1 + 0.5 * index, 100.0, ""] for index in range(10)]
    timings[3][3] = "status 404"
    row = summarise("person page", timings)
    assert row["requests"] == 10
    assert row["errors"] == 1
    assert round(row["seconds"], 3) == 4.6
    assert round(row["rps"], 3) == round(10 / 4.6, 3)
    assert row["p50"] == row["p95"] == 100.0


def test_percentiles_follow_the_slow_tail():
    timings = [["dashboard", float(index), float(duration), ""] for index, duration in enumerate(range(1, 101))]
    row = summarise("dashboard", timings)
    assert row["p50"] in (50.0, 51.0)
    assert row["p95"] in (95.0, 96.0)
    assert row["p99"] in (99.0, 100.0)


def test_no_request_gives_zeros_not_an_error():
    assert summarise("referral inbox", [])["rps"] == 0.0
    assert "login" in LOGIN_ROUTES


def test_retried_attempts_are_counted_apart_from_errors():
    timings = [
        ["note (post)", 1.0, 50.0, "retried: status 502"],
        ["note (post)", 2.0, 80.0, ""],
        ["note (post)", 3.0, 90.0, "status 422"],
    ]
    row = summarise("note (post)", timings)
    assert (row["requests"], row["errors"], row["retried"]) == (3, 1, 1)


def test_writes_acknowledged_are_looked_for_in_the_database():
    texts = [f"bench-load {index:032x}" for index in range(4)]
    acknowledged = [
        {"kind": "note", "text": texts[0], "retried": False},
        {"kind": "note", "text": texts[1], "retried": True},
        {"kind": "contact", "text": texts[2], "retried": False},
    ]
    # texts[2] is missing (lost), texts[1] twice (written twice), texts[3] landed but was never acknowledged.
    summary = writes_summary(acknowledged, [texts[0], texts[1], texts[1], texts[3]])
    assert (summary["acknowledged"], summary["found"], summary["lost"]) == (3, 2, 1)
    assert (summary["retried"], summary["duplicates"], summary["unacknowledged"]) == (1, 1, 1)
    assert summary["by_kind"] == "contact 1, note 2"
