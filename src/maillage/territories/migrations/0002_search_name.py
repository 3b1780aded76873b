from django.db import migrations, models

from maillage.core.text import fold


def fold_names(apps, schema_editor) -> None:
    Territory = apps.get_model("territories", "Territory")
    territories = list(Territory.objects.only("id", "name"))
    for territory in territories:
        territory.search_name = fold(territory.name)
    Territory.objects.bulk_update(territories, ["search_name"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="territory",
            name="search_name",
            field=models.CharField(
                db_index=True, default="", editable=False, max_length=150, verbose_name="name for search"
            ),
        ),
        migrations.RunPython(fold_names, migrations.RunPython.noop),
    ]
