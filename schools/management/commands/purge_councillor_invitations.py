"""Delete councillor invitations older than the retention period (run daily from cron)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from schools.models import CouncillorInvitation, invitation_retention_days


class Command(BaseCommand):
    help = "Delete councillor invitations older than SCHOOLS_INVITATION_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Override the retention period in days (default: the setting, 365).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be deleted only."
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        days = invitation_retention_days() if days is None else days
        if days < 0:
            raise CommandError("--days must be zero or more.")
        cutoff = timezone.now() - datetime.timedelta(days=days)
        expired = CouncillorInvitation.objects.filter(created_at__lt=cutoff)
        count = expired.count()
        if dry_run:
            self.stdout.write(f"{count} invitation(s) older than {days} days would be deleted.")
            return
        expired.delete()
        self.stdout.write(f"Deleted {count} invitation(s) older than {days} days.")
