"""Demo content for councillors: the index page, councillors and the postcode lookup.

Uses the same imports an administrator would (import_councillors and
import_postcodes) on the sample files in councillor_pages/data/. Two
councillors are the portfolio holders the council plan names; everyone else
is a clearly marked example. Idempotent: the index is found by its slug,
councillors by the slug of their name, postcodes by postcode.
"""

from pathlib import Path

from councillor_pages.importers import import_councillors, import_postcodes
from councillor_pages.models import CouncillorIndexPage, CouncillorSurgery
from home.models import HomePage

DATA = Path(__file__).resolve().parent / "data"
INDEX_SLUG = "councillors"
INDEX_TITLE = "Your councillors"
INDEX_INTRO = (
    "Councillors are elected to speak up for the people in their ward. Find yours by "
    "postcode, by ward or by the place you live, then meet them at a surgery or send them "
    "a message."
)


def _ensure_index(step):
    from home.demo_tools import ensure_draft, ensure_main_menu_item, publish

    home = HomePage.objects.first()
    if home is None:
        step("Councillors: no home page yet, skipped")
        return None
    index, created = ensure_draft(
        home, CouncillorIndexPage, INDEX_SLUG, title=INDEX_TITLE, introduction=INDEX_INTRO
    )
    if created:
        publish(index)
        ensure_main_menu_item(index)
    step(f"Councillor index page {'created' if created else 'already there'}")
    return index


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
    index = _ensure_index(step)
    if index is None:
        return
    with (DATA / "sample-councillors.csv").open(newline="", encoding="utf-8") as handle:
        imported = import_councillors(handle, index, on_create=_example_surgery)
    if imported.errors:
        raise RuntimeError("; ".join(str(error) for error in imported.errors))
    step(
        f"Councillors: {len(imported.created)} created, {len(imported.updated)} updated, "
        f"{len(imported.unchanged)} unchanged"
    )
