"""Django's system checks: the only silenced warning must stay wagtailmenus' own.

settings.SILENCED_SYSTEM_CHECKS silences wagtailadmin.W002 ("panels have no
effect on snippets") because wagtailmenus 4.2's menu models trip it. Django
can only silence by id, so a W002 from one of our models would be hidden too;
this test makes that fail the build instead.
"""

from django.conf import settings
from django.core import checks


def test_every_silenced_w002_comes_from_wagtailmenus():
    assert "wagtailadmin.W002" in settings.SILENCED_SYSTEM_CHECKS
    w002 = [message for message in checks.run_checks() if message.id == "wagtailadmin.W002"]

    sources = {getattr(message.obj, "__module__", repr(message.obj)) for message in w002}
    assert sources, (
        "wagtailmenus no longer triggers wagtailadmin.W002: remove it from "
        "SILENCED_SYSTEM_CHECKS (and this test)."
    )
    assert all(source.startswith("wagtailmenus.") for source in sources), sources


def test_nothing_else_is_silenced_or_warned_about():
    assert settings.SILENCED_SYSTEM_CHECKS == ["wagtailadmin.W002"]
    serious = [
        message
        for message in checks.run_checks()
        if message.level >= checks.WARNING and message.id != "wagtailadmin.W002"
    ]
    assert not serious, "\n".join(str(message) for message in serious)
