"""Email confirmed subscribers about new stories, engagements and results for their places.

Run it on a schedule (for example hourly from cron). Each subscriber gets at
most one email per run; no one hears about the same item twice.
"""

from django.core.management.base import BaseCommand

from engagement.conversation.alerts import send_alerts


class Command(BaseCommand):
    help = "Send place alert emails: one per subscriber per run, never the same item twice."

    def handle(self, *args, **options):
        def progress(done, total):
            if options["verbosity"] >= 2 or done == total or done % 100 == 0:
                self.stdout.write(f"  sent {done} of {total}")

        result = send_alerts(progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.items} new item(s); {result.messages} email(s) sent; "
                f"{result.skipped} subscriber(s) skipped (sent by another run or failed)."
            )
        )
