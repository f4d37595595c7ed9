"""A placeholder illustration for the demo site, drawn with Pillow.

The demo needs a hero image so the home page looks like the real thing, but
the repository should not carry photographs whose rights we would have to
track. A simple drawn landscape (hills, a valley of terraced houses, a mill
chimney) is ours, small, and obviously a placeholder.
"""

import math
from io import BytesIO

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model

HERO_IMAGE_TITLE = "Our Places demo illustration: Pennine valley"
HERO_IMAGE_DESCRIPTION = (
    "Illustration of green Pennine hills above a valley of stone terraced houses "
    "and an old mill chimney."
)

WIDTH, HEIGHT = 1600, 900


def _hill(draw, base_y, amplitude, wavelength, phase, colour):
    points = [(0, HEIGHT)]
    for x in range(0, WIDTH + 20, 20):
        y = base_y + amplitude * math.sin((x / wavelength) * 2 * math.pi + phase)
        points.append((x, y))
    points.append((WIDTH, HEIGHT))
    draw.polygon(points, fill=colour)


def draw_valley() -> bytes:
    image = PILImage.new("RGB", (WIDTH, HEIGHT), "#d8e8f0")
    draw = ImageDraw.Draw(image)
    # Sky fading towards the horizon.
    for y in range(0, 420):
        shade = int(200 + 40 * y / 420)
        draw.line([(0, y), (WIDTH, y)], fill=(shade - 20, shade, min(255, shade + 12)))
    _hill(draw, 360, 50, 1100, 0.4, "#9bbf8a")
    _hill(draw, 450, 60, 800, 2.1, "#6f9e62")
    # A mill with its chimney, then terraces stepping down the valley side.
    draw.rectangle([1080, 430, 1420, 560], fill="#8c7a62")
    for wx in range(1100, 1400, 36):
        for wy in (450, 500):
            draw.rectangle([wx, wy, wx + 18, wy + 30], fill="#5e5446")
    draw.rectangle([1180, 260, 1215, 430], fill="#6b5a4a")
    draw.rectangle([1172, 250, 1223, 265], fill="#5a4a3c")
    for row, (left, top) in enumerate([(120, 540), (300, 610), (80, 680)]):
        right = left + 900 - 120 * row
        draw.polygon(
            [(left, top), (left + 12, top - 22), (right - 12, top - 22), (right, top)],
            fill="#4f4f5c",
        )
        draw.rectangle([left, top, right, top + 58], fill="#a89478")
        for x in range(left + 20, right - 40, 60):
            draw.rectangle([x, top + 14, x + 22, top + 38], fill="#f2e3b3")
            draw.rectangle([x + 30, top - 34, x + 40, top - 22], fill="#6b5a4a")
    _hill(draw, 760, 35, 900, 1.3, "#4e7d4a")
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def ensure_hero_image():
    """Return (image, created): the demo illustration, drawing it only if missing."""
    image_model = get_image_model()
    existing = image_model.objects.filter(title=HERO_IMAGE_TITLE).first()
    if existing is not None:
        return existing, False
    image = image_model(title=HERO_IMAGE_TITLE, description=HERO_IMAGE_DESCRIPTION)
    image.file = ImageFile(BytesIO(draw_valley()), name="our-places-demo-valley.png")
    image.save()
    return image, True
