"""Photos for story tests: a JPEG that gives its location away, and cheap giant PNGs."""

import io
import struct
import zlib

from PIL import Image

#: Written into the test photo's EXIF: must never reach a public copy.
EXIF_MARKER = "Taken at 12 Example Street by Sam"
#: The test photo is 40 x 30 and says "rotate 90 degrees clockwise to view".
SENT_SIZE = (40, 30)
UPRIGHT_SIZE = (30, 40)


def jpeg_with_location() -> bytes:
    """A small JPEG with GPS coordinates, a description and an orientation in its EXIF."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to view
    exif[0x010E] = EXIF_MARKER  # ImageDescription
    exif[0x8825] = {  # GPSInfo
        1: "N",
        2: (53.0, 38.0, 45.0),
        3: "W",
        4: (1.0, 47.0, 1.0),
    }
    buffer = io.BytesIO()
    Image.new("RGB", SENT_SIZE, "#00594c").save(buffer, format="JPEG", exif=exif.tobytes())
    data = buffer.getvalue()
    reopened = Image.open(io.BytesIO(data)).getexif()
    assert reopened.get_ifd(0x8825), "the test photo must carry GPS data"
    return data


def giant_png(width: int, height: int) -> bytes:
    """A PNG that declares these dimensions in its header, in a few dozen bytes.

    Its image data is a stub: a server that decodes it would fail or spend
    memory, one that reads the header only refuses it cheaply.
    """

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def has_metadata(data: bytes) -> list[str]:
    """What metadata an image still carries (empty when clean)."""
    found = []
    image = Image.open(io.BytesIO(data))
    if image.getexif():
        found.append("exif")
    for key in ("exif", "icc_profile", "xmp", "comment"):
        if key in image.info:
            found.append(key)
    if EXIF_MARKER.encode() in data or b"Exif\x00\x00" in data:
        found.append("exif bytes")
    return found
