"""Counting failed attempts over a fixed window, in the cache that every application server shares.

A `FailureWindow` counts the failures of one kind per key (a client's address, or one key for everyone) for
`seconds` from the first failure, then forgets them all at once: a client throttled by its past mistakes is let
through again when the window ends, whatever it tried meanwhile (only failures that were looked at count).

The counts live in the default cache: Redis when REDIS_URL is set (settings.base), so that all servers add to one
count; there, `add` is SET NX with its expiry and `incr` is INCR, which keeps it. The cache in memory counts per
process, which is right for development and the tests only. When the cache fails, the attempt is not counted and
not refused (logged): a partner should not lose their link because the cache is down.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger(__name__)

# An IPv6 client holds a whole /64 (one home, one phone): counted as one address.
IPV6_PREFIX = 64


def address_key(address: str | None) -> str:
    """The key an address counts under: the address itself for IPv4 (IPv4-mapped IPv6 included), its /64 for
    IPv6, the string as it came for anything else (an empty one for none)."""
    if not address:
        return ""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


@dataclass(frozen=True)
class FailureWindow:
    """Failures of one kind (`name`), at most `limit` per key within `seconds` of the first one."""

    name: str
    limit: int
    seconds: int

    def _cache_key(self, key: str) -> str:
        # Hashed: any address fits a cache key, and the cache holds no address in clear.
        return f"attempts:{self.name}:{hashlib.sha256(key.encode()).hexdigest()}"

    def reached(self, key: str) -> bool:
        """Whether `key` has used up its failures in the current window."""
        try:
            count = cache.get(self._cache_key(key), 0)
        except Exception:
            logger.exception("attempts %s: the cache cannot be read; not refused", self.name)
            return False
        return count >= self.limit

    def fail(self, key: str) -> int:
        """Count one failure of `key`; the count after it (0 when the cache failed). Exactly one caller, across
        servers, sees the count equal `limit`: the failure that used up the window."""
        cache_key = self._cache_key(key)
        try:
            for _again in range(2):
                cache.add(cache_key, 0, timeout=self.seconds)
                try:
                    return cache.incr(cache_key)
                except ValueError:
                    continue  # the window ended between add and incr: a new one
        except Exception:
            logger.exception("attempts %s: the cache cannot be written; not counted", self.name)
        return 0
