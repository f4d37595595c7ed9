"""Requests in any character set are read, never a server error.

A request may declare any `charset` in its Content-Type. Django uses it if
Python knows a codec by that name, but some codecs are not text encodings
(`base64`, `hex`, `zlib`, `rot13`...): decoding a form or even the query
string with one raises, so one header made any URL a server error. And an
urlencoded form that declares a real non-UTF-8 charset (an old client's
ISO-8859-1) is refused by Django outright, although its meaning is clear.
This middleware settles the charset before anything reads the request:
unknown and non-text charsets fall back to UTF-8; a real one decodes the form
as declared. Invalid bytes decode as U+FFFD either way (Django's own rule).
"""

import codecs

from django.http import QueryDict
from django.utils.datastructures import MultiValueDict


def text_codec(charset: str) -> str | None:
    """The codec's canonical name if `charset` names a text encoding, else None."""
    try:
        info = codecs.lookup(charset)
    except (LookupError, TypeError, ValueError):
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


class FormCharsetMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        charset = request.content_params.get("charset")
        if charset:
            codec = text_codec(charset)
            if codec in (None, "utf-8"):
                request.encoding = None  # Django's default: UTF-8
            elif (
                request.method == "POST"
                and request.content_type == "application/x-www-form-urlencoded"
            ):
                request._post = QueryDict(request.body, encoding=codec)
                request._files = MultiValueDict()
        return self.get_response(request)
