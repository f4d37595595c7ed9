from django.db import migrations

KEY_STAGES = ["ks1", "ks2", "ks3", "ks4", "ks5", "adult"]


def create_key_stages(apps, schema_editor):
    KeyStage = apps.get_model("schools", "KeyStage")
    for position, code in enumerate(KEY_STAGES):
        KeyStage.objects.get_or_create(code=code, defaults={"sort_order": position})


class Migration(migrations.Migration):
    dependencies = [("schools", "0001_initial")]

    operations = [migrations.RunPython(create_key_stages, migrations.RunPython.noop)]
