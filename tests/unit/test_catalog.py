"""The service catalogue: the real one is valid and covers the mandate; a broken one names file, service, field."""

import shutil
from pathlib import Path

import pytest

from catalog import CatalogError, ServiceKind, load_catalog
from catalog.loader import CATALOG_DIR


def test_the_catalogue_covers_every_kind_of_service_in_the_mandate() -> None:
    catalog = load_catalog()
    kinds = [service.kind for service in catalog.services.values()]
    assert len(catalog.services) >= 10
    assert kinds.count(ServiceKind.REFERENCE) >= 3
    assert kinds.count(ServiceKind.SINGLE_STAGE) >= 2
    assert {len(s.stages) for s in catalog.services.values() if s.kind == ServiceKind.MULTI_STAGE} == {2, 3}


def test_every_service_speaks_mongolian_and_cites_its_registry_sources() -> None:
    for service in load_catalog().services.values():
        assert any("\u0400" <= ch <= "\u04ff" for ch in service.name_mn), service.code
        for document in service.documents:
            assert (document.source == "xyp") == (document.xyp_service is not None), document.code


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    shutil.copytree(CATALOG_DIR / "services", tmp_path / "services")
    shutil.copy(CATALOG_DIR / "agencies.yaml", tmp_path / "agencies.yaml")
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("land-possession-right", "agency: capital-governor", "agency: ministry-of-magic",
         "services/land-possession-right.yaml: service land-possession-right: field stages.2.agency: "
         "unknown agency 'ministry-of-magic'"),
        ("id-card-replacement", "xyp_service: WS100102", "xyp_service: WS999999",
         "services/id-card-replacement.yaml: service id-card-replacement: field documents.0: "
         "Value error, xyp_service must be one of"),
        ("criminal-record-certificate", "warning_at_working_days: 2", "warning_at_working_days: 5",
         "services/criminal-record-certificate.yaml: service criminal-record-certificate: field sla: "
         "Value error, warning_at_working_days must be less than working_days"),
        ("address-reference", "channels: [portal, service-centre, kiosk]", "channels: []",
         "services/address-reference.yaml: service address-reference: field channels: List should have at least"),
        ("taxpayer-reference", "kind: reference", "kind: single-stage",
         "services/taxpayer-reference.yaml: service taxpayer-reference: field (whole entry): Value error, "
         "a single-stage service has 1-1 stages, this one has 0"),
    ],
)
def test_broken_entries_are_refused_naming_file_service_and_field(
    catalog_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    edit(catalog_copy / "services" / f"{file}.yaml", old, new)
    with pytest.raises(CatalogError) as error:
        load_catalog(catalog_copy)
    assert str(error.value).startswith(message)


def test_a_file_whose_name_differs_from_its_code_is_refused(catalog_copy: Path) -> None:
    (catalog_copy / "services" / "address-reference.yaml").rename(catalog_copy / "services" / "address.yaml")
    with pytest.raises(CatalogError, match="must equal the file name 'address'"):
        load_catalog(catalog_copy)
