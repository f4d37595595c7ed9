"""Version stamps that every process sees: how cached output knows it is out of date.

Anything cached (a menu, a page's content, a place-page section, a whole
anonymous page) is stored with the versions of the names it depends on,
such as ``page:42`` (page 42's own content), ``section:stories:42`` (the
stories shown on place 42), ``listing:<app>.<model>`` (any list of
that model's rows or pages) or ``site`` (menus, settings, sites). An event that changes what a
name covers *bumps* it: the name gets a new random token (never a counted-up
number, so two processes bumping at once cannot meet on one value), and
everything stored under the old token is never read again. Nothing is
deleted; stale entries age out of the cache by themselves.

The stamps live in the "shared" cache, which every process and machine
reads: Redis with `REDIS_URL`, otherwise a table in the site's own database
(the embedded default needs no other server). The fragments themselves may
live in a cache of each process's own (local memory): a bump is seen by
every process because each compares the stamps before it reuses anything.

Reads: `current(request, names)` reads every name a request needs in one
round trip (one query with the database table) and remembers them for the
rest of the request, so a page sees one consistent set. Reading never
writes: a name with no stamp yet (never bumped, or evicted from the cache)
reads as None, which matches no entry. A request that built something
after reading None gives the name a stamp when it stores it (`claim`,
adding only, so a bump made meanwhile wins and the entry is not stored):
an eviction can only ever make things rebuild.

Writes: `bump(names)` renews the names at once and again when the current
transaction commits. Readers always read a name's stamp before the rows it
covers, so a request that read rows from before a change stores them under
the old stamp, which nobody reads after the commit.

While the shared cache is unreachable (home.cache.ResilientRedisCache logs
the outage once), `current` answers None: nothing is reused and pages are
built from the database. A bump that could not reach the store is kept by
this process and made again before it next reads a stamp, so output cached
before the outage never comes back after it.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core import checks
from django.core.cache import InvalidCacheBackendError, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction

logger = logging.getLogger(__name__)

CACHE_ALIAS = "shared"
KEY_PREFIX = "v:"
PROCESS_LOCAL_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)

_pending: set[str] = set()
_pending_lock = threading.Lock()
_state = {"outage_logged": False}


class StoreUnavailable(Exception):
    """The shared cache cannot be reached: reuse nothing."""


def store():
    """The shared cache (falls back to "default" where a test's settings declare no "shared")."""
    try:
        return caches[CACHE_ALIAS]
    except InvalidCacheBackendError:
        return caches["default"]


@checks.register(checks.Tags.caches, deploy=True)
def check_stamp_store(app_configs=None, **kwargs):
    """Stamps held in one process's memory would let other processes serve stale pages."""
    config = settings.CACHES.get(CACHE_ALIAS)
    backend = (config or {}).get("BACKEND", "")
    if config is None or backend in PROCESS_LOCAL_BACKENDS:
        return [
            checks.Error(
                f"The cache stamps ({CACHE_ALIAS!r}) must be shared by every process; "
                f"it is {backend or 'not declared'}.",
                hint="Set REDIS_URL, or leave 'shared' on the database as the base settings do.",
                id="home.E011",
            )
        ]
    return []


def _call(method: str, *args):
    """Call the store so that an unreachable Redis raises instead of answering as empty."""
    cache = store()
    try:
        attempt = getattr(cache, "attempt", None)  # home.cache.ResilientRedisCache
        if attempt is not None:
            return attempt(method, *args)
        return getattr(cache, method)(*args)
    except Exception as error:
        if _is_database_error(error):
            raise
        raise StoreUnavailable(str(error)) from error


def _is_database_error(error: BaseException) -> bool:
    # The database store's own errors are the page's to report (its database
    # is the site's); a cache client's errors mean "build without the cache".
    return type(error).__module__.startswith("django.db")


def _token() -> str:
    return uuid.uuid4().hex[:16]


def _renew(names: Iterable[str]) -> None:
    names = sorted(set(names))
    if not names:
        return
    failed = _call("set_many", {KEY_PREFIX + name: _token() for name in names}, None)
    if failed:
        raise StoreUnavailable(f"{len(failed)} stamps not stored")


def _log_outage(error: BaseException) -> None:
    from home.cache import CacheUnavailable

    if isinstance(error.__cause__, CacheUnavailable):
        return  # home.cache logs its own outages, once each
    if not _state["outage_logged"]:
        _state["outage_logged"] = True
        logger.warning("Cache stamps unreachable (%s); reusing nothing until they return", error)


def _flush_pending() -> None:
    with _pending_lock:
        names = set(_pending)
    if not names:
        return
    _renew(names)
    with _pending_lock:
        _pending.difference_update(names)


def read(names: Iterable[str]) -> dict[str, str | None]:
    """The stamps of `names` (None for a name that has none yet); raises StoreUnavailable."""
    _flush_pending()
    names = sorted(set(names))
    if not names:
        return {}
    found = _call("get_many", [KEY_PREFIX + name for name in names])
    if _state["outage_logged"]:
        _state["outage_logged"] = False
        logger.info("Cache stamps reachable again")
    return {name: found.get(KEY_PREFIX + name) for name in names}


def claim(request, names: Iterable[str]) -> bool:
    """Give stamps to `names`, which had none when this request read them.

    Only ever by adding (a stamp made meanwhile by a bump or by another
    request is left as it is): True if every one is this request's, so what
    it built after reading "none" may be stored under them; False if any was
    made by someone else in between, in which case it must not be.
    """
    names = sorted(set(names))
    if not names:
        return True
    tokens = {KEY_PREFIX + name: _token() for name in names}
    try:
        if hasattr(store(), "add_many"):
            _call("add_many", tokens)
        else:
            for key, token in tokens.items():
                _call("add", key, token, None)
        found = _call("get_many", list(tokens))
    except StoreUnavailable as error:
        _log_outage(error)
        return False
    if any(found.get(key) != token for key, token in tokens.items()):
        return False
    memo = getattr(request, "_ourplaces_stamps", None) if request is not None else None
    if isinstance(memo, dict):
        memo.update({name: tokens[KEY_PREFIX + name] for name in names})
    return True


def current(request, names: Iterable[str]) -> dict[str, str] | None:
    """The stamps of `names` as this request sees them (None: the store is unreachable).

    Read once per request: later calls for names already read answer from
    memory, and new names are read together in one round trip.
    """
    memo = getattr(request, "_ourplaces_stamps", None) if request is not None else None
    if memo is False:
        return None
    if memo is None:
        memo = {}
    wanted = [name for name in set(names) if name not in memo]
    if wanted and not memo and request is not None:
        # The first read of a request brings the names nearly every request
        # needs (home.fragments.BASE_NAMES) in the same round trip.
        from home.fragments import BASE_NAMES

        wanted = sorted(set(wanted) | set(BASE_NAMES))
    if wanted:
        try:
            memo.update(read(wanted))
        except StoreUnavailable as error:
            _log_outage(error)
            if request is not None:
                request._ourplaces_stamps = False
            return None
    if request is not None:
        request._ourplaces_stamps = memo
    return {name: memo[name] for name in names}


def bump_now(names: Iterable[str]) -> None:
    names = set(names)
    if not names:
        return
    try:
        _renew(names)
    except StoreUnavailable as error:
        with _pending_lock:
            _pending.update(names)
        _log_outage(error)


def bump(names: Iterable[str], *, now: bool = True) -> None:
    """Renew `names` at once (unless `now` is false) and again when the transaction commits.

    `now=False` is for bumps made inside a transaction that must stay short
    (a citizen's response): the names are renewed only after the commit.
    """
    names = frozenset(names)
    if not names:
        return
    if not transaction.get_connection().in_atomic_block:
        bump_now(names)  # nothing to wait for
        return
    if now:
        bump_now(names)
    transaction.on_commit(lambda: bump_now(names))


def forget_pending() -> None:
    """Drop bumps waiting for the store (tests: each starts with none)."""
    with _pending_lock:
        _pending.clear()
    _state["outage_logged"] = False


class StampDatabaseCache(DatabaseCache):
    """Django's database cache table, read and written the way stamps need.

    A page reads a few dozen stamps on every request and an event renews as
    many at once. Django's own database cache validates each key, converts
    each row's expiry date and unpickles each value (most of a cache hit's
    time went there), and writes each key with five statements (a count, a
    savepoint, a read, a write, a release). Stamps are short strings that never
    expire, so here they are stored as they are: one SELECT reads any number,
    one `INSERT ... ON CONFLICT` (SQLite and PostgreSQL alike) renews
    (`set_many`) or creates (`add_many`) any number. Only this class writes
    the table.
    """

    def _table_and_connection(self, write: bool):
        db = (router.db_for_write if write else router.db_for_read)(self.cache_model_class)
        connection = connections[db]
        return connection.ops.quote_name(self._table), connection

    def get_many(self, keys, version=None):
        keys = list(keys)
        if not keys:
            return {}
        by_cache_key = {self.make_key(key, version=version): key for key in keys}
        table, connection = self._table_and_connection(write=False)
        quote = connection.ops.quote_name
        placeholders = ", ".join(["%s"] * len(by_cache_key))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('cache_key')}, {quote('value')} FROM {table} "  # noqa: S608
                f"WHERE {quote('cache_key')} IN ({placeholders})",
                list(by_cache_key),
            )
            return {by_cache_key[cache_key]: value for cache_key, value in cursor.fetchall()}

    def get(self, key, default=None, version=None):
        return self.get_many([key], version=version).get(key, default)

    def _write_many(self, data: dict, conflict: str, version=None) -> None:
        if not data:
            return
        table, connection = self._table_and_connection(write=True)
        quote = connection.ops.quote_name
        expires = connection.ops.adapt_datetimefield_value(datetime.max.replace(microsecond=0))
        rows, params = [], []
        for key, value in data.items():
            rows.append("(%s, %s, %s)")
            params.extend([self.make_key(key, version=version), str(value), expires])
        sql = (
            f"INSERT INTO {table} ({quote('cache_key')}, {quote('value')}, {quote('expires')}) "  # noqa: S608
            f"VALUES {', '.join(rows)} ON CONFLICT ({quote('cache_key')}) {conflict}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        quote = self._table_and_connection(write=True)[1].ops.quote_name
        self._write_many(
            data, f"DO UPDATE SET {quote('value')} = excluded.{quote('value')}", version
        )
        return []

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout, version)

    def add_many(self, data, version=None) -> None:
        """Store the keys that are not there yet; leave the others as they are."""
        self._write_many(data, "DO NOTHING", version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        before = self.get(key, version=version)
        self.add_many({key: value}, version)
        return before is None and self.get(key, version=version) == str(value)
