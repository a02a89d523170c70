"""Load catalog/agencies.yaml, services/*.yaml, complaints.yaml and roles.yaml; every error names file,
service (where there is one) and field."""

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from catalog.model import Agency, Catalog, ComplaintRules, Roles, Service, ServiceCentres

CATALOG_DIR = Path(__file__).resolve().parent
M = TypeVar("M", bound=BaseModel)


class CatalogError(Exception):
    pass


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as error:  # ValueError: a date that does not exist, e.g. 2027-02-31
        raise CatalogError(f"{path.name}: not valid YAML: {error}") from error


def validated(model: type[M], data: Any, where: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(map(str, first["loc"])) or "(whole entry)"
        raise CatalogError(f"{where}: field {field}: {first['msg']}") from error


def load_agencies(directory: Path = CATALOG_DIR) -> dict[str, Agency]:
    agencies_file = directory / "agencies.yaml"
    return {
        a.id: a for a in (
            validated(Agency, entry, f"{agencies_file.name}: agency {entry.get('id', '?')}")
            for entry in read_yaml(agencies_file)["agencies"]
        )
    }


def load_catalog(directory: Path = CATALOG_DIR) -> Catalog:
    agencies = load_agencies(directory)
    services: dict[str, Service] = {}
    for path in sorted((directory / "services").glob("*.yaml")):
        data = read_yaml(path)
        where = f"services/{path.name}: service {data.get('code', '?') if isinstance(data, dict) else '?'}"
        service = validated(Service, data, where)
        if service.code != path.stem:
            raise CatalogError(f"{where}: field code: must equal the file name {path.stem!r}")
        for number, stage in enumerate(service.stages, start=1):
            if stage.agency not in agencies:
                raise CatalogError(f"{where}: field stages.{number}.agency: unknown agency {stage.agency!r}")
        services[service.code] = service
    if not services:
        raise CatalogError(f"no services under {directory / 'services'}")
    return Catalog(agencies=agencies, services=services)


def load_complaint_rules(path: Path = CATALOG_DIR / "complaints.yaml") -> ComplaintRules:
    """The legal deadline, its one extension, reminder points and the calendar overrides."""
    if not path.is_file():
        raise CatalogError(f"{path.name}: missing (looked at {path})")
    return validated(ComplaintRules, read_yaml(path), path.name)


def load_roles(path: Path = CATALOG_DIR / "roles.yaml") -> Roles:
    """The candidate groups of user tasks: each becomes an engine group with its staff and access."""
    return validated(Roles, read_yaml(path), path.name)


def load_service_centres(path: Path = CATALOG_DIR / "service_centres.yaml") -> ServiceCentres:
    """The 30 unified service centres: 9 districts of the capital, 21 aimags."""
    return validated(ServiceCentres, read_yaml(path), path.name)
