from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from places.models import Ward


class WardViewSet(SnippetViewSet):
    model = Ward
    icon = "site"
    menu_label = "Wards"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    ordering = ["name"]


register_snippet(WardViewSet)
