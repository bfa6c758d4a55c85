"""Load counties, municipalities and postal codes from geo/data (data migration)."""

from django.db import migrations


def load(apps, schema_editor):
    from geo.loading import load_reference_geography

    load_reference_geography(
        county_model=apps.get_model("geo", "County"),
        municipality_model=apps.get_model("geo", "Municipality"),
        postal_code_model=apps.get_model("geo", "PostalCode"),
    )


def unload(apps, schema_editor):
    apps.get_model("geo", "PostalCode").objects.all().delete()
    apps.get_model("geo", "Municipality").objects.all().delete()
    apps.get_model("geo", "County").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_geography_tables")]
    operations = [migrations.RunPython(load, unload)]
