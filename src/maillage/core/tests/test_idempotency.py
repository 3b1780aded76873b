"""No double submissions (ADR 5): a key is claimed once, per scope, across connections; it expires."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from maillage.core.idempotency import (
    Previous,
    fingerprint,
    submission_claim,
    submission_complete,
    submission_release,
)
from maillage.core.models import Submission

pytestmark = pytest.mark.django_db


class TestClaim:
    def test_a_key_is_claimed_once_then_answers_its_first_result(self):
        claim = submission_claim(scope="form:1", key="k", fingerprint="a")
        assert isinstance(claim, Submission)
        submission_complete(claim, result_url="/done/")
        again = submission_claim(scope="form:1", key="k", fingerprint="a")
        assert isinstance(again, Previous) and again.done and again.same_request
        assert again.submission.result_url == "/done/"
        assert not submission_claim(scope="form:1", key="k", fingerprint="b").same_request

    def test_keys_of_other_scopes_do_not_answer(self):
        submission_claim(scope="form:1", key="k", fingerprint="a")
        assert isinstance(submission_claim(scope="form:2", key="k", fingerprint="a"), Submission)

    def test_a_released_key_can_be_used_again(self):
        submission_release(submission_claim(scope="form:1", key="k", fingerprint="a"))
        assert isinstance(submission_claim(scope="form:1", key="k", fingerprint="a"), Submission)

    def test_keys_expire(self, settings):
        settings.SUBMISSION_HOURS = 24
        old = submission_claim(scope="form:1", key="k", fingerprint="a")
        Submission.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
        assert isinstance(submission_claim(scope="form:1", key="k", fingerprint="a"), Submission)
        assert Submission.objects.count() == 1

    def test_the_fingerprint_ignores_key_order(self):
        assert fingerprint({"a": 1, "b": [2]}) == fingerprint({"b": [2], "a": 1})


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections claiming at once: PostgreSQL")
def test_two_connections_claiming_one_key_get_one_claim():
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def claim() -> None:
        try:
            barrier.wait(timeout=10)
            result = submission_claim(scope="api:token:1", key="double", fingerprint="same")
            outcomes.append("claimed" if isinstance(result, Submission) else "replay")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcomes) == ["claimed", "replay"]
    assert Submission.objects.filter(key="double").count() == 1
