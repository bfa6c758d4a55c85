"""Where a form may send the user afterwards: only back into this site (ASVS 4.0 5.1.5)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request: HttpRequest, candidate: object) -> str | None:
    """``candidate`` when it is a path on this host (as Django's login checks ``next``), else None."""
    if not isinstance(candidate, str) or not candidate:
        return None
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None
