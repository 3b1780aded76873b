from django.db import migrations, models

from maillage.core.text import fold


def fold_localities(apps, schema_editor) -> None:
    PostalCode = apps.get_model("territories", "PostalCode")
    postcodes = list(PostalCode.objects.only("id", "locality"))
    for postcode in postcodes:
        postcode.search_locality = fold(postcode.locality)
    PostalCode.objects.bulk_update(postcodes, ["search_locality"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0002_search_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="postalcode",
            name="search_locality",
            field=models.CharField(
                db_index=True, default="", editable=False, max_length=150, verbose_name="locality for search"
            ),
        ),
        migrations.RunPython(fold_localities, migrations.RunPython.noop),
    ]
