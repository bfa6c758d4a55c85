"""A test-only URLconf: a view that queues an e-mail the way a real service will."""

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path

from accounts.permissions import public
from jobs.services import email_send_later


@public
def queue_email(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        email_send_later(to=["anna.andersson@example.se"], subject="Welcome", body="Hello Anna")
    return HttpResponse(status=204)


urlpatterns = [path("queue-email/", queue_email, name="queue_email")]
