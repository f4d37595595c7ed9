"""Friendly error pages: 404 inside the site's layout, 500 without the database.

The 500 tests are deliberately not marked django_db: pytest-django then makes
any database access an error, which proves the page renders when the
database is what failed.
"""

import pytest
from django.test import Client, RequestFactory
from django.urls import path

from config import urls as project_urls
from home.views import server_error


def boom(request):
    raise RuntimeError("Something broke in a view")


# Used through @pytest.mark.urls(__name__): the project's URLs and error
# handlers plus a view that fails.
urlpatterns = [path("boom/", boom), *project_urls.urlpatterns]
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.mark.django_db
def test_missing_page_gets_a_friendly_404(client, home_page):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert '<a href="/">Go to the home page</a>' in html
    assert 'href="/search/"' in html
    # It is the site's own layout, with the organisation's name.
    assert "Example Council" in html
    assert 'id="main-content"' in html


def test_server_error_view_renders_without_the_database():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert '<a href="/">Go to the home page</a>' in html
    assert 'href="/static/ourplaces/css/site.css"' in html


@pytest.mark.urls(__name__)
def test_an_exception_in_a_view_gets_the_friendly_500():
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "Content-Security-Policy" in response.headers
