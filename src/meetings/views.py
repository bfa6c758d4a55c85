"""Series, meeting, invitation and attendance views (thin: form → service/selector → template)."""

from django.http import HttpResponse

from accounts.permissions import MEETINGS_VIEW, StaffRequest, requires


@requires(MEETINGS_VIEW)
def series_list(request: StaffRequest) -> HttpResponse:
    return HttpResponse("")  # placeholder until the series pages land
