"""The organisation's logo, checked once when it is set: a PNG or JPEG of bounded size,
decoded in full so that a file that only looks like an image is refused then, not when an
invoice is printed."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from .errors import InvalidInput

MAX_BYTES = 1024 * 1024
MAX_PIXELS = 4_000_000  # 2000 × 2000: more than any print needs, little to decode
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
# Printed in the header at most this large (mm), its proportions kept.
PRINT_WIDTH_MM = 60.0
PRINT_HEIGHT_MM = 18.0


@dataclass(frozen=True)
class LogoImage:
    media_type: str
    width: int
    height: int
    data: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def print_size(self) -> tuple[float, float]:
        """(width, height) in mm: as large as fits the header box, proportions kept."""
        scale = min(PRINT_WIDTH_MM / self.width, PRINT_HEIGHT_MM / self.height)
        return round(self.width * scale, 2), round(self.height * scale, 2)


def check_logo(name: str, data: bytes, field: str = "--logo") -> LogoImage:
    """The image in ``data`` (read from the file ``name``) if it is one the PDF may
    carry; else an error naming the file and why."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_BYTES:
        raise InvalidInput(
            f"{field}: {name} is {len(data) / 1024 / 1024:.1f} MB, more than the "
            f"{MAX_BYTES // 1024 // 1024} MB a logo may have"
        )
    try:
        with Image.open(io.BytesIO(data), formats=tuple(MEDIA_TYPES)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise InvalidInput(
                    f"{field}: {name} is {width}×{height} pixels, more than the "
                    f"{MAX_PIXELS // 1_000_000} million a logo may have"
                )
            kind = image.format
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise InvalidInput(f"{field}: {name} is not a PNG or JPEG image") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput(f"{field}: {name} is a damaged image ({exc})") from None
    return LogoImage(MEDIA_TYPES[kind], width, height, data)
