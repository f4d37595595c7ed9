"""Invalidating events made by a process of their own, for the two-server drill.

`python -m tests.helpers.cache_events EVENT JSON` sets Django up (with the
environment the drill gives it: the test settings, the servers' database)
and makes one event the way the site makes it: an editor publishing, a
moderator approving a story through its workflow, an editor publishing an
insight. tests/integration/test_cache_servers.py runs it between requests
to two gunicorn servers, which must both see the change next.
"""

from __future__ import annotations

import datetime
import json
import sys


def publish_title(page_id: int, title: str) -> None:
    from wagtail.models import Page

    page = Page.objects.get(pk=page_id).specific
    page.title = title
    page.save_revision().publish()


def unpublish(page_id: int) -> None:
    from wagtail.models import Page

    Page.objects.get(pk=page_id).specific.unpublish()


def move(page_id: int, target_id: int) -> None:
    from wagtail.models import Page

    Page.objects.get(pk=page_id).move(Page.objects.get(pk=target_id), pos="last-child")


def menu_text(link_url: str, text: str) -> None:
    from wagtailmenus.models import MainMenuItem

    item = MainMenuItem.objects.get(link_url=link_url)
    item.link_text = text
    item.save()


def approve_story(story_id: int, username: str) -> None:
    from django.contrib.auth import get_user_model
    from wagtail.models import WorkflowState

    user = get_user_model().objects.get(username=username)
    state = WorkflowState.objects.get(object_id=str(story_id), status="in_progress")
    state.current_task_state.approve(user=user)


def publish_insight(insight_id: int) -> None:
    from engagement.insight_models import PlaceInsight

    PlaceInsight.objects.get(pk=insight_id).save_revision().publish()


def open_form_soon(place_id: int, seconds: float, title: str) -> None:
    from django.utils import timezone

    from engagement.models import PlaceStandardFormPage
    from places.models import PlacePage

    place = PlacePage.objects.get(pk=place_id)
    opens = timezone.now() + datetime.timedelta(seconds=seconds)
    form = PlaceStandardFormPage(
        title=title,
        place=place,
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=30),
        privacy_notice="<p>An example privacy notice.</p>",
    )
    place.add_child(instance=form)
    form.save_revision().publish()


EVENTS = {
    "publish_title": publish_title,
    "unpublish": unpublish,
    "move": move,
    "menu_text": menu_text,
    "approve_story": approve_story,
    "publish_insight": publish_insight,
    "open_form_soon": open_form_soon,
}


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from django.db import transaction

    name, arguments = argv[0], json.loads(argv[1])
    # As a request does it: the event's after-commit work (stamps) runs.
    with transaction.atomic():
        EVENTS[name](**arguments)


if __name__ == "__main__":
    main(sys.argv[1:])
