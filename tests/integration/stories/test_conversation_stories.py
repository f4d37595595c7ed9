"""Stories: the index's filters and pages, and a citizen's submission becoming a draft."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.models import Page, WorkflowState

from engagement.conversation.models import StoryPage, StorySubmission
from tests.factories.conversation import StoryPageFactory
from tests.factories.places import PlacePageFactory
from tests.helpers.queries import assert_same_query_count

pytestmark = pytest.mark.django_db


def submit_url(index):
    return index.url + "tell-us-your-story/"


def answers(place, **changes):
    data = {
        "title": "We cleared the canal path",
        "place": str(place.pk),
        "way": "be-part-of-something",
        "summary": "Twenty neighbours cleared the towpath.",
        "story": "It took a morning.\n\nNow we meet <b>every month</b>.",
        "photo_alt": "",
        "name": "Sam Example",
        "email": "sam@example.org",
        "credit": "name",
    }
    data.update(changes)
    return data


def png_upload(name="photo.png", size=(40, 30), image_format="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#00594c").save(buffer, format=image_format)
    content_type = "image/png" if image_format == "PNG" else "image/gif"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def test_index_filters_by_place_topic_and_way(client, index):
    town, village = PlacePageFactory(title="Town"), PlacePageFactory(title="Village")
    StoryPageFactory(title="Food in town", places=[town], topics=["food"], way="volunteer")
    StoryPageFactory(title="Parks in town", places=[town], topics=["parks"], way="volunteer")
    StoryPageFactory(title="Food in village", places=[village], topics=["food"])
    cases = {
        f"?place={town.pk}": {"Food in town", "Parks in town"},
        "?topic=food": {"Food in town", "Food in village"},
        "?way=volunteer": {"Food in town", "Parks in town"},
        f"?place={town.pk}&topic=food&way=volunteer": {"Food in town"},
        "?place=999999&way=nonsense": set(),
    }
    for query, expected in cases.items():
        response = client.get(index.url + query)
        titles = {story.title for story in response.context["stories"]}
        assert titles == expected, query
    # Unknown values are ignored, not errors.
    response = client.get(index.url + "?way=nonsense&place=abc")
    assert response.status_code == 200
    assert len(response.context["stories"]) == 3


def test_index_paginates_keeping_filters(client, index, place):
    for n in range(14):
        StoryPageFactory(title=f"Story {n:02d}", places=[place])
    response = client.get(index.url + f"?place={place.pk}")
    assert len(response.context["stories"]) == 12
    html = response.content.decode()
    assert f"?place={place.pk}&amp;page=2" in html
    second = client.get(index.url + f"?place={place.pk}&page=2")
    assert len(second.context["stories"]) == 2


def test_unpublished_stories_are_not_listed(client, index, place):
    draft = StoryPageFactory(title="Secret draft", places=[place])
    draft.unpublish()
    assert "Secret draft" not in client.get(index.url).content.decode()


def test_index_queries_do_not_grow_with_stories(client, index, place):
    assert_same_query_count(
        lambda: StoryPageFactory(places=[place], topics=["food"]),
        lambda: [StoryPageFactory(places=[place], topics=[f"t{n}"]) for n in range(20)],
        lambda: client.get(index.url),
    )


def test_story_page_shows_place_way_and_credit(client, index, place):
    story = StoryPageFactory(
        title="A good neighbour", places=[place], topics=["food"], author_name=""
    )
    html = client.get(story.url).content.decode()
    assert "Shared anonymously" in html
    assert "Be a good neighbour" in html
    assert place.url in html


def test_submission_becomes_a_draft_in_moderation_never_published(client, index, place):
    response = client.post(submit_url(index), answers(place))
    assert response.status_code == 302
    assert response["Location"].endswith("tell-us-your-story/sent/")
    story = StoryPage.objects.get(title="We cleared the canal path")
    assert not story.live
    assert story.get_parent().pk == index.pk
    assert story.author_name == "Sam Example"
    assert list(story.get_latest_revision_as_object().places.all()) == [place]
    state = WorkflowState.objects.get(object_id=str(story.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state is not None
    # The citizen's text is escaped, never HTML.
    body_html = str(story.body)
    assert "&lt;b&gt;every month&lt;/b&gt;" in body_html
    submission = StorySubmission.objects.get()
    assert submission.story_id == story.pk
    assert submission.email == "sam@example.org"
    assert submission.publish_name is True
    assert submission.consent_wording_version
    # The public cannot see it.
    assert client.get(index.url).context["page_obj"].paginator.count == 0
    assert client.get(f"{index.url}{story.slug}/").status_code == 404


def test_anonymous_submission_publishes_no_name(client, index, place):
    client.post(submit_url(index), answers(place, credit="anonymous"))
    story = StoryPage.objects.get()
    assert story.author_name == ""
    assert StorySubmission.objects.get().publish_name is False


def test_empty_form_shows_every_error_and_stores_nothing(client, index):
    pages_before = Page.objects.count()
    response = client.post(submit_url(index), {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    for message in (
        "Enter a title for your story",
        "Choose the place your story is about",
        "Choose the way of being an active citizen your story shows",
        "Enter your story in a sentence or two",
        "Enter your story",
        "Choose whether to publish your name or stay anonymous",
    ):
        assert message in html, message
    assert html.count("Enter a title for your story") == 2  # summary and beside the field
    assert 'href="#id_way_0"' in html
    assert Page.objects.count() == pages_before
    assert not StorySubmission.objects.exists()


def test_errors_keep_what_was_typed(client, index, place):
    response = client.post(
        submit_url(index), answers(place, credit="name", name="", email="not an email")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter your name, or choose to publish your story without it" in html
    assert 'value="not an email"' in html
    assert "We cleared the canal path" in html
    assert 'aria-describedby="id_email-hint id_email-error"' in html
    assert not StoryPage.objects.exists()


def test_photo_needs_consent_and_a_description(client, index, place):
    response = client.post(submit_url(index), {**answers(place), "photo": png_upload()})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Describe your photo, or remove it" in html
    assert "Tick the box to agree that your photo can be published, or remove it" in html
    assert not StoryPage.objects.exists()


def test_a_good_photo_is_kept_privately_with_its_alt_text(client, index, place):
    data = answers(place, photo_alt="Volunteers on the towpath", publish_photo="on")
    response = client.post(submit_url(index), {**data, "photo": png_upload()})
    assert response.status_code == 302
    story = StoryPage.objects.get()
    # The photo waits privately for a moderator (see test_conversation_story_files.py).
    assert story.image is None
    assert story.image_alt == "Volunteers on the towpath"
    submission = StorySubmission.objects.get()
    assert submission.publish_photo is True
    assert submission.photo.name.startswith("story-photos/")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("notes.png", b"not an image", content_type="image/png"),
            "must be a JPEG or PNG image",
        ),
        (lambda: png_upload("photo.gif", image_format="GIF"), "must be a JPEG or PNG image"),
        (lambda: png_upload("big.png", size=(400, 400)), "must be smaller than"),
    ],
)
def test_photo_type_and_size_are_checked(client, index, place, settings, upload, message):
    settings.CONVERSATION_STORY_PHOTO_MAX_BYTES = 1000
    upload = upload() if callable(upload) else upload
    data = answers(place, photo_alt="A photo", publish_photo="on")
    response = client.post(submit_url(index), {**data, "photo": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not StoryPage.objects.exists()


def test_submissions_are_rate_limited_through_the_cache(client, index, place, settings):
    settings.CONVERSATION_STORY_RATE_LIMIT = (2, 3600)
    for n in range(2):
        response = client.post(submit_url(index), answers(place, title=f"Story {n}"))
        assert response.status_code == 302
    response = client.post(submit_url(index), answers(place, title="Third story"))
    assert response.status_code == 429
    assert 'value="Third story"' in response.content.decode()
    assert StoryPage.objects.count() == 2
    other = client.post(
        submit_url(index), answers(place, title="Elsewhere"), REMOTE_ADDR="203.0.113.9"
    )
    assert other.status_code == 302


def test_form_preselects_the_place_from_the_link(client, index, place):
    html = client.get(submit_url(index) + f"?place={place.pk}").content.decode()
    assert f'<option value="{place.pk}" selected>' in html
