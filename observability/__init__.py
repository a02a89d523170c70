"""Logging shared by every component: structlog to stdout with personal data masked in every line."""

from observability.logs import configure_logging
from observability.masking import mask_text, mask_value

__all__ = ["configure_logging", "mask_text", "mask_value"]
