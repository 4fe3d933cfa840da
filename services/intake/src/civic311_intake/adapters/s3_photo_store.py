"""Photos in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage, …), behind the same interface as the folder.

One aiobotocore client per process, made on first use and closed when the gateway stops. A PUT is whole or
absent (S3 writes an object atomically), so a reader never sees half a photo, as with the folder's rename.
With an S3_ENDPOINT_URL (a store other than AWS) keys are addressed by path (`endpoint/bucket/key`), which
every S3-compatible server understands; AWS itself gets its default addressing.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import Any

from aiobotocore.config import AioConfig  # type: ignore[import-untyped]
from aiobotocore.session import get_session  # type: ignore[import-untyped]
from botocore.exceptions import ClientError  # type: ignore[import-untyped]
from pydantic import SecretStr

from civic311_intake.adapters.photo_store import is_key

_MISSING = frozenset({"NoSuchKey", "404", "NotFound"})


class S3PhotoStore:
    def __init__(
        self,
        *,
        bucket: str,
        access_key_id: str,
        secret_access_key: SecretStr,
        region: str,
        endpoint_url: str | None = None,
        prefix: str = "",
    ) -> None:
        self._bucket, self._prefix = bucket, prefix
        self._options: dict[str, Any] = {
            "region_name": region,
            "endpoint_url": endpoint_url,
            "aws_access_key_id": access_key_id,
            "aws_secret_access_key": secret_access_key.get_secret_value(),
            "config": AioConfig(
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
                s3={"addressing_style": "path" if endpoint_url else "auto"},
            ),
        }
        self._client: Any = None
        self._lock = asyncio.Lock()
        self._stack = AsyncExitStack()

    async def _s3(self) -> Any:
        async with self._lock:
            if self._client is None:
                client = get_session().create_client("s3", **self._options)
                self._client = await self._stack.enter_async_context(client)
            return self._client

    def _key(self, key: str) -> str:
        if not is_key(key):
            raise ValueError("not a photo key")
        return self._prefix + key

    async def put(self, key: str, data: bytes) -> None:
        s3 = await self._s3()
        await s3.put_object(Bucket=self._bucket, Key=self._key(key), Body=data, ContentType="image/jpeg")

    async def get(self, key: str) -> bytes | None:
        s3 = await self._s3()
        try:
            answer = await s3.get_object(Bucket=self._bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise
        async with answer["Body"] as body:
            data: bytes = await body.read()
        return data

    async def delete(self, key: str) -> None:
        s3 = await self._s3()
        await s3.delete_object(Bucket=self._bucket, Key=self._key(key))  # no such key: S3 answers 204 too

    async def close(self) -> None:
        async with self._lock:
            await self._stack.aclose()
            self._client = None
