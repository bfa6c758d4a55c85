"""Enter the logged-in user's municipality scope for the whole request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tenancy.scope import municipality_scope


class TenancyMiddleware:
    """Runs each request inside ``municipality_scope(user.municipality)``.

    Anonymous users and accounts without a municipality get no scope at all, so any
    query on municipality-owned data raises instead of returning rows.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        code = getattr(user, "municipality_id", None) if user is not None and user.is_authenticated else None
        if code:
            with municipality_scope(code):
                response = self.get_response(request)
                # A lazy TemplateResponse renders here, still inside the scope.
                render = getattr(response, "render", None)
                if callable(render) and not getattr(response, "is_rendered", True):
                    response = render()
                return response
        return self.get_response(request)
