"""A resident's photo made safe: metadata gone, turned upright, bad files refused before decoding."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from civic311_intake.adapters.photo_store import FolderPhotoStore, is_key, new_keys
from civic311_intake.domain.photos import PhotoRefused, PhotoRules, prepare

SERIAL = "SN-4411-99817"
HOME = (42.0, 21.0, 36.07)


def phone_jpeg(width: int = 400, height: int = 300, orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: EXIF with the camera's serial, the GPS of where it was taken, and
    an orientation (6: the camera was held turned, the pixels need a quarter turn clockwise)."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, width // 2, height))  # left half blue: shows the turn
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone Maker"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = SERIAL
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", HOME
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "W", HOME
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"taken at home")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes of PNG whose header claims `width` x `height` pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_a_phone_photo_keeps_no_serial_no_gps_and_no_comment_and_is_turned_upright() -> None:
    sent = phone_jpeg()
    assert SERIAL.encode() in sent and b"taken at home" in sent

    photo = prepare(sent)

    assert SERIAL.encode() not in photo.image and b"taken at home" not in photo.image
    assert b"Phone Maker" not in photo.image and b"Exif" not in photo.image
    kept = Image.open(io.BytesIO(photo.image))
    assert kept.format == "JPEG"
    assert dict(kept.getexif()) == {}
    assert kept.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert (kept.width, kept.height) == (300, 400) == (photo.width, photo.height)  # turned a quarter
    top, bottom = kept.getpixel((150, 5)), kept.getpixel((150, 395))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[2] > 150 and bottom[0] > 150  # turned clockwise: the blue left half is on top
    thumbnail = Image.open(io.BytesIO(photo.thumbnail))
    assert max(thumbnail.size) <= 320 and dict(thumbnail.getexif()) == {}


def test_a_large_photo_is_scaled_to_the_kept_size() -> None:
    photo = prepare(phone_jpeg(4000, 3000, orientation=1), PhotoRules(largest_side=1000))
    assert (photo.width, photo.height) == (1000, 750)


@pytest.mark.parametrize("kind", ["PNG", "WEBP", "HEIF"])
def test_other_formats_are_kept_as_a_jpeg(kind: str) -> None:
    out = io.BytesIO()
    image = Image.new("RGBA", (64, 48), (10, 200, 10, 128))
    try:
        image.save(out, format=kind)
    except (KeyError, OSError) as cannot:  # a Pillow built without that encoder
        pytest.skip(f"cannot write {kind} here: {cannot}")
    photo = prepare(out.getvalue())
    assert Image.open(io.BytesIO(photo.image)).format == "JPEG"
    assert (photo.width, photo.height) == (64, 48)


@pytest.mark.parametrize(
    ("sent", "why"),
    [
        (b"", "empty"),
        (b"plain text renamed to photo.jpg\n" * 10, "not a JPEG, PNG, WebP or HEIC"),
        (b"GIF89a" + b"\0" * 100, "not a JPEG, PNG, WebP or HEIC"),
        (png_claiming(100_000, 100_000), "at most"),
        (png_claiming(9_000, 9_000), "at most 50,000,000 pixels"),
        (phone_jpeg()[: len(phone_jpeg()) * 2 // 3], "damaged or incomplete"),
    ],
    ids=["empty", "text", "gif", "bomb", "too-many-pixels", "truncated"],
)
def test_what_is_not_a_photo_we_keep_is_refused_saying_why(sent: bytes, why: str) -> None:
    with pytest.raises(PhotoRefused, match=why):
        prepare(sent)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read() -> None:
    with pytest.raises(PhotoRefused, match="at most 1 MB"):
        prepare(b"\xff\xd8" + b"\0" * (1024 * 1024), PhotoRules(max_bytes=1024 * 1024))


async def test_the_folder_store_keeps_what_it_is_given_under_keys_it_made(tmp_path: Path) -> None:
    store = FolderPhotoStore(tmp_path)
    image_key, thumbnail_key = new_keys()
    assert is_key(image_key) and is_key(thumbnail_key)
    await store.put(image_key, b"photo")
    assert await store.get(image_key) == b"photo"
    assert await store.get(thumbnail_key) is None
    assert not [p for p in tmp_path.rglob(".incoming-*")]
    await store.delete(image_key)
    assert await store.get(image_key) is None
    for made_up in ("../../etc/passwd", "a.jpg", image_key.upper(), f"{image_key}/x"):
        assert not is_key(made_up)
        with pytest.raises(ValueError, match="not a photo key"):
            await store.get(made_up)
