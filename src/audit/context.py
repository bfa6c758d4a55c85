"""Who is acting and from where, for the access log, without passing request around."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMeta:
    client_address: str | None


_meta: ContextVar[RequestMeta | None] = ContextVar("bollplank_request_meta", default=None)


def current_client_address() -> str | None:
    meta = _meta.get()
    return meta.client_address if meta else None


@contextmanager
def request_meta(*, client_address: str | None) -> Iterator[None]:
    token = _meta.set(RequestMeta(client_address=client_address))
    try:
        yield
    finally:
        _meta.reset(token)
