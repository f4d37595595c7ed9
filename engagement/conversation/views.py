"""Public views: tell us your story, alert sign-up and links, "Was this page helpful?".

No form here carries Django's CSRF token: every public form is protected by
config.middleware.CrossSiteProtectionMiddleware, which refuses a post that a
browser says comes from another site (see the README's "Cross-site
protection"). That needs no cookie, so every page (which carries the feedback
form) and place page (which carries the sign-up box) stays cacheable.

Alert links are capabilities sent by email: a confirmation link only shows a
page with a button (mail scanners that follow links confirm nothing) and works
once; unsubscribe links answer a POST from their page or, per RFC 8058, from
the mail client.
"""

from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Page

from engagement.conversation import alerts
from engagement.conversation.forms import AlertSignupForm, FeedbackForm, StorySubmissionForm
from engagement.conversation.models import PageFeedback, retention_days
from engagement.conversation.stories import create_story_draft
from home import fragments, ratelimit
from home.page_cache import public_page
from home.text import parse_id
from places.models import PlacePage

STORY_SCOPE = "conversation-story"
SIGNUP_SCOPE = "conversation-alert-signup"
FEEDBACK_SCOPE = "conversation-feedback"
LINK_SCOPE = "conversation-alert-link"
#: Generous: one-click unsubscribes (RFC 8058) come from mail providers' servers,
#: many people behind one address, and an unsubscribe must not be refused lightly.
LINK_LIMIT = (200, 3600)


# --- Stories -------------------------------------------------------------------


@never_cache
@ratelimit.limit_posts(STORY_SCOPE, setting="CONVERSATION_STORY_RATE_LIMIT", default=(5, 3600))
def submit_story(request, index):
    status = 200
    if request.method == "POST":
        form = StorySubmissionForm(request.POST, request.FILES)
        if not form.is_valid():
            status = 400
        elif request.rate_limit.spend():
            create_story_draft(index, form.cleaned_data)
            return HttpResponseRedirect(index.url + index.reverse_subpage("submit_story_sent"))
    else:
        initial = {}
        place = parse_id(request.GET.get("place"))
        if place:
            initial["place"] = place
        form = StorySubmissionForm(initial=initial)
    return TemplateResponse(
        request,
        "pages/conversation/submit_story.html",
        {
            "page": index,
            "self": index,
            "form": form,
            "retention_days": retention_days("CONVERSATION_SUBMISSION_RETENTION_DAYS", 365),
        },
        status=status,
    )


# --- Alerts ----------------------------------------------------------------------


def _place_or_none(value):
    if place_id := parse_id(value):
        return PlacePage.objects.live().public().filter(pk=place_id).first()
    return None


@public_page(
    names=[fragments.listing_name("places.placepage"), fragments.listing_name("taggit.tag")]
)
@require_http_methods(["GET", "POST"])
@ratelimit.limit_posts(SIGNUP_SCOPE, setting="CONVERSATION_SIGNUP_RATE_LIMIT", default=(10, 3600))
def alerts_signup(request):
    """The sign-up form: the same for every visitor (a page that may be cached), until posted."""
    status = 200
    if request.method == "POST":
        form = AlertSignupForm(request.POST)
        if not form.is_valid():
            status = 400
        elif request.rate_limit.spend():
            data = form.cleaned_data
            alerts.sign_up(data["email"], data["place"], data["topic"], request)
            return HttpResponseRedirect(
                reverse("conversation_alerts_check_email") + f"?place={data['place'].pk}"
            )
    else:
        # The same form for everyone (with ?place= chosen): built only when the
        # content is, not when its stored fragment is reused.
        def build():
            place = _place_or_none(request.GET.get("place", ""))
            return {"form": AlertSignupForm(initial={"place": place.pk} if place else {})}

        names = [fragments.listing_name("places.placepage"), fragments.listing_name("taggit.tag")]
        return TemplateResponse(
            request,
            "pages/conversation/alerts_signup.html",
            fragments.view_content(["alerts-signup"], names, build),
        )
    return TemplateResponse(
        request,
        "pages/conversation/alerts_signup.html",
        {"form": form},
        status=status,
    )


@never_cache
def alerts_check_email(request):
    """The same page whatever the sign-up did, so it reveals nothing about the address."""
    return TemplateResponse(
        request,
        "pages/conversation/alerts_check_email.html",
        {
            "place": _place_or_none(request.GET.get("place", "")),
            "days": alerts.confirm_link_max_age() // 86400,
            "interval_hours": max(1, alerts.confirmation_email_interval() // 3600),
        },
    )


def _link_problem(request, problem, action):
    return TemplateResponse(
        request,
        "pages/conversation/alerts_link_problem.html",
        {"reason": problem.reason, "action": action},
        status=400,
    )


def _link_limited(request):
    return TemplateResponse(
        request, "pages/conversation/alerts_link_problem.html", {"reason": "limited"}
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit.limit_posts(LINK_SCOPE, setting="CONVERSATION_LINK_RATE_LIMIT", default=LINK_LIMIT)
def alerts_confirm(request, token):
    """GET shows a "Confirm" button; only its POST confirms (link scanners only GET).

    A POST counts against the limit before the token is read, so guessing
    tokens is limited too.
    """
    if request.method == "POST" and not request.rate_limit.spend():
        return _link_limited(request)
    try:
        subscription = alerts.subscription_for_confirm_token(token)
    except alerts.LinkProblem as problem:
        return _link_problem(request, problem, "confirm")
    if request.method != "POST":
        return TemplateResponse(
            request,
            "pages/conversation/alerts_confirm.html",
            {"subscription": subscription, "consent_wording": alerts.ALERT_CONSENT_WORDING},
        )
    if not alerts.confirm(subscription):
        return _link_problem(request, alerts.LinkProblem("used"), "confirm")
    return TemplateResponse(
        request, "pages/conversation/alerts_confirmed.html", {"subscription": subscription}
    )


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit.limit_posts(LINK_SCOPE, setting="CONVERSATION_LINK_RATE_LIMIT", default=LINK_LIMIT)
def alerts_unsubscribe(request, token):
    """GET shows one button; POST (the button, or a mail client per RFC 8058) unsubscribes."""
    if request.method == "POST" and not request.rate_limit.spend():
        return _link_limited(request)
    try:
        subscriber = alerts.subscriber_for_unsubscribe_token(token)
    except alerts.LinkProblem as problem:
        return _link_problem(request, problem, "unsubscribe")
    if request.method == "POST":
        alerts.unsubscribe(subscriber)
        return TemplateResponse(request, "pages/conversation/alerts_unsubscribed.html", {})
    return TemplateResponse(
        request,
        "pages/conversation/alerts_unsubscribe.html",
        {"active": subscriber.subscriptions.filter(unsubscribed_at__isnull=True).exists()},
    )


# --- Was this page helpful? ---------------------------------------------------


def _feedback_page(value):
    if page_id := parse_id(value):
        return Page.objects.live().public().filter(pk=page_id).first()
    return None


@never_cache
@require_POST
@ratelimit.limit_posts(
    FEEDBACK_SCOPE, setting="CONVERSATION_FEEDBACK_RATE_LIMIT", default=(10, 600)
)
def feedback(request):
    page = _feedback_page(request.POST.get("page", ""))
    if page is None:
        raise Http404("No such page.")
    form = FeedbackForm(request.POST)
    valid = form.is_valid()
    if not valid or not request.rate_limit.spend():
        return TemplateResponse(
            request,
            "pages/conversation/feedback.html",
            {"form": form, "feedback_page": page},
            status=400,
        )
    PageFeedback.objects.create(
        page=page, helpful=form.cleaned_data["helpful"], comment=form.cleaned_data["comment"]
    )
    return HttpResponseRedirect(reverse("conversation_feedback_thanks") + f"?page={page.pk}")


@never_cache
def feedback_thanks(request):
    page = _feedback_page(request.GET.get("page", ""))
    back = page.url if page is not None else "/"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return TemplateResponse(
        request, "pages/conversation/feedback_thanks.html", {"back_url": back, "back_page": page}
    )
