from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from home import ratelimit
from schools.downloads import build_zip, get_downloadable_resource, user_is_editor
from schools.forms import CouncillorInvitationForm
from schools.models import DownloadCount, invitation_retention_days
from schools.notifications import notify_invitation

INVITATION_SCOPE = "schools-invitation"


@never_cache
@ratelimit.limit_posts(INVITATION_SCOPE, setting="SCHOOLS_INVITATION_RATE_LIMIT", default=(5, 3600))
def invite_councillor(request, programme_page):
    status = 200
    if request.method == "POST":
        form = CouncillorInvitationForm(request.POST)
        if not form.is_valid():
            status = 400
        elif request.rate_limit.spend():
            with transaction.atomic():
                invitation = form.save()
            invitation.notified_count = notify_invitation(invitation, programme_page)
            invitation.save(update_fields=["notified_count"])
            return HttpResponseRedirect(
                programme_page.url + programme_page.reverse_subpage("invite_councillor_sent")
            )
    else:
        form = CouncillorInvitationForm()
    return TemplateResponse(
        request,
        "pages/schools/invite_councillor.html",
        {
            "page": programme_page,
            "self": programme_page,
            "form": form,
            "retention_days": invitation_retention_days(),
        },
        status=status,
    )


@require_GET
def download_all(request, resource_id):
    """All of a resource's files in one zip, built on the fly (they are small)."""
    resource = get_downloadable_resource(request, resource_id)
    content, _names = build_zip(resource, request)
    if not user_is_editor(request):
        DownloadCount.record(resource.pk)
    response = HttpResponse(content, content_type="application/zip")
    filename = f"{slugify(resource.slug) or 'resource'}-files.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"
    return response
