"""Rebuild every place insight tally from the stored responses.

Tallies follow responses as they are stored, marked as spam or deleted. Run
this after changing responses outside the ORM (raw SQL, a bulk update, a
restore from backup); it is safe to run at any time.
"""

from django.core.management.base import BaseCommand

from engagement.insight import recount_all


class Command(BaseCommand):
    help = "Recount the place insight tallies of every place and round from their responses."

    def handle(self, *args, **options):
        def progress(number, total, place_id, round_number):
            self.stdout.write(
                f"[{number}/{total}] recounted place {place_id}, round {round_number}"
            )

        total = recount_all(progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Recounted {total} place rounds."))
