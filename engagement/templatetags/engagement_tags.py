from django import template

register = template.Library()


@register.inclusion_tag("components/engagement/embedded_form.html", takes_context=True)
def place_standard_form(context, form_page, heading_level=2):
    """A Place Standard form shown inside another page, posting to the form page.

    Each form on a page gets its own id prefix (ps1-, ps2-...), so ids stay
    unique even if a page ever shows more than one form.
    """
    request = context.get("request")
    count = getattr(request, "_engagement_form_count", 0) + 1
    if request is not None:
        request._engagement_form_count = count
    form_page = form_page.specific if form_page is not None else None
    is_open = bool(form_page and form_page.live and form_page.is_open())
    form = None
    if is_open:
        user = getattr(request, "user", None)
        form = form_page.get_form(page=form_page, user=user, auto_id=f"ps{count}-%s")
    return {
        "request": request,
        "form_page": form_page,
        "form": form,
        "is_open": is_open,
        "id_prefix": f"ps{count}",
        "heading": f"h{heading_level}",
        "sub_heading": f"h{heading_level + 1}",
    }
