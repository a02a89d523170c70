"""Mongolian texts sent to citizens at each status change, and the message id that makes sending idempotent.

Each process keeps its texts in a module of its own; TEMPLATES joins them.
"""

from dataclasses import dataclass
from string import Formatter

from domain.complaint_texts import COMPLAINT_TEMPLATES
from domain.document_texts import DOCUMENT_TEMPLATES

Template = tuple[str, str]  # title, text with {placeholders}

SERVICE_TEMPLATES: dict[str, Template] = {
    "received": (
        "Хүсэлт хүлээн авлаа",
        "Таны {service} хүсэлтийг хүлээн авлаа. Хүсэлтийн дугаар: {case}.",
    ),
    "forwarded": (
        "Хүсэлт шийдвэрлэгдэж байна",
        "Таны {case} дугаартай хүсэлтийг {agency} шийдвэрлэж байна ({stage}-р шат).",
    ),
    "information-needed": (
        "Нэмэлт мэдээлэл шаардлагатай",
        "{agency} таны {case} дугаартай хүсэлтэд нэмэлт мэдээлэл хүсэж байна: {reason}",
    ),
    "rejected": (
        "Хүсэлт шийдвэрлэгдсэнгүй",
        "Таны {case} дугаартай хүсэлтийг шийдвэрлэх боломжгүй байна. Шалтгаан: {reason}",
    ),
    "completed": (
        "Үйлчилгээ бэлэн боллоо",
        "Таны {service} үйлчилгээ бэлэн боллоо ({case}). Үйлчилгээнд сэтгэл ханамжаа 1-5 оноогоор үнэлнэ үү.",
    ),
}

TEMPLATES: dict[str, Template] = SERVICE_TEMPLATES | DOCUMENT_TEMPLATES | COMPLAINT_TEMPLATES
STANDARD_FIELDS = {"case", "service", "agency", "stage", "reason"}


@dataclass(frozen=True)
class Notification:
    message_id: str
    title: str
    text: str


def placeholders(status: str) -> set[str]:
    _, body = TEMPLATES[status]
    return {name for _, name, _, _ in Formatter().parse(body) if name}


def compose(status: str, case: str, service: str = "", agency: str = "", stage: int | None = None,
            reason: str = "", key: str | None = None, fields: dict[str, str] | None = None) -> Notification:
    """One message per case, status, stage and key: its id is what receivers use to drop repeats.

    `key` tells apart messages of one status that are meant to go out more than once (a second upload
    request, say); `fields` fill a template's own placeholders.
    """
    title, body = TEMPLATES[status]
    suffix = (f"-{stage}" if stage is not None else "") + (f"-{key}" if key else "")
    values = {"case": case, "service": service, "agency": agency, "stage": stage or "",
              "reason": reason or "тодорхойгүй"} | (fields or {})
    missing = placeholders(status) - values.keys()
    if missing:
        raise KeyError(f"the {status!r} text needs {sorted(missing)}")
    return Notification(message_id=f"{case}-{status}{suffix}", title=title, text=body.format(**values))
