"""Story filters and turning a citizen's submission into a draft for an editor.

A submission never becomes a published page by itself: it is saved as a
draft revision and put into the page's moderation workflow, so an editor
reads it (and checks the consent) before anyone else can see it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.permission_policies.pages import PagePermissionPolicy

from engagement.conversation.models import (
    ActiveCitizenWay,
    StoryIndexPage,
    StoryPage,
    StorySubmission,
    story_topics,
)
from home.mail import send_email_later
from home.text import parse_id
from places.models import PlacePage

logger = logging.getLogger(__name__)

#: Bump when the consent wording on the story form changes.
STORY_CONSENT_VERSION = "2024-1"


@dataclass(frozen=True)
class StoryFilters:
    """The story index's filters. Unknown values are ignored, not errors."""

    place: int | None = None
    topic: str = ""
    way: str = ""

    @classmethod
    def from_query(cls, query) -> StoryFilters:
        place = query.get("place", "").strip()
        topic = slugify(query.get("topic", ""))[:100]
        way = query.get("way", "")
        return cls(
            place=parse_id(place),
            topic=topic,
            way=way if way in ActiveCitizenWay.values else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.place or self.topic or self.way)

    def apply(self, stories):
        if self.place:
            stories = stories.filter(places=self.place)
        if self.topic:
            stories = stories.filter(tags__slug=self.topic)
        if self.way:
            stories = stories.filter(way=self.way)
        return stories.distinct() if (self.place or self.topic) else stories

    def place_choices(self, index: StoryIndexPage) -> list[PlacePage]:
        return list(
            PlacePage.objects.live()
            .public()
            .filter(stories__live=True, stories__path__startswith=index.path)
            .distinct()
            .order_by("title")
            .only("pk", "title")
        )

    def topic_choices(self, index: StoryIndexPage) -> list[Tag]:
        return list(story_topics())


def story_index() -> StoryIndexPage | None:
    return StoryIndexPage.objects.live().first()


#: The longest story the form accepts: long enough for anything a resident writes.
STORY_MAX_CHARACTERS = 10_000

# C0 and C1 control characters other than tab and the line breaks splitlines() knows.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


def _body_from_text(text: str) -> list[tuple[str, str]]:
    """The citizen's words as one rich-text block of escaped paragraphs.

    Their text is never treated as HTML. Every line they typed becomes its own
    paragraph: the body's rich-text features have no line break, and markup
    the editor cannot represent would break the moderator's edit view.
    """
    text = _CONTROL_CHARACTERS.sub("", text).replace("\t", " ")
    paragraphs = [line.strip() for line in text.splitlines()]
    html = "".join(f"<p>{escape(line)}</p>" for line in paragraphs if line)
    return [("paragraph", html)] if html else []


def create_story_draft(index: StoryIndexPage, data: dict) -> StoryPage:
    """Create the draft story, its private submission record, and start moderation."""
    with transaction.atomic():
        photo = data.get("photo")
        story = StoryPage(
            title=data["title"],
            slug=_free_slug(index, data["title"]),
            summary=data["summary"],
            body=_body_from_text(data["story"]),
            way=data["way"],
            author_name=data["name"] if data["publish_name"] else "",
            image_alt=data.get("photo_alt", "") if photo else "",
            live=False,
        )
        index.add_child(instance=story)
        story.places.set([data["place"]])
        revision = story.save_revision(log_action=True)
        StorySubmission.objects.create(
            story=story,
            name=data["name"],
            email=data.get("email", ""),
            publish_name=data["publish_name"],
            publish_photo=bool(photo and data.get("publish_photo")),
            consent_wording_version=STORY_CONSENT_VERSION,
            # Private until a moderator publishes the story (engagement.conversation.story_photos).
            photo=photo or "",
        )
        notify_moderators(story)
        workflow = story.get_workflow()
        if workflow is not None:
            workflow.start(story, user=None)
        else:
            logger.warning(
                "No moderation workflow applies to story %s (revision %s): it stays a draft.",
                story.pk,
                revision.pk,
            )
    return story


def notify_moderators(story: StoryPage) -> int:
    """Tell everyone who may publish the story that it awaits them; one email each.

    The email names the story and links to it in the admin: the sender's name
    and address stay in the admin, behind its permissions.
    """
    recipients = (
        PagePermissionPolicy()
        .users_with_permission_for_instance("publish", story)
        .exclude(email="")
        .values_list("email", flat=True)
        .order_by("email")
    )
    edit_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "wagtailadmin_pages:edit", args=[story.pk]
    )
    body = render_to_string(
        "pages/conversation/email/story_for_review.txt", {"story": story, "edit_url": edit_url}
    )
    addresses = list(dict.fromkeys(recipients))
    for address in addresses:
        send_email_later(subject="A new story is waiting for review", body=body, to=[address])
    return len(addresses)


#: Wagtail's own handler for "submitted for moderation" emails (wagtail.admin.signal_handlers).
WAGTAIL_SUBMITTED_EMAIL_UID = "group_approval_task_submitted_email_notification"


def route_workflow_submission_emails() -> None:
    """Leave citizens' stories out of Wagtail's "submitted for moderation" email.

    Moderators hear about a citizen's story from `notify_moderators`, through
    the site's background mail; Wagtail would also email them, synchronously,
    inside the citizen's request. Its handler is taken over under its own
    dispatch uid, so Wagtail's later registration of it is a no-op: this must
    run before wagtail.admin is ready (our apps come first in INSTALLED_APPS).
    Staff submissions still get Wagtail's email.
    """
    from wagtail.admin.mail import GroupApprovalTaskStateSubmissionEmailNotifier
    from wagtail.models import TaskState
    from wagtail.signals import task_submitted

    wagtail_notifier = GroupApprovalTaskStateSubmissionEmailNotifier()

    def submitted_email(sender, instance, user=None, **kwargs):
        if user is None and instance.workflow_state.content_type.model_class() is StoryPage:
            return False
        return wagtail_notifier(instance=instance, user=user, **kwargs)

    task_submitted.connect(
        submitted_email, sender=TaskState, dispatch_uid=WAGTAIL_SUBMITTED_EMAIL_UID, weak=False
    )


def _free_slug(index: StoryIndexPage, title: str) -> str:
    base = slugify(title)[:60] or "story"
    taken = set(index.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def photo_max_bytes() -> int:
    return getattr(settings, "CONVERSATION_STORY_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
