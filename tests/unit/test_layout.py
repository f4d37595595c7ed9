"""The checkout has the design card's shape (../shared/DESIGN.md, "Layout").

The top level holds the card's folders and files and project tooling, and
nothing else: a new app or a stray data folder belongs inside an app or
`site/`. The engagement plugins (stories, alerts, feedback, groups,
crowdfunding) live in `engagement/conversation/`, an app of its own whose
label stays `conversation`.
"""

import subprocess
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]

CARD = {
    "site",
    "home",
    "places",
    "engagement",
    "councillor_pages",
    "schools",
    "templates",
    "tests",
    "manage.py",
    "pyproject.toml",
}
TOOLING = {
    "README.md",
    "ARCHITECTURE.md",
    "Makefile",
    ".ci",
    "scripts",
    "package.json",
    "package-lock.json",
    "requirements.lock",
    "requirements-test.lock",
    ".gitignore",
}


def tracked_top_level() -> set[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {path.split("/", 1)[0] for path in listed}


def test_the_top_level_holds_only_the_cards_folders_and_tooling():
    found = tracked_top_level()
    assert found >= CARD, f"missing from the card: {sorted(CARD - found)}"
    assert found <= CARD | TOOLING, f"not on the card: {sorted(found - CARD - TOOLING)}"


def test_the_conversation_plugins_are_an_app_inside_engagement():
    config = apps.get_app_config("conversation")
    assert config.name == "engagement.conversation"
    assert Path(config.path) == ROOT / "engagement" / "conversation"
    project_apps = [
        config
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT)
        and not {".venv", "tests"} & set(Path(config.path).relative_to(ROOT).parts)
    ]
    top_level = {Path(config.path).relative_to(ROOT).parts[0] for config in project_apps}
    assert top_level <= CARD, sorted(top_level - CARD)
