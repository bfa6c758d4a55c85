"""Links that work without logging in: signed tokens, absolute URLs and the one view that serves them.

A follow-up survey, a programme questionnaire and a meeting invitation's answer are
reached from an e-mail, by people who have no account. Their link carries a token
signed with the link's own salt (``django.core.signing``): it names the object and the
municipalities it belongs to, and no personal data. :func:`public_link_view` is the one
way such a link is served: verify the token, enter the municipality scope it names,
fetch the object or refuse with a message, and render, all inside that scope.

GET never changes anything (mail scanners open links); a page changes something only
on POST, through a service.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tenancy.scope import municipality_scope

LINK_NOT_VALID = _("The link is not valid. Check that you copied all of it.")


def absolute_url(viewname: str, **kwargs: Any) -> str:
    """A link that works outside the browser (e-mail, calendar programs): BOLLPLANK_BASE_URL + path."""
    return str(settings.BOLLPLANK_BASE_URL).rstrip("/") + reverse(viewname, kwargs=kwargs or None)


class LinkRefused(Exception):
    """A link cannot be used (tampered with, expired, already answered, withdrawn).

    ``message`` says why, in words for the person who followed the link; ``status`` is
    the page's HTTP status. Each app names its own subclass (``SurveyLinkInvalid``).
    """

    status = 400

    def __init__(self, message: Any = LINK_NOT_VALID, *, status: int | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if status is not None:
            self.status = status


class Claim(Protocol):
    """What a verified token says: at least the municipalities whose scope serves the link."""

    @property
    def municipality_ids(self) -> tuple[str, ...]: ...


ClaimT = TypeVar("ClaimT", bound=Claim)
ClaimT_co = TypeVar("ClaimT_co", bound=Claim, covariant=True)
Target = TypeVar("Target")


@dataclass(frozen=True)
class SignedLink(Generic[ClaimT]):
    """One kind of signed link: its salt, how to read its claim, how long it lasts."""

    salt: str
    read: Callable[[Mapping[str, Any]], ClaimT]  # raises KeyError, TypeError or ValueError on a bad shape
    refused: type[LinkRefused] = LinkRefused
    max_age: datetime.timedelta | None = None
    expired_message: Any = LINK_NOT_VALID

    def token(self, data: Mapping[str, str | int]) -> str:
        """The signed token for ``data`` (ids and municipality codes only)."""
        return signing.dumps(dict(data), salt=self.salt, compress=True)

    def verify(self, token: str) -> ClaimT:
        """The claim in a token; raises ``refused`` for a bad signature or shape, or an expired link."""
        try:
            data = signing.loads(token, salt=self.salt, max_age=self.max_age)
        except signing.SignatureExpired:
            raise self.refused(self.expired_message) from None
        except signing.BadSignature:
            raise self.refused() from None
        try:
            return self.read(data)
        except (KeyError, TypeError, ValueError):
            raise self.refused() from None


class ObjectClaim(NamedTuple):
    """What a link naming one municipality-owned object says: its id and its municipality."""

    object_id: int
    municipality_id: str

    @property
    def municipality_ids(self) -> tuple[str, ...]:
        return (self.municipality_id,)


class Owned(Protocol):
    @property
    def pk(self) -> Any: ...

    @property
    def municipality_id(self) -> str: ...


class ObjectLink:
    """A signed link to one municipality-owned object (a survey, a questionnaire): the token
    is ``{key: id, "m": municipality}``, the address the view ``viewname`` with it."""

    def __init__(
        self,
        *,
        salt: str,
        key: str,
        viewname: str,
        refused: type[LinkRefused] = LinkRefused,
        max_age: datetime.timedelta | None = None,
        expired_message: Any = LINK_NOT_VALID,
    ) -> None:
        self.key = key
        self.viewname = viewname
        self.signed = SignedLink(
            salt=salt, read=self._read, refused=refused, max_age=max_age, expired_message=expired_message
        )

    def _read(self, data: Mapping[str, Any]) -> ObjectClaim:
        return ObjectClaim(int(data[self.key]), str(data["m"]))

    def token(self, owned: Owned) -> str:
        """The signed token naming the object and its municipality (no personal data)."""
        return self.signed.token({self.key: owned.pk, "m": owned.municipality_id})

    def verify(self, token: str) -> ObjectClaim:
        """The object's id and municipality in a token; raises the link's ``refused``."""
        return self.signed.verify(token)

    def url(self, owned: Owned) -> str:
        """The absolute address a person opens the object at, without logging in."""
        return absolute_url(self.viewname, token=self.token(owned))


class Verifies(Protocol[ClaimT_co]):
    def verify(self, token: str) -> ClaimT_co: ...


def public_link_view(
    request: HttpRequest,
    token: str,
    *,
    link: Verifies[ClaimT],
    closed_template: str | None,
    fetch: Callable[[ClaimT], Target],
    page: Callable[[Target], HttpResponse],
) -> HttpResponse:
    """Serve a link that works without logging in: verify ``token``, enter the scope of the
    municipalities it names, ``fetch`` the object it names, and render ``page`` for it;
    all inside that scope.

    ``fetch`` and ``page`` refuse by raising :class:`LinkRefused` (a missing object, an
    answered questionnaire, a service's refusal): the person sees ``closed_template``
    with the message, and nothing is changed. Without a template (a calendar program
    reads the link, not a person) every refusal is the same ``Http404``.
    """
    try:
        claim = link.verify(token)
        # The verified token names the municipalities: nothing outside them can be read here.
        with municipality_scope(*claim.municipality_ids):
            return page(fetch(claim))
    except LinkRefused as refused:
        if closed_template is None:
            raise Http404 from None
        return render(request, closed_template, {"message": refused.message}, status=refused.status)
