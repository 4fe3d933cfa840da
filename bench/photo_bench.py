"""Photo uploads: a 12-megapixel phone JPEG kept (made safe, thumbnail, stored) 10 at a time.

What the gateway does with a photo sent with a report (application.photos.keep_photo into the folder
store), in this process, with 10 uploads in flight at once, each in Pillow on a worker thread. The
ceiling is Pillow alone in the same run: one decode of the same file and one JPEG encode of the kept
size, one at a time. `python -m bench.photo_bench` (BENCH_PHOTO_UPLOADS, default 100).
"""

from __future__ import annotations

import asyncio
import io
import os
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageFilter

from bench.report import Figure, percentile, table
from civic311_intake.adapters.photo_store import FolderPhotoStore
from civic311_intake.application.photos import keep_photo

CONCURRENT = 10


def twelve_megapixels() -> bytes:
    """A 4000 x 3000 JPEG with detail in it (a flat image would encode unrealistically fast)."""
    image = Image.effect_noise((4000, 3000), 64).convert("RGB").filter(ImageFilter.GaussianBlur(1))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def _pillow_alone(data: bytes) -> float:
    began = time.perf_counter()
    image = Image.open(io.BytesIO(data))
    image.load()
    image.thumbnail((2000, 2000))
    image.save(io.BytesIO(), format="JPEG", quality=85)
    return (time.perf_counter() - began) * 1000


async def photo_figures() -> tuple[list[Figure], dict[str, object]]:
    uploads = int(os.environ.get("BENCH_PHOTO_UPLOADS", "100"))
    data = twelve_megapixels()
    ceiling = [_pillow_alone(data) for _ in range(5)]
    with tempfile.TemporaryDirectory() as folder:
        store = FolderPhotoStore(Path(folder))
        gate = asyncio.Semaphore(CONCURRENT)
        latencies: list[float] = []

        async def upload() -> None:
            async with gate:
                began = time.perf_counter()
                await keep_photo(store, data)
                latencies.append((time.perf_counter() - began) * 1000)

        began = time.perf_counter()
        await asyncio.gather(*(upload() for _ in range(uploads)))
        elapsed = time.perf_counter() - began
    figures = [
        Figure(f"photo upload p50, 12 MP JPEG, {CONCURRENT} at once", percentile(latencies, 0.5), "ms"),
        Figure(
            f"photo upload p99, 12 MP JPEG, {CONCURRENT} at once",
            percentile(latencies, 0.99),
            "ms",
            ceiling_name="Pillow decode + encode alone, one at a time",
            ceiling=min(ceiling),
        ),
        Figure("photo uploads kept/s", uploads / elapsed, "photos/s"),
    ]
    return figures, {"photo_bytes": len(data), "photo_uploads": uploads}


if __name__ == "__main__":
    figures, parameters = asyncio.run(photo_figures())
    print(table(figures))
    print(parameters)
