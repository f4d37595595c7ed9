"""A moderator can open, preview, edit and publish any story a citizen can send.

The story is sent through the public form (so it is built exactly as a
citizen's would be) and then handled through Wagtail's own admin views with a
member of Wagtail's "Moderators" group, as a real moderator would.
"""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import WorkflowState

from engagement.conversation.models import StoryPage
from tests.helpers.story_admin import edit_form_data

pytestmark = pytest.mark.django_db

HOSTILE_LINES = [
    "First line of the first paragraph",
    "second line straight after a single line break\r",
    "",
    "<script>alert('x')</script> & <b>bold?</b> <p>para</p> <br> <img src=x onerror=alert(1)>",
    "Zoë O'Neill — “quotes” — עברית \u202eevil\u202c — 😀 — 漢字",
    "\tA tab, a form feed\x0c, a vertical tab\x0b and a line separator\u2028after it",
    "A bell\x07, a unit separator\x1f and a C1 control\x9b here",
]


def long_story() -> str:
    text = "\n".join(HOSTILE_LINES) + "\n\n"
    filler = "A long story about the canal path. "
    return (text + filler * 400)[:10_000]


def send_story(client, index, place, **changes):
    data = {
        "title": "Zoë's <b>street</b> & the canal",
        "place": str(place.pk),
        "way": "be-part-of-something",
        "summary": "Line one of the summary.\nLine two <i>with tags</i>.",
        "story": long_story(),
        "photo_alt": "",
        "name": "Sam Example",
        "email": "sam@example.org",
        "credit": "anonymous",
    }
    data.update(changes)
    response = client.post(index.url + "tell-us-your-story/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return StoryPage.objects.get()


def test_a_story_with_line_breaks_html_and_10000_characters_is_safe_and_escaped(
    client, index, place
):
    story = send_story(client, index, place)
    html = str(story.body)
    assert "<script>" not in html and "<img" not in html and "<b>bold" not in html
    assert "&lt;script&gt;" in html
    assert "<br" not in html, "the rich-text editor's features do not include line breaks"
    assert "Zoë O&#x27;Neill" in html or "Zoë O'Neill" in html
    for control in ("\x0c", "\x0b", "\x07", "\x1f", "\x9b"):
        assert control not in html, repr(control)
    # Each line the citizen typed is its own paragraph.
    assert "<p>First line of the first paragraph</p>" in html
    assert "<p>second line straight after a single line break</p>" in html


def test_moderator_opens_previews_edits_and_publishes_a_citizens_story(
    client, index, place, moderator
):
    story = send_story(client, index, place)
    client.logout()
    client.force_login(moderator)
    edit_url = reverse("wagtailadmin_pages:edit", args=[story.pk])

    response = client.get(edit_url)
    assert response.status_code == 200
    page_html = response.content.decode()
    assert "&lt;script&gt;" in page_html or "\\u003Cscript\\u003E" in page_html
    assert "<script>alert('x')</script>" not in page_html

    # Preview: Wagtail posts the form to the preview view, then shows it by GET.
    form_data = edit_form_data(response)
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[story.pk])
    posted = client.post(preview_url, form_data)
    assert posted.status_code == 200
    assert posted.json() == {"is_valid": True, "is_available": True}, posted.content
    preview = client.get(preview_url)
    assert preview.status_code == 200
    preview_html = preview.content.decode()
    assert "Example Town" in preview_html
    assert "&lt;script&gt;alert(" in preview_html
    assert "<script>alert(" not in preview_html

    # Edit the title and approve through the workflow, which publishes it.
    form_data["title"] = "A moderated story"
    state = WorkflowState.objects.get(object_id=str(story.pk))
    task_state = state.current_task_state
    approve = {
        **form_data,
        "action-workflow-action": "true",
        "workflow-action-name": "approve",
    }
    response = client.post(edit_url, approve)
    assert response.status_code == 302, _errors(response)
    story.refresh_from_db()
    assert story.live
    assert story.title == "A moderated story"
    task_state.refresh_from_db()
    assert task_state.status == "approved"

    # The public sees it, escaped, with its place.
    public = client.get(story.url)
    assert public.status_code == 200
    public_html = public.content.decode()
    assert "&lt;script&gt;alert(" in public_html
    assert "<script>alert(" not in public_html
    assert "A long story about the canal path." in public_html


def test_moderator_can_publish_an_edited_story_directly(client, index, place, moderator):
    story = send_story(client, index, place, story="One line\nTwo lines\n\nThree")
    client.force_login(moderator)
    edit_url = reverse("wagtailadmin_pages:edit", args=[story.pk])
    form_data = edit_form_data(client.get(edit_url))
    form_data["summary"] = "Edited by the moderator."
    response = client.post(edit_url, {**form_data, "action-publish": "action-publish"})
    assert response.status_code == 302, _errors(response)
    story.refresh_from_db()
    assert story.live and story.summary == "Edited by the moderator."


def test_moderators_are_emailed_without_the_citizens_details(
    client, index, place, moderator, django_user_model, django_capture_on_commit_callbacks
):
    django_user_model.objects.create_user("bystander", email="nobody@example.org", password="pw")
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        story = send_story(client, index, place, credit="name")
    # One email per moderator: ours, sent through the site's background mail
    # (Wagtail's own synchronous "submitted" email is left out for citizens).
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients.count("moderator@example.org") == 1, [m.subject for m in mail.outbox]
    ours = mail.outbox
    assert "moderator@example.org" in recipients
    assert "nobody@example.org" not in recipients
    message = next(m for m in ours if m.to == ["moderator@example.org"])
    edit_path = reverse("wagtailadmin_pages:edit", args=[story.pk])
    assert edit_path in message.body
    assert "sam@example.org" not in message.body
    assert "Sam Example" not in message.body
    assert "A long story" not in message.body


def _errors(response):
    context = getattr(response, "context", None)
    if not context:
        return response.content.decode()[:2000]
    form = context.get("form")
    return form.errors if form is not None else response.content.decode()[:2000]


def test_staff_submissions_still_get_wagtails_own_email(
    index, moderator, django_user_model, django_capture_on_commit_callbacks
):
    from tests.factories.conversation import StoryPageFactory

    editor = django_user_model.objects.create_user("editor", email="ed@example.org", password="pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    story = StoryPageFactory(title="Written by staff")
    story.save_revision(user=editor)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        story.get_workflow().start(story, user=editor)
    assert [m.to for m in mail.outbox] == [["moderator@example.org"]]
    assert "submitted for approval" in mail.outbox[0].subject
