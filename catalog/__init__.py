"""The service catalogue: services, their stages, required documents, agencies and SLA norms; complaint
deadlines and calendar overrides (YAML)."""

from catalog.loader import CatalogError, load_catalog, load_complaint_rules
from catalog.model import Catalog, ComplaintRules, DeadlineKind, Service, ServiceKind

__all__ = [
    "Catalog", "CatalogError", "ComplaintRules", "DeadlineKind", "Service", "ServiceKind", "load_catalog",
    "load_complaint_rules",
]
