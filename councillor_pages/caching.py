"""What councillor pages renew in the caches when they change.

A councillor published, unpublished, moved to another ward or deleted: the
"Your councillors" section of every place in the ward, before and after.
The councillor index is linked from every place's section. The index and
councillor pages list councillors and wards by their `cache_listings`.
"""

from __future__ import annotations

from wagtail import hooks

from home import fragments
from home.contracts import PAGE_DEPENDENTS, CacheChange, PlacePageSection


@hooks.register(PAGE_DEPENDENTS)
def councillor_dependents(page):
    from councillor_pages.models import CouncillorIndexPage, CouncillorPage
    from places.models import PlacePage

    model = page.specific_class
    if model is not None and issubclass(model, CouncillorPage):
        ward_id = (
            CouncillorPage.objects.filter(pk=page.pk).values_list("ward_id", flat=True).first()
        )
        if ward_id is None:
            return None
        place_ids = PlacePage.objects.filter(wards=ward_id).values_list("pk", flat=True)
        return CacheChange(
            names=frozenset(
                fragments.section_name(PlacePageSection.COUNCILLORS, place_id)
                for place_id in place_ids
            )
        )
    if model is not None and issubclass(model, CouncillorIndexPage):
        return CacheChange(names=frozenset({fragments.section_name(PlacePageSection.COUNCILLORS)}))
    return None
