"""Vendor the map library the gateway's pages use: Leaflet, from the npm registry, checked, never committed.

`python -m civic311.vendor_assets` fetches the pinned version's package, checks it against the registry's
own sha512 integrity for that version, and puts `leaflet.js`, `leaflet.css` and `images/` under the
gateway's static folder (`vendor/leaflet/`, gitignored). Already there at this version: it does nothing.
Standard library only, so it runs before the project's dependencies are installed (the Docker build,
a fresh clone). `--from FILE` takes a package tarball already downloaded (a closed network's mirror).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.util
import io
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str
    """The registry's `dist.integrity` of that version: "sha512-" and the base64 digest."""
    files: dict[str, str]
    """Path in the package (under package/) -> path under the destination; a path ending in / takes
    every regular file directly in that folder."""

    @property
    def url(self) -> str:
        return f"https://registry.npmjs.org/{self.name}/-/{self.name}-{self.version}.tgz"

    @property
    def stamp(self) -> str:
        return f"{self.name} {self.version} {self.integrity}\n"


LEAFLET = Package(
    name="leaflet",
    version="1.9.4",
    integrity="sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
    files={"dist/leaflet.js": "leaflet.js", "dist/leaflet.css": "leaflet.css", "dist/images/": "images/"},
)
STAMP = "VERSION"
_MAX_PACKAGE_BYTES = 20 * 1024 * 1024
_TIMEOUT_SECONDS = 60


class VendorError(Exception):
    """The package could not be fetched, or is not the one pinned: nothing was written."""


def static_folder() -> Path:
    """The gateway's static folder (civic311_intake/entrypoints/web/static), found without importing it."""
    spec = importlib.util.find_spec("civic311_intake")
    if spec is None or not spec.submodule_search_locations:
        raise VendorError("the civic311_intake package is not installed here")
    return Path(next(iter(spec.submodule_search_locations))) / "entrypoints" / "web" / "static"


def default_destination(package: Package = LEAFLET) -> Path:
    return static_folder() / "vendor" / package.name


def is_vendored(destination: Path, package: Package = LEAFLET) -> bool:
    stamp = destination / STAMP
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == package.stamp


def vendor(package: Package, destination: Path, *, tarball: Path | None = None) -> bool:
    """Put the package's files at `destination`; False when they were there already at this version."""
    if is_vendored(destination, package):
        return False
    content = tarball.read_bytes() if tarball is not None else _download(package.url)
    _check_integrity(content, package)
    files = _wanted_files(content, package)
    destination.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the destination and renamed into place: a failure or a second copy running at the
    # same time never leaves a half-written folder that looks vendored.
    staging = Path(tempfile.mkdtemp(prefix=f".{package.name}-", dir=destination.parent))
    try:
        for relative, data in files.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (staging / STAMP).write_text(package.stamp, encoding="utf-8")
        if is_vendored(destination, package):
            return False  # another copy (a second test worker, say) finished first
        if destination.exists():
            shutil.rmtree(destination)
        try:
            staging.rename(destination)
        except OSError:
            if not is_vendored(destination, package):  # not another copy that finished first
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return True


def _download(url: str) -> bytes:
    if not url.startswith("https://"):
        raise VendorError(f"{url}: only https")
    request = urllib.request.Request(url, headers={"User-Agent": "civic311-vendor-assets"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as answer:  # noqa: S310
            content: bytes = answer.read(_MAX_PACKAGE_BYTES + 1)
    except OSError as error:
        raise VendorError(f"{url}: {error}") from error
    if len(content) > _MAX_PACKAGE_BYTES:
        raise VendorError(f"{url}: larger than {_MAX_PACKAGE_BYTES} bytes")
    return content


def _check_integrity(content: bytes, package: Package) -> None:
    algorithm, _, expected = package.integrity.partition("-")
    if algorithm != "sha512":
        raise VendorError(f"{package.name}: only sha512 integrity is accepted, not {algorithm}")
    actual = base64.b64encode(hashlib.sha512(content).digest()).decode("ascii")
    if actual != expected:
        raise VendorError(
            f"{package.name} {package.version}: the package's sha512 is {actual}, not the pinned {expected}"
        )


def _wanted_files(content: bytes, package: Package) -> dict[str, bytes]:
    """The package's wanted regular files by their path under the destination (no links, no '..')."""
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
        for member in archive:
            if not member.isreg():
                continue
            path = PurePosixPath(member.name)
            if path.parts[:1] != ("package",) or ".." in path.parts:
                continue
            inside = PurePosixPath(*path.parts[1:]).as_posix()
            target = _target(inside, package.files)
            extracted = archive.extractfile(member) if target is not None else None
            if target is not None and extracted is not None:
                found[target] = extracted.read()
    missing = [
        wanted
        for wanted, target in package.files.items()
        if not any(name == target or (target.endswith("/") and name.startswith(target)) for name in found)
    ]
    if missing:
        raise VendorError(f"{package.name} {package.version}: the package has no {', '.join(missing)}")
    return found


def _target(inside: str, files: dict[str, str]) -> str | None:
    for wanted, target in files.items():
        if inside == wanted:
            return target
        if wanted.endswith("/") and inside.startswith(wanted) and "/" not in inside[len(wanted) :]:
            return target + inside[len(wanted) :]
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m civic311.vendor_assets", description=__doc__)
    parser.add_argument(
        "--dest", type=Path, default=None, help="Folder for Leaflet (default: the gateway's static vendor/)"
    )
    parser.add_argument(
        "--from",
        dest="tarball",
        type=Path,
        default=None,
        help="A leaflet package tarball already downloaded, instead of the registry",
    )
    arguments = parser.parse_args(argv)
    try:
        destination = arguments.dest or default_destination()
        changed = vendor(LEAFLET, destination, tarball=arguments.tarball)
    except (VendorError, OSError) as error:
        print(f"vendor_assets: {error}", file=sys.stderr)
        return 1
    done = "vendored at" if changed else "already at"
    print(f"{LEAFLET.name} {LEAFLET.version} {done} {os.path.relpath(destination)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
