"""The council's staff roles, beside Wagtail's own Editors and Moderators.

Each group gets only what the role needs; only the groups that work with
people (follow-up and data protection) can see personal data
(home.view_personal_data). Administrators can change them in Settings >
Groups; this migration only creates them where they are missing.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACCESS_ADMIN = "wagtailadmin.access_admin"

GROUPS = {
    # Enter paper, phone and group responses; read, moderate and export results.
    "Engagement officers": [
        ACCESS_ADMIN,
        "engagement.add_submission",
        "engagement.view_submission",
        "engagement.change_submission",
        "engagement.export_submission",
        "engagement.moderate_themescore",
        "conversation.view_pagefeedback",
    ],
    # Tell people what happened next: the addresses they gave for it.
    "Follow-up officers": [
        ACCESS_ADMIN,
        "home.view_personal_data",
        "engagement.view_followupcontact",
        "conversation.view_subscriber",
        "conversation.export_subscriber",
    ],
    # Answer access and erasure requests: read and delete every record about a person.
    "Data protection officers": [
        ACCESS_ADMIN,
        "home.view_personal_data",
        "engagement.view_followupcontact",
        "engagement.delete_followupcontact",
        "conversation.view_subscriber",
        "conversation.delete_subscriber",
        "conversation.view_storysubmission",
        "conversation.delete_storysubmission",
        "schools.view_councillorinvitation",
        "schools.delete_councillorinvitation",
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUPS.items():
        group, created = Group.objects.get_or_create(name=name)
        if not created:
            continue
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def relabel_subscriber_log_entries(apps, schema_editor):
    """Audit log labels once held subscribers' addresses (their old `__str__`): drop them."""
    from django.db.models import Value
    from django.db.models.functions import Concat

    ContentType = apps.get_model("contenttypes", "ContentType")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    subscriber = ContentType.objects.filter(app_label="conversation", model="subscriber").first()
    if subscriber is not None:
        ModelLogEntry.objects.filter(content_type=subscriber).update(
            label=Concat(Value("Alert subscriber "), "object_id")
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_personal_data_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0098_apitoken"),
        ("engagement", "0002_place_insight"),
        ("conversation", "0002_body_place_standard_form_block"),
        ("schools", "0003_body_place_standard_form_block"),
    ]

    operations = [
        migrations.RunPython(create_groups, remove_groups),
        migrations.RunPython(relabel_subscriber_log_entries, migrations.RunPython.noop),
    ]
