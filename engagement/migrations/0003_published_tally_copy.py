"""Tallies keep the figures the public sees apart from the live counts.

Existing tallies start with their current counts published, as they were
shown until now; from here on the copy moves in steps of the minimum.
"""

from django.db import migrations, models
from django.db.models import F

SCORES = range(1, 8)


def publish_current_counts(apps, schema_editor):
    RoundTally = apps.get_model("engagement", "RoundTally")
    ThemeTally = apps.get_model("engagement", "ThemeTally")
    RoundTally.objects.update(
        published_responses=F("responses"), published_participants=F("participants")
    )
    ThemeTally.objects.update(
        published_comments=F("comments"),
        **{f"published_score_{s}": F(f"score_{s}") for s in SCORES},
    )


def counter():
    return models.PositiveIntegerField(default=0)


class Migration(migrations.Migration):
    dependencies = [("engagement", "0002_place_insight")]

    operations = [
        migrations.AddField("roundtally", "published_responses", counter()),
        migrations.AddField("roundtally", "published_participants", counter()),
        migrations.AddField("roundtally", "unpublished_changes", counter()),
        *[migrations.AddField("themetally", f"published_score_{s}", counter()) for s in SCORES],
        migrations.AddField("themetally", "published_comments", counter()),
        migrations.AddField("themetally", "unpublished_changes", counter()),
        migrations.RunPython(publish_current_counts, migrations.RunPython.noop, elidable=True),
    ]
