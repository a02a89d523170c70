"""The service catalogue: services, their stages, required documents, agencies and SLA norms (YAML)."""

from catalog.loader import CatalogError, load_catalog
from catalog.model import Catalog, Service, ServiceKind

__all__ = ["Catalog", "CatalogError", "Service", "ServiceKind", "load_catalog"]
