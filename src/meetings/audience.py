"""Who is invited to a network meeting.

A series invites either everyone holding an open assignment of some types in some
municipalities (the organiser's own, and municipalities that share a region with
it), or, for a constellation, the members of one hub family and its satellite
families. The persons of each municipality are read inside that municipality's
scope, one municipality at a time, so one query never reads two registers.

Persons with protected identity are invited like everyone else: their e-mail
address is read only by the job that sends their invitation and is never shown.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from geo.models import Municipality
from meetings.models import Invitation, Series
from register.domain import AssignmentStatus
from register.models import Person

# Assignments whose holders are invited: approved homes, and those caring for a
# child now or taking a break (a paused family still belongs to the network).
INVITED_STATUSES = (AssignmentStatus.APPROVED, AssignmentStatus.ACTIVE, AssignmentStatus.PAUSED)
MAX_SATELLITES = 12


def partner_municipality_ids(*, municipality_id: str) -> set[str]:
    """Municipalities sharing a region (a cooperation) with this one, itself excluded."""
    return set(
        Municipality.objects.filter(regions__municipalities__code=municipality_id)
        .exclude(code=municipality_id)
        .values_list("code", flat=True)
        .distinct()
    )


def audience_municipality_choices(*, municipality_id: str) -> QuerySet[Municipality]:
    """The municipalities a series of this municipality may invite: its own and its region partners."""
    allowed = {municipality_id, *partner_municipality_ids(municipality_id=municipality_id)}
    return Municipality.objects.filter(code__in=allowed).order_by("short_name")


def series_audience_municipality_ids(series: Series) -> list[str]:
    """The municipalities whose persons a series invites, the organiser's first."""
    if series.is_constellation:
        return [series.municipality_id]
    codes = set(series.audience_municipalities.values_list("code", flat=True))
    ordered = [series.municipality_id] if series.municipality_id in codes else []
    return ordered + sorted(codes - {series.municipality_id})


def series_reach_municipality_ids(series: Series) -> list[str]:
    """Every municipality that may hold invitations to the series' meetings.

    Invitations belong to the invitees' municipalities. An audience may only name
    the organiser and its region partners, so this set still covers invitations
    made before the audience was narrowed.
    """
    return sorted(
        {
            series.municipality_id,
            *series_audience_municipality_ids(series),
            *partner_municipality_ids(municipality_id=series.municipality_id),
        }
    )


def audience_persons(*, series: Series, municipality_id: str) -> list[Person]:
    """The persons of one municipality that the series invites (call inside that municipality's scope).

    Members of households holding an open assignment of the chosen types, and
    persons holding such an assignment themselves (contact person, guardian,
    user-mentor); for a constellation, the members of the hub and satellite families.
    """
    persons = Person.objects.filter(municipality_id=municipality_id)
    if series.is_constellation:
        household_ids = [series.hub_household_id, *series.satellite_households.values_list("pk", flat=True)]
        persons = persons.filter(household_id__in=household_ids)
    else:
        types = list(series.audience_types)
        if not types:
            return []
        holds = Q(
            household__assignments__type__in=types,
            household__assignments__status__in=INVITED_STATUSES,
        ) | Q(assignments__type__in=types, assignments__status__in=INVITED_STATUSES)
        ids = persons.filter(holds).values("pk")
        persons = Person.objects.filter(municipality_id=municipality_id, pk__in=ids)
    return list(persons.select_related("household").order_by("last_name", "first_name", "id"))


def invitee_email(*, person: Person, household_email: str = "") -> str:
    """Where the invitation goes: the person's own address, else the household's."""
    return person.email or household_email


def invitation_email(invitation: Invitation) -> str:
    """The address the invitee's e-mail goes to ("" when none); read by jobs, never shown."""
    household = invitation.household
    return invitee_email(person=invitation.person, household_email=household.email if household else "")
