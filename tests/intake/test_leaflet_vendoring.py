"""The map library is vendored by the build: Leaflet's package from the registry, refused unless it is the
pinned one, only its script, stylesheet and images written, and nothing done when already there."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
from dataclasses import replace
from pathlib import Path

import pytest

from civic311.vendor_assets import LEAFLET, STAMP, VendorError, is_vendored, main, vendor


def package_tarball(files: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    """A .tgz laid out as npm packs one: everything under package/."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return buffer.getvalue()


def integrity_of(content: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(content).digest()).decode("ascii")


LOOKALIKE = {
    "package/package.json": b'{"name": "leaflet"}',
    "package/dist/leaflet.js": b"/* leaflet */",
    "package/dist/leaflet.css": b".leaflet-container {}",
    "package/dist/leaflet-src.js": b"/* the unminified source: not wanted */",
    "package/dist/images/marker-icon.png": b"\x89PNG marker",
    "package/dist/images/nested/deeper.png": b"\x89PNG not directly in images/",
    "package/../../escape.js": b"alert('outside')",
}


def written(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_the_package_that_matches_its_pinned_integrity_gives_only_the_wanted_files_once(
    tmp_path: Path,
) -> None:
    tarball = tmp_path / "leaflet.tgz"
    tarball.write_bytes(package_tarball(LOOKALIKE, links={"package/dist/images/link.png": "/etc/passwd"}))
    package = replace(LEAFLET, integrity=integrity_of(tarball.read_bytes()))
    destination = tmp_path / "static" / "vendor" / "leaflet"

    assert vendor(package, destination, tarball=tarball) is True

    assert written(destination) == {"leaflet.js", "leaflet.css", "images/marker-icon.png", STAMP}
    assert (destination / "leaflet.js").read_bytes() == b"/* leaflet */"
    assert not (tmp_path / "escape.js").exists()
    assert is_vendored(destination, package)
    # Already there at this version: nothing is read, nothing written.
    tarball.unlink()
    assert vendor(package, destination, tarball=tarball) is False


def test_a_package_whose_digest_is_not_the_pinned_one_is_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tarball = tmp_path / "leaflet.tgz"
    tarball.write_bytes(package_tarball(LOOKALIKE))  # not the registry's leaflet-1.9.4.tgz
    destination = tmp_path / "vendor" / "leaflet"

    with pytest.raises(VendorError, match="not the pinned"):
        vendor(LEAFLET, destination, tarball=tarball)
    assert main(["--dest", str(destination), "--from", str(tarball)]) == 1

    assert "not the pinned" in capsys.readouterr().err
    assert not (tmp_path / "vendor").exists()


def test_a_package_without_the_stylesheet_is_refused(tmp_path: Path) -> None:
    tarball = tmp_path / "leaflet.tgz"
    tarball.write_bytes(package_tarball({k: v for k, v in LOOKALIKE.items() if not k.endswith(".css")}))
    package = replace(LEAFLET, integrity=integrity_of(tarball.read_bytes()))

    with pytest.raises(VendorError, match=r"no dist/leaflet\.css"):
        vendor(package, tmp_path / "leaflet", tarball=tarball)
    assert not (tmp_path / "leaflet").exists()


def test_the_pinned_leaflet_from_the_registry_is_vendored(tmp_path: Path) -> None:
    destination = tmp_path / "leaflet"

    assert main(["--dest", str(destination)]) == 0

    assert is_vendored(destination)
    assert {"leaflet.js", "leaflet.css", "images/marker-icon.png", "images/layers.png"} <= written(
        destination
    )
    assert b"Leaflet 1.9.4" in (destination / "leaflet.js").read_bytes()
