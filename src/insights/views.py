from django.http import HttpResponse

from accounts.permissions import INSIGHTS_VIEW, StaffRequest, requires


@requires(INSIGHTS_VIEW)
def attendance(request: StaffRequest) -> HttpResponse:
    return HttpResponse("")  # replaced by the attendance overview
