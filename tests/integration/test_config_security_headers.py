"""Security headers: a strict Content-Security-Policy on the public site only."""

import pytest


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/search/?q=place", "/no-such-page/"])
def test_public_pages_send_the_security_headers(client, home_page, path):
    response = client.get(path)

    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in directives[directive]
        assert "'unsafe-eval'" not in directives[directive]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "geolocation=()", "microphone=()"):
        assert feature in permissions


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/", "/django-admin/"])
def test_admin_has_no_content_security_policy(admin_client, home_page, path):
    # Wagtail's and Django's admin use inline scripts that the policy would block.
    response = admin_client.get(path)

    assert response.status_code == 200
    assert "Content-Security-Policy" not in response.headers
    assert "Permissions-Policy" in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
