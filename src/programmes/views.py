"""Programme, cohort and session views (thin: form → service/selector → template)."""

from django.http import HttpResponse

from accounts.permissions import PROGRAMMES_VIEW, StaffRequest, requires


@requires(PROGRAMMES_VIEW)
def programme_list(request: StaffRequest) -> HttpResponse:
    return HttpResponse("")  # placeholder until the programme pages land
