from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Home and site"

    def ready(self):
        # Registers the deploy check on the rate-limit store, and creates the
        # store's table (with no Redis) wherever migrations run.
        from home import invalidation, ratelimit

        # Everything cached is renewed by the events that change it.
        invalidation.connect_signals()

        post_migrate.connect(
            ratelimit.create_cache_table, sender=self, dispatch_uid="home-ratelimit-table"
        )
