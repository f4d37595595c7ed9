"""Create or update councillor pages from a CSV file.

    manage.py import_councillors councillors.csv [--photo-dir photos/]

Columns: name, ward_code, party, roles, email, phone, photo (a file name in
--photo-dir), and optionally biography. Roles are separated by semicolons,
each "kind: title" with kind portfolio, committee chair, committee or other,
e.g. "portfolio: Communities; committee: Planning". Safe to run again: rows
that match their page change nothing. Bad rows are listed by row and field
and left out; the others are imported, and the command then exits non-zero.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from councillor_pages.importers import import_councillors
from councillor_pages.models import CouncillorIndexPage


class Command(BaseCommand):
    help = "Create or update councillors from a CSV file (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--photo-dir", type=Path, default=None)
        parser.add_argument(
            "--index",
            type=int,
            default=None,
            help="The id of the councillor index page (default: the only one).",
        )

    def handle(self, *args, path, photo_dir, index, **options):
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        pages = CouncillorIndexPage.objects.all()
        if index is not None:
            pages = pages.filter(pk=index)
        index_page = pages.first()
        if index_page is None:
            raise CommandError("Create a councillor index page first (or give --index).")
        with path.open(newline="", encoding="utf-8-sig") as handle:
            result = import_councillors(handle, index_page, photo_dir=photo_dir)
        for error in result.errors:
            self.stderr.write(str(error))
        self.stdout.write(
            f"{len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged, "
            f"{len({error.row for error in result.errors})} row(s) with errors."
        )
        if result.errors:
            raise CommandError("Some rows were not imported: fix the errors listed above.")
