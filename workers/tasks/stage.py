"""The stage element of the agency loop: one item of `stages` (JSON text), as the multi-instance hands it
to each task inside."""

from workers.models import ProcessVariables


class Stage(ProcessVariables):
    number: int
    agency: str
    agency_name: str
    task: str
