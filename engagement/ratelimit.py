"""A per-client, per-form limit on responses that holds across processes.

Counts live in Django's cache, which is Redis when REDIS_URL is set, so every
gunicorn worker and every server behind the load balancer shares them. The
client is identified by a keyed hash of its IP address: the address itself is
never stored, in the cache or anywhere else.
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
    """The client's address; X-Forwarded-For is trusted only behind known proxies.

    With N trusted proxies in front, each appends the address it saw, so the
    client is the Nth entry from the right; anything further left could be
    forged by the client.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if trusted > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= trusted:
            return hops[-trusted]
    return remote


def client_hash(ip: str) -> str:
    key = f"{settings.SECRET_KEY}:engagement-client".encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()[:32]


@dataclass
class Decision:
    allowed: bool
    retry_after: int = 0


def check(request, scope: str) -> Decision:
    """Count this request against the client's allowance for `scope`.

    A fixed window keyed by its start time: `cache.add` creates the counter
    with an expiry and `cache.incr` is atomic in Redis, so concurrent
    requests on different processes cannot both take the last place. If the
    cache is down, the request is allowed (and logged) rather than refused.
    """
    limit = getattr(settings, "ENGAGEMENT_RATE_LIMIT", 20)
    window = getattr(settings, "ENGAGEMENT_RATE_LIMIT_WINDOW", 3600)
    if limit <= 0:
        return Decision(True)
    now = time.time()
    bucket = int(now // window)
    retry_after = max(1, int((bucket + 1) * window - now))
    key = f"engagement:rate:{scope}:{client_hash(client_ip(request))}:{bucket}"
    try:
        cache.add(key, 0, timeout=window + 60)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 0, timeout=window + 60)
            count = cache.incr(key)
    except Exception:
        logger.exception("Rate limit cache unavailable; allowing the request")
        return Decision(True)
    return Decision(count <= limit, retry_after)
