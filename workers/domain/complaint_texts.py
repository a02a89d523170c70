"""Mongolian texts of ComplaintEscalationProcess (see workers/domain/notifications.py)."""

COMPLAINT_TEMPLATES: dict[str, tuple[str, str]] = {}
