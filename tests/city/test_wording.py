"""The catalogue in the residents' languages: read from catalogue.<language>.toml beside it, checked with it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from civic311_city import CityConfigError, load_catalogue
from civic311_city.loading import SAMPLE_CATALOGUE


def test_the_sample_catalogue_reads_in_spanish_and_falls_back_to_its_own_words() -> None:
    catalogue = load_catalogue()
    pothole = catalogue.get("POTHOLE")
    assert pothole is not None
    size = pothole.attributes[0]

    spanish = catalogue.wording("es")
    assert spanish.service_name(pothole) == "Bache"
    assert spanish.group(pothole.group) == "Calles"
    assert spanish.question(pothole, size) == "¿Qué tamaño tiene el bache?"
    assert spanish.choice(pothole, size, "large") == "Más grande que una llanta"

    untranslated = catalogue.wording("fr")
    assert untranslated.service_name(pothole) == "Pothole"
    assert untranslated.choice(pothole, size, "large") == "Larger than a car tyre"
    assert untranslated.choice(pothole, size, "unknown-key") == "unknown-key"


def test_every_spanish_entry_names_a_type_of_the_catalogue(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.toml"
    shutil.copy(SAMPLE_CATALOGUE, catalogue)
    (tmp_path / "catalogue.es.toml").write_text('[services.NO_SUCH_TYPE]\nname = "Nada"\n', encoding="utf-8")

    with pytest.raises(
        CityConfigError, match=r"es words name service codes not in the catalogue: \['NO_SUCH_TYPE'\]"
    ):
        load_catalogue(catalogue)


def test_a_misspelt_key_in_a_translation_names_the_file_and_field(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.toml"
    shutil.copy(SAMPLE_CATALOGUE, catalogue)
    (tmp_path / "catalogue.es.toml").write_text('[services.POTHOLE]\nnmae = "Bache"\n', encoding="utf-8")

    with pytest.raises(CityConfigError, match=r"catalogue.es.toml: field services.POTHOLE.nmae"):
        load_catalogue(catalogue)
