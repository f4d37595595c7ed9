"""Issue 3, done-when 1 and 3, in real Chromium.

An editor creates a place and a Place Standard form for it in the Wagtail
admin and publishes both; a citizen, with JavaScript off, fills in the form
on the place page (some themes skipped, comments with HTML and script in
them), corrects an error and sees the thank-you page. The stored rows match
what was entered and the script shows as text wherever comments appear. Every
public page of the journey (with errors showing too) passes axe-core and the
Nu HTML Checker, and reflows at 320px.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from engagement.models import FollowUpContact, PlaceStandardFormPage, Submission
from places.models import PlacePage
from tests.factories.engagement import EngagementIndexPageFactory
from tests.factories.places import PlaceIndexPageFactory
from tests.helpers.accessibility import assert_no_axe_violations
from tests.helpers.html import assert_valid_html
from tests.helpers.servers import ensure_default_locale

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = "<script>alert(1)</script>"
MOVING_COMMENT = f"Broken pavements on <b>Station Road</b> {SCRIPT}"
SAFE_COMMENT = "<i>Fine</i> in the day & worse at night"


@pytest.fixture(autouse=True)
def _default_locale(transactional_db):
    ensure_default_locale()


def admin_login(page, live_server, user):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct horse")
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/$"))


def publish(page):
    page.get_by_role("button", name="More actions").click()
    # Publishing posts the form and answers with a new page either way (the
    # edit view after a redirect, or the form again with errors): wait for it
    # rather than reading the old page while a slow machine is still posting.
    with page.expect_navigation(timeout=60_000):
        page.get_by_role("button", name="Publish").click()
    # Wagtail 8 renders an empty .w-field__errors beside every field: only
    # ones with text are errors.
    errors = page.locator(".error-message, .w-field__errors").filter(has_text=re.compile(r"\S"))
    if errors.count():  # say which field an admin validation error is on
        raise AssertionError(errors.all_inner_texts())
    expect(page.locator(".messages")).to_contain_text("published")


def fill_rich_text(page, field_name, text):
    editor = page.locator(f"[data-contentpath='{field_name}'] [contenteditable='true']")
    editor.scroll_into_view_if_needed()
    editor.click()
    editor.press_sequentially(text)
    expect(editor).to_contain_text(text)
    # Draftail copies its content into the hidden input the form posts; wait
    # for that before anything else is clicked.
    expect(page.locator(f"input[name='{field_name}']")).to_have_value(re.compile(re.escape(text)))


def choose_place(page, title):
    page.locator("[data-contentpath='place']").get_by_role("button", name="Choose a page").click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("textbox", name="Search term").fill(title)
    modal.get_by_role("link", name=title, exact=True).click()
    expect(page.locator("[data-contentpath='place']")).to_contain_text(title)


def editor_creates_place_and_form(page, live_server, index, engagements):
    page.goto(f"{live_server.url}/admin/pages/add/places/placepage/{index.pk}/")
    page.fill("#id_title", "Lindley")
    page.fill("#id_summary", "A village on the hill above Huddersfield.")
    publish(page)
    place = PlacePage.objects.get(title="Lindley")

    add_form = f"/admin/pages/add/engagement/placestandardformpage/{engagements.pk}/"
    page.goto(f"{live_server.url}{add_form}")
    page.fill("#id_title", "How good is Lindley?")
    choose_place(page, "Lindley")
    now = timezone.localtime()
    page.fill("#id_opens_at", (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"))
    page.fill("#id_closes_at", (now + datetime.timedelta(days=28)).strftime("%Y-%m-%d %H:%M"))
    page.keyboard.press("Escape")
    fill_rich_text(page, "privacy_notice", "We keep your answers for two years.")
    fill_rich_text(page, "thank_you_text", "We will publish what we heard.")
    publish(page)
    form_page = PlaceStandardFormPage.objects.get(title="How good is Lindley?")
    assert form_page.live and form_page.place_id == place.pk
    assert "two years" in form_page.privacy_notice, form_page.privacy_notice
    assert "publish what we heard" in form_page.thank_you_text, form_page.thank_you_text
    return place, form_page


def choose(form, theme, value):
    form.locator(f"input[name='{theme}'][value='{value}']").check()


def fill_citizen_answers(form):
    choose(form, "moving_around", "2")
    form.get_by_label("Comments on moving around (optional)").fill(MOVING_COMMENT)
    choose(form, "public_transport", "skip")
    choose(form, "natural_space", "7")
    choose(form, "feeling_safe", "skip")
    form.get_by_label("Comments on feeling safe (optional)").fill(SAFE_COMMENT)
    choose(form, "influence_control", "1")
    form.get_by_label("25 to 34").check()
    form.get_by_label("The first half of your postcode (optional)").fill("hd3")


def assert_page_is_accessible(page, html):
    assert_no_axe_violations(page)
    assert_valid_html(html)
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 900})


def test_editor_publishes_a_form_and_a_citizen_fills_it_in(
    browser, browser_page, live_server, home_page, django_user_model, settings
):
    # Wagtail 8 autosaves drafts while the editor types; a draft saved in the
    # same moment as the Publish click races it. The journey is about what
    # the editor publishes, so it runs without autosave.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    index = PlaceIndexPageFactory()
    engagements = EngagementIndexPageFactory()
    editor = django_user_model.objects.create_superuser(
        "editor", "editor@example.org", "correct horse"
    )
    admin_login(browser_page, live_server, editor)
    place, form_page = editor_creates_place_and_form(browser_page, live_server, index, engagements)

    # The citizen, with JavaScript off, on a phone-sized screen.
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 800})
    citizen = context.new_page()
    citizen.goto(f"{live_server.url}{place.url}")
    expect(
        citizen.get_by_role("heading", name="Have your say: How good is Lindley?")
    ).to_be_visible()
    form = citizen.locator("form.engagement-form")
    fill_citizen_answers(form)
    # An email without consent: refused, with everything kept.
    form.get_by_label("Email address (optional)").fill("resident@example.org")
    form.get_by_role("button", name="Send my answers").click()
    expect(citizen.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(citizen.locator(".error-summary a")).to_have_text(
        re.compile("Tick the box to agree that we may email you")
    )
    assert Submission.objects.count() == 0
    form = citizen.locator("form.engagement-form")
    expect(form.locator("input[name='moving_around'][value='2']")).to_be_checked()
    expect(form.get_by_label("Comments on moving around (optional)")).to_have_value(MOVING_COMMENT)
    expect(form.get_by_label("Email address (optional)")).to_have_value("resident@example.org")
    form.get_by_label(re.compile("I agree that the council may email me")).check()
    form.get_by_role("button", name="Send my answers").click()
    expect(citizen.get_by_role("heading", name="Thank you")).to_be_visible()
    assert citizen.url.endswith("/thank-you/")  # the form page's confirmation, via a redirect
    expect(citizen.get_by_text("We will publish what we heard.")).to_be_visible()
    context.close()

    submission = Submission.objects.get()
    assert (submission.form_page_id, submission.place_id) == (form_page.pk, place.pk)
    assert (submission.channel, submission.status) == ("online", "accepted")
    assert (submission.age_band, submission.postcode_district) == ("25-34", "HD3")
    assert {s.theme: (s.score, s.comment) for s in submission.scores.all()} == {
        "moving_around": (2, MOVING_COMMENT),
        "natural_space": (7, ""),
        "feeling_safe": (None, SAFE_COMMENT),
        "influence_control": (1, ""),
    }
    assert FollowUpContact.objects.get().email == "resident@example.org"

    # The comment shows as text in the admin: escaped, and no alert ever runs.
    alerts = []
    browser_page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    browser_page.goto(f"{live_server.url}/admin/engagement/submission/")
    expect(browser_page.get_by_text(SCRIPT, exact=False).first).to_be_visible()
    browser_page.goto(f"{live_server.url}/admin/engagement/submission/inspect/{submission.pk}/")
    expect(browser_page.get_by_text(f"Comment: {MOVING_COMMENT}")).to_be_visible()
    assert alerts == []


def test_form_pages_are_accessible_and_valid_with_and_without_errors(
    browser_page, live_server, home_page
):
    from tests.factories.engagement import (
        PlaceStandardFormFieldFactory,
        PlaceStandardFormPageFactory,
    )
    from tests.factories.places import PlacePageFactory

    index = PlaceIndexPageFactory()
    place = PlacePageFactory(parent=index, title="Golcar")
    form_page = PlaceStandardFormPageFactory(parent=place, title="How good is Golcar?")
    PlaceStandardFormFieldFactory(
        page=form_page,
        label="How did you hear about this?",
        field_type="radio",
        choices="Leaflet\nA friend",
        required=True,
    )
    page = browser_page

    response = page.goto(f"{live_server.url}{place.url}")
    assert_page_is_accessible(page, response.text())

    response = page.goto(f"{live_server.url}{form_page.url}")
    assert_page_is_accessible(page, response.text())

    # Errors showing: a required extra question, a score out of range (sent
    # by a changed page), an over-long comment, a full postcode.
    form = page.locator("form.engagement-form")
    choose(form, "moving_around", "3")
    form.locator("input[name='moving_around'][value='3']").evaluate("el => el.value = '9'")
    form.get_by_label("Comments on natural space (optional)").evaluate(
        "el => { el.removeAttribute('maxlength'); el.value = 'x'.repeat(1001); }"
    )
    form.get_by_label("The first half of your postcode (optional)").fill("HD7 4AB")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        form.get_by_role("button", name="Send my answers").click()
    assert posted.value.status == 400
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.locator(".error-summary li")).to_have_count(4)
    # Each summary link moves to its field.
    page.locator(".error-summary a", has_text="first half of your postcode").click()
    expect(page.get_by_label("The first half of your postcode (optional)")).to_be_focused()
    assert_page_is_accessible(page, posted.value.text())

    # Thank-you page.
    form = page.locator("form.engagement-form")
    choose(form, "moving_around", "4")
    form.get_by_label("Comments on natural space (optional)").fill("Lovely woods")
    form.get_by_label("The first half of your postcode (optional)").fill("")
    form.get_by_label("Leaflet").check()
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        form.get_by_role("button", name="Send my answers").click()
    # Post/Redirect/Get: a 303 to the form's confirmation page, which holds nothing of the answers.
    assert posted.value.status == 303
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert page.url == f"{live_server.url}{form_page.url}thank-you/"
    assert_page_is_accessible(page, page.request.get(page.url).text())
    assert Submission.objects.get().extra_answers == {"how_did_you_hear_about_this": "Leaflet"}
