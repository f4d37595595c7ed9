import os
import sys
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(SITE_DIR), str(SITE_DIR.parent)]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from django.core.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()
