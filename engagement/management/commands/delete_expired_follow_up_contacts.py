"""Delete follow-up emails whose retention period has ended. Run it daily (cron)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from engagement.models import FollowUpContact


class Command(BaseCommand):
    help = "Delete follow-up contacts past their delete-after date."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, but delete nothing.")

    def handle(self, *args, dry_run=False, **options):
        expired = FollowUpContact.objects.filter(delete_after__lte=timezone.localdate())
        total = expired.count()
        if dry_run:
            self.stdout.write(f"{total} follow-up contacts are past their delete-after date.")
            return
        deleted = 0
        # In batches, so a large backlog shows progress and never holds one huge lock.
        while True:
            batch = list(expired.values_list("pk", flat=True)[:500])
            if not batch:
                break
            deleted += FollowUpContact.objects.filter(pk__in=batch).delete()[0]
            self.stdout.write(f"Deleted {deleted} of {total}")
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} expired follow-up contacts."))
