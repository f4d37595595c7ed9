"""A fixed-window rate limit kept in Django's cache, so it holds across processes.

The client address only ever appears hashed (with the secret key) inside a
cache key that expires with the window; it is never stored in the database.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


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


def is_limited(scope: str, request, limit: int) -> bool:
    """True when this client has already used up `limit` attempts in the window."""
    value = cache.get(_key(scope, request))
    return value is not None and value >= limit


def hit(scope: str, request, window_seconds: int) -> int:
    """Count one attempt; returns the count in the current window."""
    key = _key(scope, request)
    # add() only sets a missing key, so the window starts at the first attempt;
    # incr() is atomic in Redis and in the local-memory cache.
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:
        # The key expired between add() and incr().
        cache.add(key, 1, timeout=window_seconds)
        return 1


@dataclass
class Decision:
    allowed: bool
    retry_after: int = 0


def check(request, scope: str, *, limit: int, window: int) -> Decision:
    """Count this request against the client's allowance for `scope`, and decide.

    A fixed window aligned to the clock, so the answer can say when to try
    again. If the cache is down the request is allowed and the failure logged:
    a broken cache must not stop people taking part.
    """
    if limit <= 0:
        return Decision(True)
    now = time.time()
    bucket = int(now // window)
    retry_after = max(1, int((bucket + 1) * window - now))
    key = f"{_key(scope, request)}:{bucket}"
    try:
        cache.add(key, 0, timeout=window + 60)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 0, timeout=window + 60)
            count = cache.incr(key)
    except Exception:
        logger.exception("Rate limit cache unavailable; allowing the request")
        return Decision(True)
    return Decision(count <= limit, retry_after)


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
    secret key like a client address; `add=0` only reads. If the cache is down
    the count reads as zero and the failure is logged, as `check` allows.
    """
    key, retry_after = _subject_key(scope, subject, window, time.time())
    try:
        if not add:
            return Tally(cache.get(key, 0), retry_after)
        cache.add(key, 0, timeout=window + 60)
        try:
            value = cache.incr(key, add)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 0, timeout=window + 60)
            value = cache.incr(key, add)
    except Exception:
        logger.exception("Rate limit cache unavailable; counting nothing")
        return Tally(0, retry_after)
    return Tally(value, retry_after)


def forget(scope: str, subject: str, *, window: int) -> None:
    """Start the subject's count for `scope` again (e.g. after a successful sign-in)."""
    key, _ = _subject_key(scope, subject, window, time.time())
    try:
        cache.delete(key)
    except Exception:
        logger.exception("Rate limit cache unavailable; nothing forgotten")


def hold(scope: str, subject: str, *, seconds: int) -> None:
    """Refuse the subject for `seconds` from now (see `held`)."""
    key, _ = _subject_key(f"{scope}:hold", subject, 1, 0)
    try:
        cache.set(key, time.time() + seconds, timeout=seconds + 60)
    except Exception:
        logger.exception("Rate limit cache unavailable; no hold kept")


def held(scope: str, subject: str) -> int:
    """Whole seconds left on the subject's hold for `scope`, or 0."""
    key, _ = _subject_key(f"{scope}:hold", subject, 1, 0)
    try:
        until = cache.get(key)
    except Exception:
        logger.exception("Rate limit cache unavailable; no hold read")
        return 0
    return max(0, math.ceil(until - time.time())) if until else 0
