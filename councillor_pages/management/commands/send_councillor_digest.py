"""Send each ward councillor the week's new responses and moderated comments.

Run weekly (e.g. Monday 07:00). The period is the seven days before midnight
at the start of today (or --until), so a re-run the same day finds the
digests already recorded and sends nothing.
"""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from councillor_pages.notifications import digest_period, send_weekly_digests


class Command(BaseCommand):
    help = "Email each councillor a digest of engagement in their ward."

    def add_arguments(self, parser):
        parser.add_argument("--until", default="", help="A date (YYYY-MM-DD); default today.")
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, until, days, **options):
        end = None
        if until:
            try:
                end = timezone.make_aware(datetime.fromisoformat(until))
            except ValueError as error:
                raise CommandError(f"--until {until!r} is not a date like 2026-01-31.") from error
        since, end = digest_period(end, days)
        summary = send_weekly_digests(since, end)
        self.stdout.write(
            f"Digest for {since:%d %B %Y} to {end:%d %B %Y}: {summary.sent} sent, "
            f"{summary.already_sent} already sent, {summary.no_email} without an email "
            f"address, {summary.failed} failed."
        )
