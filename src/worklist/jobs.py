"""The daily reminder: each staff member with items that need attention gets one e-mail a day.

The e-mail names no family, person or meeting: it says how many items of each kind need
attention ("2 avstämningar där familjen behöver stöd") and links to the start page, where
the staff member logs in to see them. It is built inside one municipality's scope from that
municipality's items and sent only to that municipality's staff, so it can never mention
another municipality's families. ``DailyReminder`` (unique per staff member and day) is
written in the same transaction that queues the e-mail: a second run the same day, or a
retried job, sends nothing twice.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from geo.models import Municipality
from jobs.services import email_send_later
from kernel.links import absolute_url
from register.models import Assignment
from tenancy.scope import for_each_municipality
from worklist.models import DailyReminder
from worklist.selectors import ATTENTION_KINDS, Kind, WorkItem, work_items

# The e-mail goes out in Swedish, whatever language the staff member's browser uses.
MAIL_LANGUAGE = "sv"


def reminders_send_daily(*, today: str | None = None) -> int:
    """Runs once a day (django-q2 schedule): queue one reminder e-mail to every staff member
    with items that need attention; returns how many were queued. Safe to run twice."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    # Every municipality with a register, each inside its own scope in turn.
    sent = for_each_municipality(
        lambda: Assignment.objects.order_by(), lambda code: _remind_municipality(code, day)
    )
    return sum(sent.values())


def _count_lines(items: list[WorkItem]) -> list[str]:
    """One line per kind: "Avstämningar där familjen behöver stöd: 2", or for a kind that is
    listed because it is overdue, "Försenat – introduktionsmöten att registrera: 1"."""
    counts = Counter(item.kind for item in items)
    lines = []
    for kind in Kind:
        if not counts[kind.value]:
            continue
        label = str(kind.label)
        if kind not in ATTENTION_KINDS:
            label = _("Overdue – %(what)s") % {"what": label[:1].lower() + label[1:]}
        lines.append(f"{label}: {counts[kind.value]}")
    return lines


def _remind_municipality(code: str, day: datetime.date) -> int:
    """Inside ``code``'s scope: group its items that need attention by responsible staff
    member and remind each once; unit managers also hear about the unassigned ones."""
    attention: dict[int | None, list[WorkItem]] = defaultdict(list)
    for item in work_items(municipality_id=code, today=day):
        if item.needs_attention:
            attention[item.responsible_id].append(item)
    if not attention:
        return 0
    municipality = Municipality.objects.get(code=code)
    staff = User.objects.filter(municipality_id=code, is_active=True).exclude(email="").order_by("pk")
    sent = 0
    for user in staff:
        own = attention.get(user.pk, [])
        unassigned = attention.get(None, []) if user.role == Role.UNIT_MANAGER else []
        if (own or unassigned) and _remind(user, municipality, day, own, unassigned):
            sent += 1
    return sent


def _remind(
    user: User,
    municipality: Municipality,
    day: datetime.date,
    own: list[WorkItem],
    unassigned: list[WorkItem],
) -> bool:
    counts = {**Counter(item.kind for item in own), **{"unassigned": len(unassigned)}}
    try:
        with transaction.atomic():
            _reminder, created = DailyReminder.objects.get_or_create(
                user=user, day=day, defaults={"municipality_id": municipality.code, "counts": counts}
            )
            if not created:
                return False  # already reminded today
            with translation.override(MAIL_LANGUAGE):
                total = len(own) + len(unassigned)
                context = {
                    "own": _count_lines(own),
                    "unassigned": _count_lines(unassigned),
                    "link": absolute_url("worklist:start"),
                    "municipality": municipality.name,
                }
                subject = ngettext(
                    "bollplank: %(n)s item needs your attention",
                    "bollplank: %(n)s items need your attention",
                    total,
                ) % {"n": total}
                body = render_to_string("worklist/email/reminder.txt", context)
            email_send_later(to=[user.email], subject=subject, body=body)
    except IntegrityError:
        return False  # a concurrent run reminded this person first
    return True
