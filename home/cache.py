"""Cache backends for which an outage costs speed, never availability.

`ResilientRedisCache` is Django's Redis cache that treats an unreachable Redis
as an empty cache: reads miss, writes do nothing, and pages are built without
it. Short socket timeouts bound what one failed call costs; after a failure a
circuit breaker (one per server and process) skips Redis for `RETRY_AFTER`
seconds, then lets one request try it again, so an outage does not cost a
timeout per request and the site recovers by itself when Redis returns. The
outage is logged once per process: a warning when Redis goes away, an info
when it is back.

`FallbackCache` serves one alias from a primary cache while it is reachable
and from a fallback cache while it is not: the rate limits ("ratelimit") use
Redis when it answers and the database table of the embedded default
(`home.ratelimit.SharedDatabaseCache`) while it does not, so limits still hold
across processes during an outage.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

#: Defaults, each overridable in the cache's OPTIONS (settings: REDIS_*).
CONNECT_TIMEOUT = 0.25
SOCKET_TIMEOUT = 0.5
RETRY_AFTER = 5.0


class CacheUnavailable(Exception):
    """The cache server cannot be reached (or its circuit is open): treat as a miss."""


def _outage_errors() -> tuple[type[BaseException], ...]:
    import redis.exceptions

    # ConnectionError covers refused and reset connections and a server still
    # loading its data (BusyLoadingError); TimeoutError a server that hangs.
    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class CircuitBreaker:
    """Whether to try a server now; one per server and process, shared by threads.

    Closed: every call goes to the server. After a failure, open: calls are
    skipped until `retry_after` seconds have passed; then one call (the probe)
    tries the server while the others keep skipping it. The probe's success
    closes the circuit, its failure opens it again for another period.
    Transitions are logged, never individual calls.
    """

    def __init__(self, name: str, retry_after: float):
        self.name = name
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._down = False
        self._retry_at = 0.0
        self._probing = False

    @property
    def down(self) -> bool:
        return self._down

    def allow(self) -> str | None:
        """A call's ticket: "closed" or "probe" to go to the server, None to skip it."""
        if not self._down:
            return "closed"
        with self._lock:
            if self._down and not self._probing and time.monotonic() >= self._retry_at:
                self._probing = True
                return "probe"
            return None if self._down else "closed"

    def succeeded(self, ticket: str) -> None:
        if ticket != "probe":
            return
        with self._lock:
            self._probing = False
            if self._down:
                self._down = False
                logger.info("Cache %s is reachable again; using it", self.name)

    def released(self, ticket: str) -> None:
        if ticket == "probe":
            with self._lock:
                self._probing = False

    def failed(self, error: BaseException) -> None:
        with self._lock:
            self._probing = False
            self._retry_at = time.monotonic() + self.retry_after
            if not self._down:
                self._down = True
                logger.warning(
                    "Cache %s is unreachable (%s: %s); pages are built without it, "
                    "trying again every %gs",
                    self.name,
                    error.__class__.__name__,
                    error,
                    self.retry_after,
                )


def _no_retry():
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return Retry(NoBackoff(), 0)


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(name: str, retry_after: float) -> CircuitBreaker:
    """The process's breaker for one server (shared by every alias and thread using it)."""
    with _breakers_lock:
        breaker = _breakers.get(name)
        if breaker is None:
            breaker = _breakers[name] = CircuitBreaker(name, retry_after)
        breaker.retry_after = retry_after
        return breaker


def reset_breakers() -> None:
    """Forget every breaker (tests: each starts with every server presumed up)."""
    with _breakers_lock:
        _breakers.clear()


def _redacted(location: str) -> str:
    """The server's address for logs, without a password."""
    scheme, sep, rest = location.partition("://")
    if sep and "@" in rest:
        rest = rest.rsplit("@", 1)[1]
    return f"{scheme}{sep}{rest}"


class ResilientRedisCache(RedisCache):
    """Django's Redis cache that answers as an empty cache while Redis is unreachable.

    OPTIONS (besides redis-py's pool options): `socket_connect_timeout` and
    `socket_timeout` in seconds (short by default), `retry_after` the seconds
    the circuit stays open before Redis is tried again.
    """

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        retry_after = float(options.pop("retry_after", RETRY_AFTER))
        options.setdefault("socket_connect_timeout", CONNECT_TIMEOUT)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        # One attempt per call: the breaker, not redis-py, decides when to retry.
        options.setdefault("retry", _no_retry())
        params["OPTIONS"] = options
        super().__init__(server, params)
        name = ",".join(_redacted(location) for location in self._servers)
        self.breaker = breaker_for(name, retry_after)

    def attempt(self, method: str, *args, **kwargs):
        """Call RedisCache's `method`; raise CacheUnavailable if Redis cannot be reached."""
        ticket = self.breaker.allow()
        if ticket is None:
            raise CacheUnavailable(self.breaker.name)
        answered = None
        try:
            result = getattr(super(), method)(*args, **kwargs)
            answered = True
        except _outage_errors() as error:
            answered = False
            self.breaker.failed(error)
            raise CacheUnavailable(self.breaker.name) from error
        except Exception:
            answered = True  # Redis answered with an error (incr of a missing key): it is up
            raise
        finally:
            if answered:
                self.breaker.succeeded(ticket)
            elif answered is None:
                self.breaker.released(ticket)  # interrupted: let another call probe
        return result

    def _or(self, default, method, *args, **kwargs):
        try:
            return self.attempt(method, *args, **kwargs)
        except CacheUnavailable:
            return default

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(False, "add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._or(default, "get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._or(None, "set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(False, "touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._or(False, "delete", key, version)

    def get_many(self, keys, version=None):
        return self._or({}, "get_many", keys, version)

    def has_key(self, key, version=None):
        return self._or(False, "has_key", key, version)

    def incr(self, key, delta=1, version=None):
        """As for a missing key while Redis is down: ValueError, as Django's caches raise."""
        try:
            return self.attempt("incr", key, delta, version)
        except CacheUnavailable:
            raise ValueError(f"Key '{key}' not found (cache unavailable).") from None

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Nothing stored: report every key as failed, as Django's contract says.
        return self._or(list(data), "set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        self._or(None, "delete_many", keys, version)

    def clear(self):
        return self._or(False, "clear")


class FallbackCache(BaseCache):
    """One alias served by `OPTIONS["PRIMARY"]` while it answers, else by `OPTIONS["FALLBACK"]`.

    Both are names of other aliases in CACHES (so `createcachetable` sees a
    database fallback). The primary should be a `ResilientRedisCache`, whose
    breaker decides quickly whether it answers; any other primary is used
    as is and its connection errors send the call to the fallback.
    """

    def __init__(self, location, params):
        super().__init__(params)
        options = params.get("OPTIONS") or {}
        self.primary_alias = options["PRIMARY"]
        self.fallback_alias = options["FALLBACK"]

    @property
    def primary(self) -> BaseCache:
        return caches[self.primary_alias]

    @property
    def fallback(self) -> BaseCache:
        return caches[self.fallback_alias]

    def _call(self, method: str, *args, **kwargs):
        primary = self.primary
        try:
            if isinstance(primary, ResilientRedisCache):
                return primary.attempt(method, *args, **kwargs)
            return getattr(primary, method)(*args, **kwargs)
        except (CacheUnavailable, *_outage_errors()):
            return getattr(self.fallback, method)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def decr(self, key, delta=1, version=None):
        return self._call("incr", key, -delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        """Empty the store serving now (the other's entries expire by themselves)."""
        return self._call("clear")

    def close(self, **kwargs):
        # The underlying aliases are closed by Django with every other alias.
        pass
