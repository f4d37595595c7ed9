"""Every public POST view goes through the one rate-limit helper (home.ratelimit.limit_posts).

Issue 11, done-when 3. The forms are test_cross_site_protection's list, which
fails when a page shows a POST form that is not on it. Here each of them is
refused through the helper alone (an `Allowance` that says no: a view with its
own counting would still store), and then the real limit is held, per form,
with every form's setting at one attempt.
"""

import itertools

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from home import ratelimit
from tests.integration.test_cross_site_protection import (
    SAME_ORIGIN,
    post,
    site,  # noqa: F401 (fixture)
    stored,
)

#: One attempt per window for every public form, in the settings their views name.
ONE_EACH = {
    "ENGAGEMENT_RATE_LIMIT": 1,
    "CONVERSATION_STORY_RATE_LIMIT": (1, 3600),
    "CONVERSATION_SIGNUP_RATE_LIMIT": (1, 3600),
    "CONVERSATION_FEEDBACK_RATE_LIMIT": (1, 600),
    "CONVERSATION_LINK_RATE_LIMIT": (1, 3600),
    "COUNCILLOR_CONTACT_RATE_LIMIT": 1,
    "SCHOOLS_INVITATION_RATE_LIMIT": (1, 3600),
}

_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


def test_every_public_post_is_refused_through_the_one_helper(
    client,
    site,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    def refuse(allowance):
        allowance.decision = ratelimit.Decision(False, 120)
        return False

    monkeypatch.setattr(ratelimit.Allowance, "spend", refuse)
    before = stored()
    for form in site["forms"]:
        headers = {**SAME_ORIGIN, "REMOTE_ADDR": next(_addresses)}
        response = post(client, django_capture_on_commit_callbacks, form, headers)
        assert response.status_code == 429, (form.name, response.status_code)
        assert response["Retry-After"] == "120", form.name
        assert "Please wait about 2 minutes" in response.content.decode(), form.name
    assert stored() == before


def test_every_public_post_holds_its_limit(
    client,
    site,  # noqa: F811
    settings,
    django_capture_on_commit_callbacks,
):
    for name, value in ONE_EACH.items():
        setattr(settings, name, value)
    for form in site["forms"]:
        headers = {**SAME_ORIGIN, "REMOTE_ADDR": next(_addresses)}
        first = post(client, django_capture_on_commit_callbacks, form, headers)
        assert first.status_code in (200, 302, 303), (form.name, first.status_code)
        before = stored()
        second = post(client, django_capture_on_commit_callbacks, form, headers)
        assert second.status_code == 429, (form.name, second.status_code)
        assert int(second["Retry-After"]) > 0
        assert stored() == before, f"{form.name}: a refused post changed something"
        # Another client still has its allowance.
        other = {**SAME_ORIGIN, "REMOTE_ADDR": next(_addresses)}
        assert post(client, django_capture_on_commit_callbacks, form, other).status_code != 429


def test_a_post_that_skips_the_limit_is_a_programming_error(db):
    @ratelimit.limit_posts("test", setting="NO_SUCH_SETTING", default=(1, 60))
    def careless(request):
        from django.http import HttpResponse

        return HttpResponse("stored without counting")

    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.1")
    with pytest.raises(ImproperlyConfigured):
        careless(request)
    assert careless.rate_limited_scope == "test"
