"""The reference views `make bench` compares the site with (routes in urls.py).

- Django's floor (`floor`): a view returning a constant response, through the
  site's whole middleware stack. Nothing a page does can cost less.
- The minimal Wagtail page is not a view of ours: urls.py routes
  `__bench__/wagtail/` straight to Wagtail's own `wagtail.views.serve` with the
  path "", as a new `wagtail start` site serves its home page (models.py).
- The submissions reference (`submit`): GET renders a small Django form with
  Django's CSRF token; POST checks the token (Django's CsrfViewMiddleware,
  through `csrf_protect`), validates the form, inserts one `BenchRow` in one
  transaction and answers 303, as the Place Standard form does after storing a
  response (Post/Redirect/Get).
"""

from functools import wraps

from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_protect

from tests.benchmarks.reference.forms import BenchRowForm
from tests.benchmarks.reference.models import BenchRow

FLOOR_BODY = (
    b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
    b"<title>Django floor</title></head>\n<body><p>A constant response.</p></body></html>\n"
)


def floor(request):
    response = HttpResponse(FLOOR_BODY, content_type="text/html; charset=utf-8")
    # The floor is the cost of running a view, so no page cache may answer for it.
    response["Cache-Control"] = "private"
    return response


def djangos_csrf_check(view):
    """`csrf_protect`, even though the site's own cross-site protection ran first.

    config.middleware.CrossSiteProtectionMiddleware checks a public POST's
    Fetch Metadata and Origin and then marks it `csrf_processing_done`, the
    flag with which Django's CsrfViewMiddleware (and so `csrf_protect`) lets a
    request through unchecked. The reference is a plain Django form, so the
    flag is cleared and Django's token check runs as it would in any project.
    """
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.csrf_processing_done = False
        return protected(request, *args, **kwargs)

    return wrapper


@djangos_csrf_check
def submit(request):
    status = 200
    if request.method == "POST":
        form = BenchRowForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                BenchRow.objects.create(**form.cleaned_data)
            response = HttpResponseRedirect(reverse("bench_submitted"))
            response.status_code = 303  # See Other, as the Place Standard form answers
            return response
        status = 400
    else:
        form = BenchRowForm()
    return render(request, "benchreference/submit.html", {"form": form}, status=status)


def submitted(request):
    return HttpResponse(b"Stored.\n", content_type="text/plain; charset=utf-8")
