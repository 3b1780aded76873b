"""Settings of the process test_streaming_replica.py starts: the test settings, with `default` on a real primary
and `replica` on its streaming replica (MAILLAGE_PRIMARY_URL, MAILLAGE_REPLICA_URL), as production routes them."""

import os

import dj_database_url

from config.settings.test import *  # noqa: F403

DATABASES = {
    "default": dj_database_url.parse(os.environ["MAILLAGE_PRIMARY_URL"]),
    "replica": dj_database_url.parse(os.environ["MAILLAGE_REPLICA_URL"]),
}
READ_REPLICA = "replica"
