"""Posting to public forms the way a browser on the site itself does.

Every test that posts a public form as a citizen goes through `post_form`, so
when the site's cross-site protection asks browsers for more (a header, a
token), this is the one place that adds it.
"""

SAME_ORIGIN_HEADERS = {
    "HTTP_ORIGIN": "http://testserver",
    "HTTP_SEC_FETCH_SITE": "same-origin",
    "HTTP_SEC_FETCH_MODE": "navigate",
}


def post_form(client, url, data, **extra):
    """POST `data` to `url` from a page of the site (same origin), as a form submission."""
    return client.post(url, data, **{**SAME_ORIGIN_HEADERS, **extra})
