"""Serving the public form, and staff entry of paper, phone and group responses."""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from engagement.forms import build_staff_form_class
from engagement.insight import min_responses
from engagement.models import PlaceStandardFormPage
from engagement.services import save_staff_submission
from home import ratelimit

logger = logging.getLogger(__name__)

HONEYPOT_MESSAGE = (
    "We could not save your answers because a hidden field meant for spam robots was "
    "filled in. If you filled this form in yourself, please send it again: your answers "
    "are kept below."
)


def serve_form_page(page, request, *args, confirmation=False, **kwargs):
    """GET shows the form (or says it is closed); POST checks, then stores or re-renders.

    Every refusal is a page that says what happened: 403 when the form is
    not open, 429 with Retry-After over the rate limit (every post counts, so
    a flood of broken posts is limited too), 400 with the person's answers
    kept when something needs fixing. PlaceStandardFormPage.serve wraps this
    in home.ratelimit.limit_posts.

    Post/Redirect/Get: answers stored (or a resent copy of answers already
    stored) answer 303 to the form's light confirmation page
    (`PlaceStandardFormPage.confirmation_url`), which says nothing about the
    response and is the same page for everyone, so reloading it or going
    back never posts again.
    """
    if confirmation:
        return serve_confirmation(page, request)
    context = page.get_context(request, *args, **kwargs)
    is_open = page.is_open()
    context.update({"is_open": is_open, "not_yet_open": page.has_not_opened(), "form": None})
    template = page.get_template(request, *args, **kwargs)
    if request.method != "POST":
        if is_open:
            # Built only if the page's content is rendered, not when its cached
            # fragment is reused (the form class reads the extra questions).
            context["form"] = SimpleLazyObject(lambda: page.get_form(page=page, user=request.user))
        return TemplateResponse(request, template, context)

    if not is_open:
        return TemplateResponse(request, template, context, status=403)

    form = page.get_form(request.POST, page=page, user=request.user)
    context["form"] = form
    if not request.rate_limit.spend():
        form.is_valid()
        return TemplateResponse(request, template, context)

    if form.honeypot_filled:
        logger.info("Honeypot filled on form page %s; nothing stored", page.pk)
        form.is_valid()
        form.add_error(None, HONEYPOT_MESSAGE)
        return TemplateResponse(request, template, context, status=400)

    if form.is_valid():

        def first_time():
            return ratelimit.first_time(
                f"engagement-answers-{page.pk}",
                request,
                answers_fingerprint(request.POST),
                seconds=RESEND_WINDOW_SECONDS,
            )

        # A resent copy (a double click, a reload of the POST) is not stored
        # again and goes to the same confirmation as the first.
        page.process_form_submission(form, first_time=first_time)
        return redirect_after_post(page.confirmation_url(request))
    return TemplateResponse(request, template, context, status=400)


#: A copy of the same answers from the same browser within this time is a resend.
RESEND_WINDOW_SECONDS = 10 * 60


def answers_fingerprint(data) -> bytes:
    """The posted answers in a fixed order, to recognise a resent copy."""
    pairs = sorted((name, value) for name in data for value in data.getlist(name))
    return "\n".join(f"{name}={value}" for name, value in pairs).encode()


def redirect_after_post(url):
    response = redirect(url)
    response.status_code = 303  # See Other: the browser GETs it, never posts again
    return response


def serve_confirmation(page, request):
    """The thank-you page: small, the same for everyone, nothing about any response."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return render_confirmation(page, request)


def render_confirmation(page, request):
    """The confirmation's response (also the form page's "landing" preview for editors)."""
    place = page.place
    context = {
        "page": page,
        "self": page,
        "place": place,
        "results_url": reverse("insight_results", args=[page.place_id, page.round_number])
        if page.place_id
        else "",
        "minimum": min_responses(),
    }
    return TemplateResponse(request, page.landing_page_template, context)


def _require(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied


def enter_index(request):
    """The forms staff can enter responses for, newest first (closed ones too: paper comes late)."""
    _require(request, "engagement.add_submission")
    forms = (
        PlaceStandardFormPage.objects.select_related("place")
        .only("id", "title", "round_number", "round_label", "opens_at", "closes_at", "place__title")
        .order_by("-opens_at", "pk")
    )
    page_obj = Paginator(forms, 50).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "engagement/admin/enter_index.html",
        {"page_obj": page_obj, "header_title": "Enter a response"},
    )


def enter_response(request, page_id):
    _require(request, "engagement.add_submission")
    form_page = get_object_or_404(PlaceStandardFormPage.objects.select_related("place"), pk=page_id)
    form_class = build_staff_form_class(form_page)
    initial = {"tool_version": form_page.tool_version, "participants": 1}
    if request.method == "POST":
        form = form_class(request.POST, page=form_page, user=request.user, initial=initial)
        if form.is_valid():
            submission = save_staff_submission(form_page, form, request.user)
            messages.success(
                request,
                f"Response {submission.pk} ({submission.get_channel_display()}) saved for "
                f"{form_page.title}. You can enter another below.",
            )
            return redirect(reverse("engagement_enter_response", args=[form_page.pk]))
        messages.error(request, "The response could not be saved. Check the errors below.")
    else:
        form = form_class(page=form_page, user=request.user, initial=initial)
    return TemplateResponse(
        request,
        "engagement/admin/enter_response.html",
        {
            "form": form,
            "form_page": form_page,
            "header_title": f"Enter a response: {form_page.title}",
        },
    )
