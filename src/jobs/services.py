"""Background jobs and the e-mail outbox: the one mechanism for work that must not run in the request.

Jobs are plain functions named by dotted path and called with JSON-able keyword
arguments by the django-q2 worker (``manage.py qcluster``). The queue lives in the
application's own database (django-q2's ORM broker), so :func:`job_enqueue` writes
the job **inside the caller's transaction**: it commits with the change or not at
all, and a queue that cannot take it fails the change instead of losing the job.
See docs/architecture.md ("Background jobs", "E-mail") for why there is no Redis broker.

Every e-mail goes through the outbox (``jobs.models.OutgoingEmail``):
:func:`email_enqueue` writes it with the change, :func:`email_deliver` claims, sends
and records it, and :func:`outbox_sweep` (every minute) retries what is due and
settles claims whose worker died.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django_q.tasks import async_task  # type: ignore[import-untyped]  # django-q2 ships no type hints

from jobs.hooks import email_changed, email_is_needed
from jobs.mail import ClaimLost, Outcome, Transmission, email_transmit, message_id_for, send_error_line
from jobs.models import CLAIMABLE_STATES, RESENDABLE_STATES, EmailState, OutgoingEmail
from tenancy.scope import for_each_municipality, municipality_scope, scoped_municipality_codes

logger = logging.getLogger(__name__)

EMAIL_DELIVER = "jobs.tasks.email_deliver"

# django_q.models.Task.name is a CharField(max_length=100).
_NAME_MAX_LENGTH = 100

# async_task() takes these keywords as its own options instead of passing them on to
# the function, so a job argument with one of these names would silently vanish.
_RESERVED_KWARGS = frozenset(
    {
        "task_name",
        "q_options",
        "hook",
        "group",
        "save",
        "sync",
        "cached",
        "ack_failure",
        "iter_count",
        "iter_cached",
        "chain",
        "broker",
        "cluster",
        "timeout",
    }
)


def _job_name(*, func: str) -> str:
    short = func.rsplit(".", 1)[-1]
    return f"{short[: _NAME_MAX_LENGTH - 13]}-{uuid.uuid4().hex[:12]}"


def job_enqueue(*, func: str, kwargs: dict[str, Any], name: str | None = None) -> str:
    """Queue ``func(**kwargs)`` in the current transaction: it exists if and only if the change commits.

    Returns the job's name, which the administrator page and ``django_q.models.Task``
    show. A worker sees the job only after the commit, so it never runs inside the
    request. If the queue refuses the job, this raises and the caller's transaction
    rolls back: the user is told it failed, never that it is on its way.
    """
    if "." not in func:
        raise ValueError(f"A job is named by its dotted path, got {func!r}.")
    # Fail in the caller, not in the worker: the broker stores a signed pickle, but
    # keeping arguments JSON-able keeps the job readable and portable.
    json.dumps(kwargs)
    reserved = _RESERVED_KWARGS.intersection(kwargs)
    if reserved:
        raise ValueError(f"Job arguments may not be named {sorted(reserved)}: django-q2 reserves them.")
    job_name = name or _job_name(func=func)
    if len(job_name) > _NAME_MAX_LENGTH:
        raise ValueError(f"A job name has at most {_NAME_MAX_LENGTH} characters.")
    # A savepoint: a refused insert must not leave the caller's transaction unusable
    # for its own error handling; the exception still reaches the caller.
    with transaction.atomic():
        async_task(func, task_name=job_name, **kwargs)
    logger.info("Queued job %s (%s)", job_name, func)
    return job_name


# The outbox ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    name: str
    content: str
    mimetype: str


def _retry_period() -> timedelta:
    return timedelta(hours=float(settings.EMAIL_RETRY_HOURS))


def _claim_window() -> timedelta:
    # Long enough to connect, log in, MAIL, RCPT and DATA, each bounded by EMAIL_TIMEOUT.
    return timedelta(seconds=6 * float(settings.EMAIL_TIMEOUT or 20) + 30)


def _retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, … minutes after each failed attempt, at most EMAIL_RETRY_MAX_MINUTES, ±20 %."""
    minutes = min(2 ** max(attempts - 1, 0), float(settings.EMAIL_RETRY_MAX_MINUTES))
    return timedelta(minutes=minutes * random.uniform(0.8, 1.2))  # noqa: S311  # jitter, not secrecy


def _rows(municipality_id: str | None) -> models.Manager[Any]:
    """The outbox rows visible here: the scoped manager, or the rows that belong to no municipality."""
    return OutgoingEmail.objects if municipality_id else OutgoingEmail.ownerless


@contextlib.contextmanager
def _scope_of(municipality_id: str | None) -> Iterator[None]:
    if municipality_id:
        with municipality_scope(municipality_id):
            yield
    else:
        yield


def _current_municipality() -> str | None:
    """The one municipality in scope, if exactly one is."""
    try:
        codes = scoped_municipality_codes()
    except RuntimeError:
        return None
    return next(iter(codes)) if codes and len(codes) == 1 else None


def email_enqueue(
    *,
    key: str,
    to: str,
    subject: str,
    body: str,
    html_body: str = "",
    attachments: Sequence[Attachment] = (),
    municipality_id: str | None = None,
    about: models.Model | None = None,
    requested_by_id: int | None = None,
    wake: bool = True,
) -> OutgoingEmail | None:
    """Put one e-mail in the outbox in the current transaction and wake a worker for it.

    Idempotent per ``key``: a key already in the outbox queues nothing and returns
    None, so a job that runs twice or a daily run that meets the same record again
    sends once. The message belongs to ``municipality_id`` (default: the one
    municipality in scope; none for an account without one). ``wake=False`` is for a
    job that calls :func:`email_deliver` itself once this commits; the every-minute
    sweep sends the message anyway if it does not get that far.
    """
    if not to or "@" not in to:
        raise ValueError("An e-mail needs one recipient address.")
    if len(key) > 200:
        raise ValueError("An outbox key has at most 200 characters.")
    municipality_id = municipality_id or _current_municipality()
    now = timezone.now()
    message = OutgoingEmail(
        municipality_id=municipality_id,
        key=key,
        to=to,
        subject=" ".join(subject.split())[:300],
        body=body,
        html_body=html_body or "",
        attachments=[{"name": a.name, "content": a.content, "mimetype": a.mimetype} for a in attachments],
        about_type=about._meta.label if about is not None else "",
        about_id=about.pk if about is not None else None,
        requested_by_id=requested_by_id,
        created_at=now,
        next_attempt_at=now,
        retry_until=now + _retry_period(),
    )
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        return None  # this message is in the outbox already
    with _scope_of(municipality_id):
        email_changed(message)
    if wake:
        job_enqueue(func=EMAIL_DELIVER, kwargs={"message_id": message.pk, "municipality_id": municipality_id})
    return message


def email_send_later(
    *,
    to: list[str],
    subject: str,
    body: str,
    html_body: str | None = None,
    key: str | None = None,
    municipality_id: str | None = None,
) -> list[OutgoingEmail]:
    """Send an e-mail from the worker, once, if the current transaction commits: one outbox row per recipient.

    Give ``key`` when the same e-mail may be asked for twice (a daily run, a retried
    job) and should go out once; without it every call is a new message.
    """
    if not to:
        raise ValueError("An e-mail needs at least one recipient.")
    base = key or f"mail:{uuid.uuid4().hex}"
    queued = []
    for index, address in enumerate(to):
        message = email_enqueue(
            key=base if len(to) == 1 else f"{base}:{index}",
            to=address,
            subject=subject,
            body=body,
            html_body=html_body or "",
            municipality_id=municipality_id,
        )
        if message is not None:
            queued.append(message)
    return queued


def _build(message: OutgoingEmail) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        to=[message.to],
        headers={"Message-ID": message_id_for(message.key)},
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["name"], attachment["content"], attachment["mimetype"])
    return email


def _log_entry(outcome: str, error: str = "") -> dict[str, str]:
    return {"at": timezone.now().isoformat(), "outcome": outcome, "error": error}


def _settle(
    *, municipality_id: str | None, message: OutgoingEmail, token: uuid.UUID, values: dict[str, Any]
) -> bool:
    """Write the outcome of a claimed attempt (and the owning record's columns) in one transaction.

    Only while the claim is still this worker's. A database connection cut here (the
    server may already have the message) is reopened and the short write tried again a
    few times; if it never gets through, the claim runs out and the sweeper marks the
    message "may have been sent".
    """
    for attempt in range(5):
        try:
            with transaction.atomic():
                rows = _rows(municipality_id)
                if not rows.filter(pk=message.pk, claim_token=token).update(**values):
                    return False
                fresh = rows.get(pk=message.pk)
                email_changed(fresh)
            return True
        except DatabaseError:
            logger.warning(
                "Outbox: could not record e-mail %s (try %s); reconnecting", message.pk, attempt + 1
            )
            if connection.in_atomic_block:
                raise
            with contextlib.suppress(DatabaseError):  # already gone: the next query opens a new one
                connection.close()
            time.sleep(min(0.2 * 2**attempt, 2.0))
    return False


def _outcome_values(message: OutgoingEmail, sent: Transmission) -> dict[str, Any]:
    now = timezone.now()
    log = [*message.attempt_log, _log_entry(sent.outcome.value, sent.error)]
    values: dict[str, Any] = {"attempt_log": log, "claimed_until": None}
    if sent.outcome is Outcome.SENT:
        return {**values, "state": EmailState.SENT, "sent_at": now, "last_error": ""}
    values["last_error"] = sent.error
    if sent.outcome is Outcome.MAYBE:
        return {**values, "state": EmailState.UNCERTAIN}
    if sent.outcome is Outcome.REFUSED:
        return {**values, "state": EmailState.GAVE_UP}
    next_attempt = now + _retry_delay(message.attempts)
    if message.retry_until is not None and next_attempt > message.retry_until:
        return {**values, "state": EmailState.GAVE_UP}
    return {**values, "state": EmailState.FAILED, "next_attempt_at": next_attempt}


def email_deliver(*, message_id: int, municipality_id: str | None) -> str:
    """Send one outbox message if it is due and nobody else has it; returns its state afterwards.

    At most once: one conditional UPDATE claims the row (queued or failed, due → sending),
    so two workers never both send it. What the server answered is recorded with the
    attempt; a message the server may have taken is never sent again automatically.
    """
    with _scope_of(municipality_id):
        rows = _rows(municipality_id)
        now = timezone.now()
        token = uuid.uuid4()
        claimed = rows.filter(pk=message_id, state__in=CLAIMABLE_STATES, next_attempt_at__lte=now).update(
            state=EmailState.SENDING,
            claim_token=token,
            claimed_until=now + _claim_window(),
            data_sent_at=None,
            attempts=F("attempts") + 1,
        )
        if not claimed:
            current = rows.filter(pk=message_id).values_list("state", flat=True).first()
            return str(current or "gone")
        message = rows.get(pk=message_id)
        if not email_is_needed(message):
            _settle(
                municipality_id=municipality_id,
                message=message,
                token=token,
                values={
                    "state": EmailState.CANCELLED,
                    "claimed_until": None,
                    "attempt_log": [*message.attempt_log, _log_entry("not_needed")],
                },
            )
            return EmailState.CANCELLED

        def before_data() -> None:
            # The point of no return: only a worker whose claim still holds may hand the
            # message over, and the row says so before it does.
            moment = timezone.now()
            if not rows.filter(
                pk=message_id, claim_token=token, state=EmailState.SENDING, claimed_until__gt=moment
            ).update(data_sent_at=moment):
                raise ClaimLost("The claim on this e-mail ran out before it was sent.")

        try:
            email = _build(message)
        except (ValueError, TypeError, KeyError) as error:
            sent = Transmission(Outcome.NOT_SENT, send_error_line(error))
        else:
            sent = email_transmit(email, before_data=before_data)
        if sent.outcome is not Outcome.SENT:
            logger.warning("Outbox: e-mail %s %s: %s", message_id, sent.outcome.value, sent.error)
        _settle(
            municipality_id=municipality_id,
            message=message,
            token=token,
            values=_outcome_values(message, sent),
        )
        return str(rows.filter(pk=message_id).values_list("state", flat=True).first() or "gone")


def _expire_claims(rows: models.Manager[Any]) -> int:
    """Settle claims whose worker died or hung: not handed over → try again; handed over → uncertain."""
    now = timezone.now()
    settled = 0
    for message in rows.filter(state=EmailState.SENDING, claimed_until__lt=now):
        handed_over = message.data_sent_at is not None
        values: dict[str, Any] = {
            "claimed_until": None,
            "attempt_log": [
                *message.attempt_log,
                _log_entry("interrupted_after_data" if handed_over else "interrupted_before_data"),
            ],
        }
        if handed_over:
            values |= {
                "state": EmailState.UNCERTAIN,
                "last_error": "The worker stopped after handing it over.",
            }
        else:
            values |= {"state": EmailState.FAILED, "next_attempt_at": now}
        with transaction.atomic():
            # Guarded by the claim token: a worker that records its own outcome first wins.
            if rows.filter(pk=message.pk, claim_token=message.claim_token, state=EmailState.SENDING).update(
                **values
            ):
                email_changed(rows.get(pk=message.pk))
                settled += 1
    return settled


def _sweep_rows(municipality_id: str | None, *, deadline: float) -> dict[str, int]:
    rows = _rows(municipality_id)
    done = {"settled": _expire_claims(rows), "sent": 0, "not_sent": 0}
    due = rows.filter(state__in=CLAIMABLE_STATES, next_attempt_at__lte=timezone.now())
    for message_id in due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:500]:
        if time.monotonic() > deadline:
            break
        state = email_deliver(message_id=message_id, municipality_id=municipality_id)
        done["sent" if state == EmailState.SENT else "not_sent"] += 1
    return done


def outbox_sweep() -> dict[str, int]:
    """Runs every minute: settles stale claims and sends every message that is due, per municipality.

    Also what makes a lost wake-up job harmless: whatever is due is sent here.
    Stops claiming new messages after ``OUTBOX_SWEEP_SECONDS`` so it ends within the
    job timeout.
    """
    deadline = time.monotonic() + float(settings.OUTBOX_SWEEP_SECONDS)
    totals = {"settled": 0, "sent": 0, "not_sent": 0}

    def sweep(code: str | None) -> None:
        for name, count in _sweep_rows(code, deadline=deadline).items():
            totals[name] += count

    sweep(None)
    now = timezone.now()
    for_each_municipality(
        lambda: OutgoingEmail.objects.filter(
            models.Q(state__in=CLAIMABLE_STATES, next_attempt_at__lte=now)
            | models.Q(state=EmailState.SENDING, claimed_until__lt=now)
        ),
        sweep,
    )
    return totals


def email_resend(*, message: OutgoingEmail, requested_by_id: int | None) -> OutgoingEmail:
    """Queue a message that failed, may have been sent, or was sent, once more (a person decided so).

    The caller checks the permission and writes the change history. Same key, same
    Message-ID: a mail program that got both copies shows one.
    """
    if message.state not in RESENDABLE_STATES:
        raise ValueError("Only a sent, failed or possibly sent e-mail can be sent again.")
    now = timezone.now()
    rows = _rows(message.municipality_id)
    updated = rows.filter(pk=message.pk, state=message.state).update(
        state=EmailState.QUEUED,
        next_attempt_at=now,
        retry_until=now + _retry_period(),
        claim_token=None,
        claimed_until=None,
        data_sent_at=None,
        resend_count=F("resend_count") + 1,
        requested_by_id=requested_by_id or message.requested_by_id,
        attempt_log=[*message.attempt_log, _log_entry("resend_requested")],
    )
    if not updated:
        raise ValueError("The e-mail changed meanwhile; reload the page.")
    fresh: OutgoingEmail = rows.get(pk=message.pk)
    email_changed(fresh)
    job_enqueue(func=EMAIL_DELIVER, kwargs={"message_id": fresh.pk, "municipality_id": fresh.municipality_id})
    return fresh
