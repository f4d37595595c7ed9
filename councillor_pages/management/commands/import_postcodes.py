"""Import the postcode-to-ward lookup from a national statistics CSV file.

    manage.py import_postcodes path/to/NSPL.csv [--postcode-column pcds] [--ward-column wd24cd]

Safe to run again with the same or a newer file: unchanged rows are skipped,
moved postcodes are updated. Every rejected line is listed with its number.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from councillor_pages.importers import ImportFileError, import_postcodes

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Import postcodes and their wards from a national statistics CSV (postcode, ward code)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--postcode-column", default="", help="Default: found by name.")
        parser.add_argument("--ward-column", default="", help="Default: found by name.")
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not draw the progress bar."
        )

    def handle(self, *args, path, postcode_column, ward_column, no_progress, **options):
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        interactive = self.stdout.isatty() if hasattr(self.stdout, "isatty") else False
        last_step = {"value": -1}

        def progress(done: int, total: int) -> None:
            if no_progress:
                return
            fraction = min(done / total, 1.0) if total else 1.0
            step = int(fraction * 20)  # a line every 5% when not drawing in place
            if not interactive and step == last_step["value"]:
                return
            last_step["value"] = step
            filled = int(fraction * BAR_WIDTH)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            text = f"[{bar}] {fraction:>4.0%} {done:,}/{total:,} rows"
            if interactive:
                self.stdout.write(f"\r{text}", ending="")
                self.stdout.flush()
            else:
                self.stdout.write(text)

        try:
            result = import_postcodes(
                path,
                postcode_column=postcode_column,
                ward_column=ward_column,
                progress=progress,
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        if interactive and not no_progress:
            self.stdout.write("")
        for rejection in result.rejected:
            self.stderr.write(f"Line {rejection.line}: rejected, {rejection.reason}")
        self.stdout.write(
            f"Read {result.rows:,} rows: {result.imported:,} imported "
            f"({result.created:,} new, {result.updated:,} moved to another ward), "
            f"{result.skipped:,} skipped, {len(result.rejected):,} rejected."
        )
        for reason, count in sorted(result.skip_reasons.items()):
            self.stdout.write(f"  skipped, {reason}: {count:,}")
        if result.rejected:
            self.stdout.write(
                self.style.WARNING(f"{len(result.rejected):,} rejected line(s) listed above.")
            )
        else:
            self.stdout.write(self.style.SUCCESS("No rows rejected."))
        sys.stdout.flush()
