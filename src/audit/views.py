"""Log views for managers: read-only, no edit or delete anywhere."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from accounts.models import User
from accounts.permissions import AUDIT_VIEW, StaffRequest, requires
from audit import selectors
from audit.forms import LogFilterForm

# Contact details and identity numbers are not repeated in the municipality-wide
# overview: a protected address must never show there. The record's own page
# shows them to those allowed to see them.
MASKED_IN_OVERVIEW = frozenset({"street_address", "postal_code", "phone", "email", "national_id"})


def _log_page(
    request: StaffRequest, list_selector: Any, template: str, *, mask_values: bool = False
) -> HttpResponse:
    staff = User.objects.filter(municipality_id=request.user.municipality_id).order_by(
        "first_name", "last_name"
    )
    form = LogFilterForm(request.GET or None, staff=staff)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "user_id": int(data["user"]) if data.get("user") else None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
    page = Paginator(list_selector(user=request.user, **filters), 100).get_page(request.GET.get("page"))
    if mask_values:
        for entry in page.object_list:
            for name in MASKED_IN_OVERVIEW & set(entry.changes):
                entry.changes[name]["before"] = entry.changes[name]["after"] = "•••"
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})


@requires(AUDIT_VIEW)
def access_log(request: StaffRequest) -> HttpResponse:
    return _log_page(request, selectors.access_log_list, "audit/access_log.html")


@requires(AUDIT_VIEW)
def change_log(request: StaffRequest) -> HttpResponse:
    return _log_page(request, selectors.change_log_list, "audit/change_log.html", mask_values=True)


@requires(AUDIT_VIEW)
def security_log(request: StaffRequest) -> HttpResponse:
    return _log_page(request, selectors.security_log_list, "audit/security_log.html")
