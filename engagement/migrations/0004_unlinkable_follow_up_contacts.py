"""Follow-up contacts that nothing can pair with the answers they came with.

Sequential ids lined up with the responses' ids, and the consent time
matched a response's time to the millisecond. The table is rebuilt with
random ids and no time of its own; contacts already kept move across, each
engagement's contacts all taking the earliest delete-after date among them
(never later than anyone was promised, and the same for everyone).
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models


def move_contacts(apps, schema_editor):
    Old = apps.get_model("engagement", "FollowUpContact")
    New = apps.get_model("engagement", "UnlinkableFollowUpContact")
    earliest = {}
    for form_page_id, delete_after in Old.objects.values_list("form_page_id", "delete_after"):
        earliest[form_page_id] = min(delete_after, earliest.get(form_page_id, delete_after))
    New.objects.bulk_create(
        New(
            form_page_id=form_page_id,
            email=email,
            consent_version=consent_version,
            delete_after=earliest[form_page_id],
        )
        for form_page_id, email, consent_version in Old.objects.order_by(
            "form_page_id", "email"
        ).values_list("form_page_id", "email", "consent_version")
    )


class Migration(migrations.Migration):
    dependencies = [("engagement", "0003_published_tally_copy")]

    operations = [
        migrations.CreateModel(
            name="UnlinkableFollowUpContact",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("email", models.EmailField(max_length=254)),
                ("consent_version", models.CharField(max_length=40)),
                ("delete_after", models.DateField(db_index=True)),
                (
                    "form_page",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="engagement.placestandardformpage",
                    ),
                ),
            ],
            options={"ordering": ["form_page", "email"]},
        ),
        migrations.RunPython(move_contacts, migrations.RunPython.noop),
        migrations.DeleteModel(name="FollowUpContact"),
        migrations.RenameModel(old_name="UnlinkableFollowUpContact", new_name="FollowUpContact"),
        migrations.AlterField(
            model_name="followupcontact",
            name="form_page",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="follow_up_contacts",
                to="engagement.placestandardformpage",
            ),
        ),
    ]
