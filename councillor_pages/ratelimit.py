"""A per-client limit on contact messages that holds across processes.

The same fixed-window pattern as the other public forms: counts live in
Django's cache (Redis when REDIS_URL is set, so every worker shares them)
and the client is a keyed hash of its IP address, never the address itself.
It lives here rather than being imported from engagement because apps may
only depend on home and places; it is a candidate to move into home.
"""

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    """The client's address; X-Forwarded-For is trusted only behind known proxies."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if trusted > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= trusted:
            return hops[-trusted]
    return remote


def client_hash(ip: str) -> str:
    key = f"{settings.SECRET_KEY}:councillor-contact-client".encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()[:32]


@dataclass
class Decision:
    allowed: bool
    retry_after: int = 0


def check(request, scope: str) -> Decision:
    """Count this request against the client's allowance for `scope`.

    `cache.add` creates the window's counter with an expiry and `cache.incr`
    is atomic in Redis, so two workers cannot both take the last place. If
    the cache is down the message is allowed (and the failure logged).
    """
    limit = getattr(settings, "COUNCILLOR_CONTACT_RATE_LIMIT", 5)
    window = getattr(settings, "COUNCILLOR_CONTACT_RATE_LIMIT_WINDOW", 3600)
    if limit <= 0:
        return Decision(True)
    now = time.time()
    bucket = int(now // window)
    retry_after = max(1, int((bucket + 1) * window - now))
    key = f"councillors:rate:{scope}:{client_hash(client_ip(request))}:{bucket}"
    try:
        cache.add(key, 0, timeout=window + 60)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 0, timeout=window + 60)
            count = cache.incr(key)
    except Exception:
        logger.exception("Rate limit cache unavailable; allowing the message")
        return Decision(True)
    return Decision(count <= limit, retry_after)
