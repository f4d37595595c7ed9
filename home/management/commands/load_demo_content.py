"""Build the demo site: run each app's `demo.load(step)` in dependency order.

Every app that has demo content provides `<app>/demo.py` with a function
`load(step)`, which loads the app's data file `<app>/demo_content.toml` with
home.demo_loader and adds what has to be generated (images, files, example
responses). `step(message)` prints a numbered progress line. Loading is
idempotent: content is found by a stable key (slug path, code, name) and
only what is missing is created, so running the command twice changes
nothing. Malformed data stops the command with an error that names the
file, the item and the field.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_APPS = ["home", "places", "engagement", "councillor_pages", "schools", "conversation"]


class Command(BaseCommand):
    help = "Load the demo content (idempotent: safe to run again)."

    def handle(self, *args, **options):
        counter = {"n": 0}

        def step(message: str) -> None:
            counter["n"] += 1
            self.stdout.write(f"[{counter['n']:>2}] {message}")

        for label in DEMO_APPS:
            config = next((c for c in apps.get_app_configs() if c.label == label), None)
            package = config.name if config else None
            if package is None or find_spec(f"{package}.demo") is None:
                continue
            module = import_module(f"{package}.demo")
            # One transaction per app: an error leaves that app's demo content
            # as it was rather than half-built.
            with transaction.atomic():
                module.load(step)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
