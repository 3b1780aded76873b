"""The session engines: Django's database sessions (one server), or Redis through the cache (several servers,
`maillage.accounts.sessions_redis`, chosen when REDIS_URL is set); both refuse malformed session keys before
any lookup.

A cookie carrying characters Django never puts in a key (a NUL, say) would otherwise reach the database,
and PostgreSQL answers a NUL in a query with an error, hence a 500 on any page.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class WellFormedKeys:
    def _validate_session_key(self, key: str | None) -> bool:
        return bool(key) and key.isascii() and key.isalnum() and super()._validate_session_key(key)


class SessionStore(WellFormedKeys, DatabaseSessionStore):
    pass
