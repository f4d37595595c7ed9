"""Email ward councillors about every engagement that is open in their ward.

Run it on a schedule (every few minutes): a form whose opening time has
passed is announced once to each of its wards' councillors; the record of
each notice means later runs send nothing new.
"""

from django.core.management.base import BaseCommand

from councillor_pages.notifications import notify_open_engagements


class Command(BaseCommand):
    help = "Tell ward councillors about open engagements in their ward (once each)."

    def handle(self, *args, **options):
        engagements, summary = notify_open_engagements()
        self.stdout.write(
            f"{engagements} open engagement(s): {summary.sent} email(s) sent, "
            f"{summary.already_sent} already sent, {summary.no_email} councillor(s) without "
            f"an email address, {summary.failed} failed."
        )
