import os
import sys
from pathlib import Path

# site/ holds the `config` package; the repository root holds the apps.
SITE_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(SITE_DIR), str(SITE_DIR.parent)]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
