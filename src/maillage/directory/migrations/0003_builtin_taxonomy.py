from django.db import migrations


def load(apps, schema_editor):
    from maillage.directory.taxonomy import load_builtin_taxonomy

    load_builtin_taxonomy(apps)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_search_index")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
