"""The cache on Redis, degrading instead of failing: Redis down costs the portal its speed-ups, never its pages.

Nothing the portal keeps in the cache is the only copy: sessions are ``cached_db`` (the database holds every session,
the cache a copy), and everything else is recomputed on a miss. So when Redis cannot be reached, a read is a miss, a
write is dropped, and the request goes on from the database. After a failure the cache stays "open" (skipped without
touching the network) for ``RETRY_SECONDS``: a dead or black-holed Redis costs one short socket timeout per process
every few seconds, not one per call.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Seconds a process leaves Redis alone after a failure before trying again.
RETRY_SECONDS = 5.0
# How long to wait to connect to Redis, and for an answer, before giving up (seconds): Redis answers in well under a
# millisecond on a LAN, so anything slower is an outage.
DEFAULT_SOCKET_TIMEOUT = 0.25

# Per LOCATION, shared by every thread's cache object (Django gives each thread its own): when Redis is next tried.
_retry_at: dict[str, float] = {}
_lock = threading.Lock()


def _degrading(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run the Redis call unless the breaker is open; on a Redis error, open it and return ``fallback(*args)``."""

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
            if not self.available():
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except RedisError as exc:
                self.trip(exc)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key: Any, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


def _none(*args: Any, **kwargs: Any) -> None:
    return None


def _false(*args: Any, **kwargs: Any) -> bool:
    return False


def _empty(*args: Any, **kwargs: Any) -> dict[str, Any]:
    return {}


def _all_failed(data: dict[str, Any], *args: Any, **kwargs: Any) -> list[str]:
    return list(data)


def _missing(key: Any, *args: Any, **kwargs: Any) -> int:
    raise ValueError(f"Key '{key}' not found (cache unavailable)")


class _ReusedClient(RedisCacheClient):
    """One ``redis.Redis`` per connection pool, made once: Django's client builds a new one (and its table of some
    170 response callbacks) for every cache call, a third of a millisecond on each page (issue 16). A ``redis.Redis``
    is safe to share between threads: each command takes a connection from the pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}  # id of the pool (pools live as long as this object) -> its client

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache with short socket timeouts, whose every call degrades to a miss when Redis is down."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", DEFAULT_SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
        super().__init__(server, params)
        self._class = _ReusedClient
        self._breaker_key = str(server)

    def available(self) -> bool:
        return _retry_at.get(self._breaker_key, 0.0) <= time.monotonic()

    def trip(self, exc: Exception) -> None:
        with _lock:
            if self.available():
                log.warning("Redis cache unavailable (%s); serving from the database for %ss", exc, RETRY_SECONDS)
            _retry_at[self._breaker_key] = time.monotonic() + RETRY_SECONDS

    def reset(self) -> None:
        """Close the breaker (tests, and /healthz after a successful ping)."""
        _retry_at.pop(self._breaker_key, None)

    def ping(self) -> None:
        """Raise RedisError unless Redis answers now, whatever the breaker says (for /healthz)."""
        self._cache.get_client(write=True).ping()  # type: ignore[attr-defined]
        self.reset()

    get = _degrading(_default)(RedisCache.get)
    get_many = _degrading(_empty)(RedisCache.get_many)
    set = _degrading(_none)(RedisCache.set)
    add = _degrading(_false)(RedisCache.add)
    set_many = _degrading(_all_failed)(RedisCache.set_many)
    touch = _degrading(_false)(RedisCache.touch)
    delete = _degrading(_false)(RedisCache.delete)
    delete_many = _degrading(_none)(RedisCache.delete_many)
    has_key = _degrading(_false)(RedisCache.has_key)
    incr = _degrading(_missing)(RedisCache.incr)
    clear = _degrading(_false)(RedisCache.clear)
