"""The client's real address, for rate limits and login lock-outs.

X-Forwarded-For is trusted only for the number of proxies we run (``TRUSTED_PROXY_COUNT``):
each proxy appends the address it saw, so the entry that many places from the right is the
client as seen by our outermost proxy. Anything further left was written by the client and is
ignored, so a client cannot dodge a limit by sending its own header.
"""

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < hops:
        return remote
    return forwarded[-hops]
