"""Settings of the worker processes the tests start (test_workers.py): the test settings, on the test database
the test runs on (MAILLAGE_TEST_DATABASE), with the database task backend and one periodic job of the tests."""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES

DATABASES = {"default": {**DATABASES["default"], "NAME": os.environ["MAILLAGE_TEST_DATABASE"]}}
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PERIODIC_TASKS = [{"name": "test_note", "every": "week", "call": "maillage.core.tests.worker_tasks.note_period"}]
