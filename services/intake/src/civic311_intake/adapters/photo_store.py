"""Where photos are kept: one interface, a folder in the data directory by default.

Keys are made here (random, 32 hex digits), so nothing a client sends becomes part of a path. A write
goes to a temporary file in the same folder, is flushed to disk and then renamed into place, so a
reader never sees half a photo and a crash leaves at most a stray temporary file.
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
import uuid
from pathlib import Path
from typing import Protocol

_KEY = re.compile(r"^[0-9a-f]{32}(\.thumb)?\.jpg$")


class PhotoStore(Protocol):
    """What the gateway needs of an object store."""

    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes | None: ...

    async def delete(self, key: str) -> None: ...

    async def close(self) -> None:
        """Let go of any connection (the gateway stopping)."""
        ...


def new_keys(name: str | None = None) -> tuple[str, str]:
    """The keys of a new photo and of its thumbnail; `name` (32 hex digits) or a random one."""
    name = name or uuid.uuid4().hex
    return f"{name}.jpg", f"{name}.thumb.jpg"


def thumbnail_key(image_key: str) -> str:
    """The thumbnail's key of the photo `image_key` (a thumbnail's own key stays what it is)."""
    return image_key if image_key.endswith(".thumb.jpg") else image_key.removesuffix(".jpg") + ".thumb.jpg"


def photo_name(key: str) -> str:
    """What a photo and its thumbnail share: the 32 hex digits of their keys."""
    return key[:32]


def is_key(key: str) -> bool:
    """Whether `key` is one this store makes (anything else names no photo, and no path)."""
    return bool(_KEY.match(key))


class FolderPhotoStore:
    """Photos as files in one folder (two levels of subfolders by key, to keep folders small)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, key: str) -> Path:
        if not is_key(key):
            raise ValueError("not a photo key")
        return self._root / key[:2] / key[2:4] / key

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self._path(key), data)

    async def get(self, key: str) -> bytes | None:
        try:
            return await asyncio.to_thread(self._path(key).read_bytes)
        except FileNotFoundError:
            return None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def close(self) -> None:
        return None

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
