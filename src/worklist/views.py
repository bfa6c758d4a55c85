"""The start page: one selector per role, one template per role."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import WORKLIST_VIEW, StaffRequest, requires
from worklist import selectors

TEMPLATES: dict[str, str] = {
    Role.SECRETARY: "worklist/secretary.html",
    Role.UNIT_MANAGER: "worklist/manager.html",
    Role.COUNTY_COORDINATOR: "worklist/coordinator.html",
    Role.ADMINISTRATOR: "worklist/administrator.html",
}


@requires(WORKLIST_VIEW)
def start(request: StaffRequest) -> HttpResponse:
    page = selectors.start_page(user=request.user)
    return render(
        request,
        TEMPLATES[page.role],
        {"page": page, "status_rules": selectors.status_rules_in_words()},
    )
