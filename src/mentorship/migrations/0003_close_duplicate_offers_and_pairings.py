"""Before a family may have only one open offer and one open pairing (0004), close the
duplicates that the old code let through (data migration).

Deterministic: per family, the pairing kept is the most advanced (active, then
introduction booked, then proposed), then the earliest proposed, then the lowest id;
the others end with reason "other" and a note saying why. The offer kept is the one
with the kept open pairing, else an accepted one over a pending one, then the
earliest, then the lowest id; the others are marked "withdrawn". Reversing leaves
the rows as they are (nothing to restore: the duplicates were an error).
"""

from collections import defaultdict

from django.db import migrations
from django.utils import timezone

OPEN_PAIRING = ("proposed", "introduction_booked", "active")
PAIRING_RANK = {"active": 0, "introduction_booked": 1, "proposed": 2}
OPEN_OFFER = ("pending", "accepted")
OFFER_RANK = {"accepted": 0, "pending": 1}
PAIRING_NOTE = "Avslutat automatiskt: familjen hade redan ett annat pågående par (dubblett, migrering 0003)."


def close_duplicates(apps, schema_editor):
    # Migrations run outside any municipality scope: the plain managers of the
    # historical models see every municipality's rows, which this clean-up needs.
    Pairing = apps.get_model("mentorship", "Pairing")
    MentorOffer = apps.get_model("mentorship", "MentorOffer")
    today = timezone.localdate()

    pairings = defaultdict(list)
    for pairing in Pairing.objects.filter(status__in=OPEN_PAIRING).order_by("id"):
        pairings[pairing.mentee_household_id].append(pairing)
    kept_offer_ids = set()
    for rows in pairings.values():
        rows.sort(key=lambda p: (PAIRING_RANK[p.status], p.proposed_at, p.id))
        kept_offer_ids.add(rows[0].offer_id)
        for extra in rows[1:]:
            extra.status = "ended"
            extra.ended_on = today
            extra.end_reason = "other"
            extra.end_note = (extra.end_note + "\n" if extra.end_note else "") + PAIRING_NOTE
            extra.version += 1
            extra.save(update_fields=["status", "ended_on", "end_reason", "end_note", "version"])

    offers = defaultdict(list)
    for offer in MentorOffer.objects.filter(answer__in=OPEN_OFFER).order_by("id"):
        offers[offer.household_id].append(offer)
    for rows in offers.values():
        rows.sort(key=lambda o: (o.id not in kept_offer_ids, OFFER_RANK[o.answer], o.offered_at, o.id))
        for extra in rows[1:]:
            extra.answer = "withdrawn"
            extra.version += 1
            extra.save(update_fields=["answer", "version"])


class Migration(migrations.Migration):
    dependencies = [("mentorship", "0002_schedule_daily_survey_job")]
    operations = [migrations.RunPython(close_duplicates, migrations.RunPython.noop)]
