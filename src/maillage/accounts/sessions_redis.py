"""Sessions in Redis (the "sessions" cache, settings.CACHES), shared by every application server: a session
opened on one is valid on the others, and nothing of it stays in a process. Chosen when REDIS_URL is set."""

from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore

from maillage.accounts.sessions import WellFormedKeys


class SessionStore(WellFormedKeys, CacheSessionStore):
    pass
