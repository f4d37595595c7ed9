"""Demo content for councillors: the index page, councillors and the postcode lookup.

The index page is in councillor_pages/demo_content.toml. Councillors and
postcodes come from the sample files in councillor_pages/data/, through the
same imports an administrator would use (import_councillors and
import_postcodes). Two councillors are the portfolio holders the council plan
names; everyone else is a clearly marked example. Idempotent: the index is
found by its slug, councillors by the slug of their name, postcodes by postcode.
"""

from pathlib import Path

from councillor_pages.importers import import_councillors, import_postcodes
from councillor_pages.models import CouncillorSurgery
from home import demo_loader

DATA = Path(__file__).resolve().parent / "data"
INDEX_SLUG = "councillors"


def _example_surgery(page, row):
    """Give each new example councillor one example surgery (before it is published)."""
    if not row.name.endswith(" Example"):
        return
    ward = row.ward.name if row.ward else "the ward"
    page.surgeries = [
        CouncillorSurgery(
            sort_order=0,
            when="First Saturday of every month, 10am to 12 noon (example)",
            where=f"{ward} community library (an example venue)",
            how_to_book="No need to book: drop in.",
            accessibility="Step-free entrance, hearing loop and an accessible toilet.",
        )
    ]


def load(step):
    result = import_postcodes(DATA / "sample-postcodes.csv")
    step(
        f"Sample postcode lookup: {result.imported} imported, {result.skipped} skipped, "
        f"{len(result.rejected)} rejected"
    )
    pages = demo_loader.load(__file__, step)
    if INDEX_SLUG not in pages:
        return
    with (DATA / "sample-councillors.csv").open(newline="", encoding="utf-8") as handle:
        imported = import_councillors(handle, pages[INDEX_SLUG][0], on_create=_example_surgery)
    if imported.errors:
        raise RuntimeError("; ".join(str(error) for error in imported.errors))
    step(
        f"Councillors: {len(imported.created)} created, {len(imported.updated)} updated, "
        f"{len(imported.unchanged)} unchanged"
    )
