"""Delete personal data past its retention period.

- Story submitters' names and emails (the story itself stays):
  CONVERSATION_SUBMISSION_RETENTION_DAYS, default 365. A photo still waiting
  for a moderator goes with them, and so does the published copy of a story
  that is not live (engagement.conversation.story_photos, on the record's deletion).
- Alert sign-ups never confirmed: CONVERSATION_UNCONFIRMED_RETENTION_DAYS, default 30.
- Addresses with no active subscription left (everything unsubscribed or
  unconfirmed): deleted with their consent records after the same periods.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from engagement.conversation.models import StorySubmission, Subscriber, Subscription, retention_days


class Command(BaseCommand):
    help = "Delete story submitters' details and stale alert sign-ups past their retention."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args, **options):
        now = timezone.now()
        submission_days = retention_days("CONVERSATION_SUBMISSION_RETENTION_DAYS", 365)
        unconfirmed_days = retention_days("CONVERSATION_UNCONFIRMED_RETENTION_DAYS", 30)
        if submission_days < 0 or unconfirmed_days < 0:
            raise CommandError("Retention periods must be zero or more days.")
        submissions = StorySubmission.objects.filter(
            submitted_at__lt=now - datetime.timedelta(days=submission_days)
        )
        cutoff = now - datetime.timedelta(days=unconfirmed_days)
        stale = Subscription.objects.filter(
            Q(confirmed_at__isnull=True, created_at__lt=cutoff) | Q(unsubscribed_at__lt=cutoff)
        )
        counts = (submissions.count(), stale.count())
        self.stdout.write(
            f"{counts[0]} story submission record(s) and {counts[1]} stale alert sign-up(s) "
            "past retention."
        )
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing deleted.")
            return
        with transaction.atomic():
            submissions.delete()
            stale.delete()
            orphans = Subscriber.objects.filter(subscriptions__isnull=True)
            removed = orphans.count()
            orphans.delete()
        self.stdout.write(
            self.style.SUCCESS(f"Deleted them, and {removed} address(es) with nothing left.")
        )
