"""A teacher's journey through the library in Chromium, and every schools page checked."""

import io
import zipfile

import pytest

from schools.models import DownloadCount
from tests.factories.places import PlacePageFactory, WardFactory
from tests.factories.schools import (
    LearningResourcePageFactory,
    ResourceIndexPageFactory,
    SchoolFactory,
    SchoolsIndexPageFactory,
)
from tests.helpers.accessibility import assert_no_axe_violations
from tests.helpers.html import assert_valid_html

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _default_locale(transactional_db):
    """An earlier transactional test's flush empties wagtailcore_locale too; pages need it."""
    from django.conf import settings
    from wagtail.models import Locale

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)


def check_page(page):
    # Validate before axe is injected: its script is not part of the page.
    assert_valid_html(page.content(), label=page.url)
    assert_no_axe_violations(page)


def file_counts(resource):
    return {row.file_key: row.count for row in DownloadCount.objects.filter(resource=resource)}


def test_teacher_filters_sorts_opens_and_downloads(live_server, browser_page, home_page):
    programme = SchoolsIndexPageFactory()
    library = ResourceIndexPageFactory(parent=programme)
    popular = LearningResourcePageFactory(
        parent=library,
        title="Questions for a councillor",
        key_stages=["ks3"],
        topics=["councillors"],
        files=2,
    )
    quieter = LearningResourcePageFactory(
        parent=library,
        title="A ward map",
        key_stages=["ks3", "ks4"],
        topics=["councillors"],
        files=1,
    )
    LearningResourcePageFactory(
        parent=library, title="Counting votes", key_stages=["ks1"], topics=["voting"], files=1
    )
    DownloadCount.record(popular.pk)
    DownloadCount.record(popular.pk)
    page = browser_page
    page.goto(live_server.url + library.url)
    check_page(page)

    page.get_by_label("Key stage 3 (ages 11 to 14)").check()
    page.get_by_label("councillors").check()
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name="Most downloaded").click()
    assert "key_stage=ks3" in page.url and "topic=councillors" in page.url
    assert "sort=most-downloaded" in page.url
    titles = page.locator(".resource-card__title").all_inner_texts()
    assert titles == ["Questions for a councillor", "A ward map"]
    check_page(page)

    page.get_by_role("link", name="Questions for a councillor").click()
    check_page(page)
    documents = [item.document for item in popular.files.all()]
    before = file_counts(popular)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=documents[0].title).click()
    download = download_info.value
    with open(download.path(), "rb") as handle, documents[0].file.open("rb") as original:
        assert handle.read() == original.read()

    with page.expect_download() as zip_info:
        page.get_by_role("link", name="Download all 2 files").click()
    with open(zip_info.value.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert sorted(archive.namelist()) == sorted(document.filename for document in documents)

    after = file_counts(popular)
    key = f"document-{documents[0].pk}"
    assert after[key] == before.get(key, 0) + 1
    assert after["zip"] == before["zip"] + 1
    assert file_counts(quieter) == {}
    page.reload()
    assert "Downloaded 1 time" in page.content()


def test_programme_invitation_and_place_pages_are_accessible(live_server, browser_page, home_page):
    ward = WardFactory(name="Example Ward")
    SchoolFactory(name="Example Academy", ward=ward, status="democracy-friendly")
    SchoolFactory(name="Example Primary", ward=ward)
    programme = SchoolsIndexPageFactory()
    ResourceIndexPageFactory(parent=programme)
    place = PlacePageFactory(title="Example Town", wards=[ward])
    page = browser_page

    page.goto(live_server.url + programme.url)
    assert page.get_by_role("cell", name="Example Ward").count() == 2
    check_page(page)

    page.get_by_role("link", name="Invite a councillor").click()
    check_page(page)
    page.get_by_label("Your email address").fill("not an email")
    page.get_by_role("button", name="Send invitation").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert page.get_by_label("Your email address").input_value() == "not an email"
    check_page(page)

    page.get_by_label("Name of your school").fill("Example Academy")
    page.get_by_label("Which ward is your school in?").select_option(label="Example Ward")
    page.get_by_label("Your name").fill("Sam Example")
    page.get_by_label("Your email address").fill("sam@example.sch.uk")
    page.get_by_label("What would you like a councillor to do?").fill("Judge our debate.")
    page.get_by_role("button", name="Send invitation").click()
    assert page.get_by_role("heading", name="Invitation sent").is_visible()
    check_page(page)

    page.goto(live_server.url + place.url)
    assert page.get_by_role("heading", name="Democracy Friendly Schools nearby").is_visible()
    check_page(page)
