"""The error taxonomy of STYLE.md, as exceptions a domain function raises.

- BpmnError: a business outcome the model catches (error code UPPER_SNAKE).
- InvalidJobData: data the worker can never process; the task fails at once into an incident.
- TransientError (and any unexpected exception): retried with exponential backoff.
"""

from typing import Any


class BpmnError(Exception):
    def __init__(self, code: str, message: str, variables: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.variables = variables or {}


class InvalidJobData(Exception):
    """Raise with a message that tells a person in Cockpit what to fix."""


class TransientError(Exception):
    """A fault that may pass: a system down, slow or answering 5xx."""
