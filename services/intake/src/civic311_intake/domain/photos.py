"""A resident's photo, made safe to keep and to show.

Whatever arrives (JPEG, PNG, WebP or a phone's HEIC) is decoded by Pillow, turned upright by its EXIF
orientation, and encoded again as a fresh JPEG with no metadata at all: a phone's EXIF carries the
camera's serial number and often the GPS position of the home it was taken from, and nothing of it
must reach the public. The format is read from the bytes, never from the name or the declared type,
and the pixel count is checked from the header before anything is decoded, so a small file that
would unpack into gigabytes (a decompression bomb) is refused before it costs memory.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "HEIF"})
"""What residents' phones and cameras send; the names are Pillow's."""
CONTENT_TYPE = "image/jpeg"
"""What every stored photo is, whatever it arrived as."""


@dataclass(frozen=True)
class PhotoRules:
    """Limits on what is accepted and the sizes kept."""

    max_bytes: int = 20 * 1024 * 1024
    """A 12-megapixel phone JPEG is 3 to 8 MB; a PNG of the same is larger."""
    max_pixels: int = 50_000_000
    """Refused above this before decoding: a 48-megapixel phone sensor still fits."""
    largest_side: int = 2000
    """The kept photo is scaled down to this on its longer side: enough to see a pothole's edge, and a
    12-megapixel JPEG (4000 x 3000) is then decoded at half scale, a quarter of the work."""
    thumbnail_side: int = 320
    quality: int = 85


class PhotoRefused(ValueError):
    """The file is not a photo we keep; the message says why, in words a resident understands."""


@dataclass(frozen=True)
class Photo:
    """A photo ready to store: the image and its thumbnail, both JPEG without metadata."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int


def prepare(data: bytes, rules: PhotoRules = PhotoRules()) -> Photo:
    """The photo `data` made safe to keep, or `PhotoRefused` saying why it is not kept."""
    if not data:
        raise PhotoRefused("the file is empty")
    if len(data) > rules.max_bytes:
        raise PhotoRefused(f"a photo is at most {rules.max_bytes // (1024 * 1024)} MB")
    source = _open(data, rules)
    if source.format == "JPEG":  # let libjpeg decode at the smallest scale that still covers the size kept
        source.draft("RGB", (rules.largest_side, rules.largest_side))
    try:
        upright = _decoded(source)
    finally:
        source.close()
    image = _flattened(upright)
    image.thumbnail((rules.largest_side, rules.largest_side), Image.Resampling.LANCZOS)
    thumbnail = image.copy()
    thumbnail.thumbnail((rules.thumbnail_side, rules.thumbnail_side), Image.Resampling.LANCZOS)
    return Photo(
        image=_jpeg(image, rules.quality),
        thumbnail=_jpeg(thumbnail, rules.quality),
        width=image.width,
        height=image.height,
    )


def _open(data: bytes, rules: PhotoRules) -> Image.Image:
    """The image's header read, its format and size checked; nothing decoded yet."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(f"a photo is at most {rules.max_pixels:,} pixels") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise PhotoRefused("the file is not a JPEG, PNG, WebP or HEIC photo") from None
    if image.format not in ACCEPTED_FORMATS:
        image.close()
        raise PhotoRefused("the file is not a JPEG, PNG, WebP or HEIC photo")
    width, height = image.size
    if width < 1 or height < 1 or width * height > rules.max_pixels:
        image.close()
        raise PhotoRefused(f"a photo is at most {rules.max_pixels:,} pixels")
    return image


def _decoded(image: Image.Image) -> Image.Image:
    """The pixels, turned the way the camera was held; a truncated or corrupt file is refused."""
    try:
        image.load()
        return ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise PhotoRefused("the photo is damaged or incomplete") from None


def _flattened(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency laid on white (a PNG screenshot), palettes and greys expanded."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image.copy()


def _jpeg(image: Image.Image, quality: int) -> bytes:
    """A fresh JPEG of the pixels alone: no EXIF, no XMP, no comment, no colour profile."""
    out = io.BytesIO()
    image.info.clear()
    image.save(out, format="JPEG", quality=quality, exif=b"")
    return out.getvalue()
