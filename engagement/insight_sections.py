"""The place page's results section: its latest published round, in three queries.

Registered on the places app's hook so the place page never imports
engagement; imported from `EngagementConfig.ready()`.
"""

from wagtail import hooks

from engagement.compass import render_compass
from engagement.disclosure import published_figure
from engagement.insight import CONFIDENCE_THEME, tallies_for
from engagement.insight_models import PlaceInsight
from engagement.insight_views import figures_for
from home.contracts import PLACE_PAGE_SECTIONS, PlacePageSection, Section, provides


@hooks.register(PLACE_PAGE_SECTIONS)
@provides(PlacePageSection.RESULTS)
@published_figure(
    "place-page-results",
    description="A place page's latest published round: totals, the confidence measure, a "
    "small compass and its figures table.",
    shown_in="place page",
)
def place_page_results(page, request):
    insight = (
        PlaceInsight.objects.filter(place_id=page.pk, live=True)
        .only("pk", "place_id", "round_number", "round_label")
        .order_by("-round_number")
        .first()
    )
    if insight is None:
        return None
    insight.place = page  # already loaded: no query for its title
    figures = figures_for(insight, tallies_for([(page.pk, insight.round_number)]))
    return Section(
        key=PlacePageSection.RESULTS,
        template="components/insight/place_section.html",
        context={
            "insight": insight,
            "figures": figures,
            "place_title": page.title,
            "confidence": figures.theme(CONFIDENCE_THEME).mean,
            "compass": render_compass(figures, title=f"Compass for {figures.label}", small=True),
            "url": insight.get_absolute_url(),
        },
    )
