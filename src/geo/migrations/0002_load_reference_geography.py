"""Load counties, municipalities and postal codes from geo/data (data migration)."""

from django.db import migrations


def load(apps, schema_editor):
    from geo.loading import read_counties, read_municipalities, read_postal_codes

    County = apps.get_model("geo", "County")
    Municipality = apps.get_model("geo", "Municipality")
    PostalCode = apps.get_model("geo", "PostalCode")
    postal_rows = read_postal_codes()
    County.objects.bulk_create(
        [County(code=c.code, name=c.name, short_name=c.short_name) for c in read_counties()]
    )
    Municipality.objects.bulk_create(
        [
            Municipality(
                code=m.code,
                name=m.name,
                short_name=m.short_name,
                county_id=m.county_code,
                latitude=m.latitude,
                longitude=m.longitude,
            )
            for m in read_municipalities(postal_codes=postal_rows)
        ]
    )
    PostalCode.objects.bulk_create(
        [
            PostalCode(
                code=p.code,
                place=p.place,
                municipality_id=p.municipality_code,
                latitude=p.latitude,
                longitude=p.longitude,
            )
            for p in postal_rows
        ],
        batch_size=2000,
    )


def unload(apps, schema_editor):
    apps.get_model("geo", "PostalCode").objects.all().delete()
    apps.get_model("geo", "Municipality").objects.all().delete()
    apps.get_model("geo", "County").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_geography_tables")]
    operations = [migrations.RunPython(load, unload)]
