from home.text import parse_id
from schools.downloads import public_resources_for_document, user_is_editor
from schools.models import DownloadCount


def count_document_download(sender, instance, request, **kwargs):
    """Count a served file against its resource: the one linked from, else the oldest.

    Sent by Wagtail's serve view once every before_serve_document check has
    passed, so refused requests are never counted. Editors' downloads (checking
    their own work) are not counted, and neither are HEAD requests.
    """
    if request is None or request.method != "GET" or user_is_editor(request):
        return
    resources = public_resources_for_document(instance)
    chosen = None
    if requested := parse_id(request.GET.get("resource")):
        chosen = resources.filter(pk=requested).values_list("pk", flat=True).first()
    if chosen is None:
        chosen = resources.values_list("pk", flat=True).first()
    if chosen is not None:
        DownloadCount.record(chosen, instance.pk)
