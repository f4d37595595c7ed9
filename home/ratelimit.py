"""Rate limits shared by every process, kept in the "ratelimit" cache.

The "ratelimit" cache alias is Redis when REDIS_URL is set (falling back to
the database table below while Redis cannot be reached: home.cache.FallbackCache)
and otherwise a table in the site's own database (`SharedDatabaseCache`
below), so a limit holds across gunicorn workers and machines in every
supported setup, never once per process. `check --deploy` fails on a store that only one process
can see (see `check_rate_limit_store`).

The client address only ever appears hashed (with the secret key) inside a
cache key that expires with the window; it is never stored anywhere else.
"""

import base64
import functools
import hashlib
import logging
import math
import pickle
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import checks
from django.core.cache import InvalidCacheBackendError, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger(__name__)

CACHE_ALIAS = "ratelimit"
#: How often an `add` also deletes the rows that have expired.
SWEEP_CHANCE = 0.01
#: Backends that keep their values inside one process: useless for limits
#: that must hold across gunicorn workers.
PROCESS_LOCAL_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


class SharedDatabaseCache(DatabaseCache):
    """Django's database cache with an `incr` that two processes cannot both win.

    Django's own `incr` reads, adds and writes back, so two workers counting at
    once both write the same number and a limit of 20 lets 37 through. Here the
    row is written first, which takes its lock (a row lock on PostgreSQL, the
    write lock on SQLite), so concurrent increments queue and each sees the
    previous one's result.
    """

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """One statement: insert, or take over a row that has expired; True if this added it.

        Django's own `add` costs five (a count for culling, a savepoint, a
        read, a write, a release), on every counted request and every
        Place Standard answer. Expired rows are swept now and then instead.
        """
        cache_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        now = timezone.now().replace(microsecond=0)
        timeout = self.get_backend_timeout(timeout)
        expires = datetime.max if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        with connection.cursor() as cursor:
            if random.random() < SWEEP_CHANCE:  # noqa: S311 (not security)
                cursor.execute(
                    f"DELETE FROM {table} WHERE {quote('expires')} < %s",  # noqa: S608
                    [connection.ops.adapt_datetimefield_value(now)],
                )
            cursor.execute(
                f"INSERT INTO {table} ({quote('cache_key')}, {quote('value')}, "  # noqa: S608
                f"{quote('expires')}) VALUES (%s, %s, %s) "
                f"ON CONFLICT ({quote('cache_key')}) DO UPDATE SET "
                f"{quote('value')} = excluded.{quote('value')}, "
                f"{quote('expires')} = excluded.{quote('expires')} "
                f"WHERE {table}.{quote('expires')} < %s",
                [cache_key, encoded, expires, connection.ops.adapt_datetimefield_value(now)],
            )
            return cursor.rowcount == 1

    def incr(self, key, delta=1, version=None):
        cache_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {quote('expires')} = {quote('expires')} "  # noqa: S608
                f"WHERE {quote('cache_key')} = %s",
                [cache_key],
            )
            value = self.get(key, version=version)
            if value is None:
                raise ValueError(f"Key '{key}' not found")
            value += delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s "  # noqa: S608
                f"WHERE {quote('cache_key')} = %s",
                [encoded, cache_key],
            )
        return value


def store():
    """The shared cache that holds every counter (falls back to "default" if undeclared)."""
    try:
        return caches[CACHE_ALIAS]
    except InvalidCacheBackendError:
        return caches["default"]


#: The database tables the shared stores use when there is no Redis (or while it
#: is down): created wherever `migrate` runs, whatever this process's settings, so
#: a server started without REDIS_URL finds them on a database migrated with it.
DATABASE_CACHE_TABLES = ("ourplaces_ratelimit", "ourplaces_cache_stamps")


def create_cache_table(sender=None, using="default", **kwargs):
    """post_migrate: create the shared stores' tables (make run, deploys, test databases)."""
    from django.core.management.commands.createcachetable import Command

    command = Command()
    command.verbosity = 0
    tables = set(DATABASE_CACHE_TABLES)
    for config in settings.CACHES.values():
        if config.get("BACKEND", "").endswith("DatabaseCache"):
            tables.add(config["LOCATION"])
    for table in sorted(tables):
        command.create_table(using, table, dry_run=False)


@checks.register(checks.Tags.caches, deploy=True)
def check_rate_limit_store(app_configs=None, **kwargs):
    """Rate limits held in one process's memory do not hold with two workers."""
    config = settings.CACHES.get(CACHE_ALIAS) or settings.CACHES.get("default", {})
    backend = config.get("BACKEND", "")
    if backend in PROCESS_LOCAL_BACKENDS:
        return [
            checks.Error(
                f"The rate-limit cache ({CACHE_ALIAS!r}) uses {backend}, which every "
                "process keeps for itself: with two workers each client gets twice its limit.",
                hint="Set REDIS_URL, or leave the 'ratelimit' cache on the database "
                "(home.ratelimit.SharedDatabaseCache), as the base settings do.",
                id="home.E010",
            )
        ]
    return []


def client_address(request) -> str:
    """The client's address, trusting X-Forwarded-For only behind known proxies."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _key(scope: str, request) -> str:
    digest = hashlib.sha256(
        f"{settings.SECRET_KEY}:{scope}:{client_address(request)}".encode()
    ).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def _count(key: str, timeout: int, delta: int = 1) -> int:
    """Add `delta` to the counter at `key`, starting it at zero; atomic in every shared store."""
    counters = store()
    counters.add(key, 0, timeout=timeout)
    try:
        return counters.incr(key, delta)
    except ValueError:  # expired between add() and incr()
        counters.add(key, 0, timeout=timeout)
        return counters.incr(key, delta)


@dataclass
class Decision:
    allowed: bool
    retry_after: int = 0


def check(request, scope: str, *, limit: int, window: int) -> Decision:
    """Count this request against the client's allowance for `scope`, and decide.

    A fixed window aligned to the clock, so the answer can say when to try
    again. If the store is down the request is allowed and the failure logged:
    a broken cache must not stop people taking part.
    """
    if limit <= 0:
        return Decision(True)
    now = time.time()
    bucket = int(now // window)
    retry_after = max(1, int((bucket + 1) * window - now))
    try:
        count = _count(f"{_key(scope, request)}:{bucket}", window + 60)
    except Exception:
        logger.exception("Rate limit cache unavailable; allowing the request")
        return Decision(True)
    return Decision(count <= limit, retry_after)


# --- The one helper for public POST views -------------------------------------


class Allowance:
    """One request's claim on a scope's limit, counted at most once (see `limit_posts`).

    A view calls `spend()` where an attempt counts (before anything is stored:
    every post for some forms, only valid ones for others) and renders its own
    page, with what was typed, when it answers False; the decorator then makes
    that response a 429 with Retry-After, the same for every form.
    """

    def __init__(self, request, scope: str, limit: int, window: int):
        self.request, self.scope, self.limit, self.window = request, scope, limit, window
        self.decision: Decision | None = None

    def spend(self) -> bool:
        """Count this request (atomically, with `check`) and say whether it may go on."""
        if self.decision is None:
            self.decision = check(self.request, self.scope, limit=self.limit, window=self.window)
        return self.decision.allowed

    @property
    def refused(self) -> bool:
        return self.decision is not None and not self.decision.allowed

    @property
    def retry_minutes(self) -> int:
        return max(1, round(self.decision.retry_after / 60)) if self.refused else 0


def _request_in(args):
    """The request among a view's arguments: first for a function, second for a page method."""
    for arg in args[:2]:
        if isinstance(arg, HttpRequest):
            return arg
    raise TypeError("limit_posts needs the request as the first or second argument")


def _allowance_settings(setting, default: tuple[int, int]) -> tuple[int, int]:
    """(limit, window seconds) from one setting holding both, or from a pair of settings."""
    if isinstance(setting, tuple):
        pairs = zip(setting, default, strict=True)
        return tuple(getattr(settings, name, fallback) for name, fallback in pairs)
    return getattr(settings, setting, default)


def limit_posts(scope, *, setting: str | tuple[str, str], default: tuple[int, int]):
    """Decorate every public view that accepts POST: the one way a public form is rate-limited.

    `scope` names the counter (a string, or a callable given the page for a
    page's `serve`); `setting` names a (limit, window seconds) setting, or a
    pair of settings (limit, window), with `default` as fallback. On a POST
    the view finds `request.rate_limit` (an `Allowance`) and must spend it
    before it stores or sends anything: a successful POST that never spent it
    is a programming error, raised here so a new path cannot skip the limit.
    A refused allowance turns the view's page into a 429 with Retry-After.
    tests/integration/test_one_shape_ratelimit.py checks that every public
    POST view carries this decorator.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            request = _request_in(args)
            if request.method != "POST":
                return view(*args, **kwargs)
            limit, window = _allowance_settings(setting, default)
            name = scope(args[0]) if callable(scope) else scope
            allowance = request.rate_limit = Allowance(request, name, limit, window)
            response = view(*args, **kwargs)
            if allowance.refused:
                response.status_code = 429
                response["Retry-After"] = str(allowance.decision.retry_after)
            elif allowance.decision is None and response.status_code < 400:
                raise ImproperlyConfigured(
                    f"{view.__qualname__} answered a POST without spending its rate limit"
                )
            return response

        wrapped.rate_limited_scope = scope
        return wrapped

    return decorator


def claim_once(name: str, value: str, *, period: int) -> bool:
    """True the first time `value` is claimed under `name` in `period` seconds, else False.

    For "at most one X per Y per period" rules (one confirmation email per
    address per day): `value` is kept only as a keyed hash. A store that is
    down answers True and logs it, like the limits above.
    """
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{name}:{value}".encode()).hexdigest()[:40]
    try:
        return bool(store().add(f"once:{name}:{digest}", 1, timeout=period))
    except Exception:
        logger.exception("Rate limit store unavailable; allowing %s", name)
        return True


# --- Counting subjects that are not requests (sign-in throttling) -----------


@dataclass
class Tally:
    count: int
    retry_after: int


def _subject_key(scope: str, subject: str, window: int, now: float) -> tuple[str, int]:
    bucket = int(now // window)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{subject}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{bucket}", max(1, int((bucket + 1) * window - now))


def count(scope: str, subject: str, *, window: int, add: int = 1) -> Tally:
    """Count events for a subject that is not a request (an account name, say).

    The same clock-aligned windows as `check`, and the subject hashed with the
    secret key like a client address; `add=0` only reads. If the store is down
    the count reads as zero and the failure is logged, as `check` allows.
    """
    key, retry_after = _subject_key(scope, subject, window, time.time())
    try:
        if not add:
            return Tally(store().get(key, 0), retry_after)
        value = _count(key, window + 60, add)
    except Exception:
        logger.exception("Rate limit store unavailable; counting nothing")
        return Tally(0, retry_after)
    return Tally(value, retry_after)


def forget(scope: str, subject: str, *, window: int) -> None:
    """Start the subject's count for `scope` again (e.g. after a successful sign-in)."""
    key, _ = _subject_key(scope, subject, window, time.time())
    try:
        store().delete(key)
    except Exception:
        logger.exception("Rate limit store unavailable; nothing forgotten")


def hold(scope: str, subject: str, *, seconds: int) -> None:
    """Refuse the subject for `seconds` from now (see `held`)."""
    key, _ = _subject_key(f"{scope}:hold", subject, 1, 0)
    try:
        store().set(key, time.time() + seconds, timeout=seconds + 60)
    except Exception:
        logger.exception("Rate limit store unavailable; no hold kept")


def held(scope: str, subject: str) -> int:
    """Whole seconds left on the subject's hold for `scope`, or 0."""
    key, _ = _subject_key(f"{scope}:hold", subject, 1, 0)
    try:
        until = store().get(key)
    except Exception:
        logger.exception("Rate limit store unavailable; no hold read")
        return 0
    return max(0, math.ceil(until - time.time())) if until else 0


def first_time(scope: str, request, content: bytes, *, seconds: int) -> tuple[bool, str]:
    """Whether this client sends `content` for `scope` for the first time in `seconds`.

    For a form on a page that may be cached (the same HTML for everyone, so
    it cannot carry a one-time token): a double click or a resent POST from
    the same client (address and browser) with the same answers is seen
    again, while two people's answers from the same cached page are not.
    Atomic in every shared store (`add`). The client and the content only
    ever appear hashed with the secret key, in a key that expires. Returns
    (first, key); `forget_first_time(key)` undoes it if storing then fails.
    """
    digest = hashlib.sha256()
    for part in (
        settings.SECRET_KEY,
        scope,
        client_address(request),
        request.META.get("HTTP_USER_AGENT", ""),
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(content)
    key = f"once:{scope}:{digest.hexdigest()[:40]}"
    try:
        return bool(store().add(key, 1, timeout=seconds)), key
    except Exception:
        logger.exception("Rate limit store unavailable; a resent form may be stored twice")
        return True, ""


def forget_first_time(key: str) -> None:
    if not key:
        return
    try:
        store().delete(key)
    except Exception:
        logger.exception("Rate limit store unavailable; nothing forgotten")
