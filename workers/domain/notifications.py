"""Mongolian texts sent to citizens at each status change, and the message id that makes sending idempotent."""

from dataclasses import dataclass
from typing import Literal

Status = Literal["received", "forwarded", "information-needed", "rejected", "completed"]

TEMPLATES: dict[Status, tuple[str, str]] = {
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


@dataclass(frozen=True)
class Notification:
    message_id: str
    title: str
    text: str


def compose(status: Status, case: str, service: str = "", agency: str = "", stage: int | None = None,
            reason: str = "") -> Notification:
    """One message per case, status (and stage): its id is what receivers use to drop repeats."""
    title, body = TEMPLATES[status]
    suffix = f"-{stage}" if stage is not None else ""
    text = body.format(case=case, service=service, agency=agency, stage=stage or "", reason=reason or "тодорхойгүй")
    return Notification(message_id=f"{case}-{status}{suffix}", title=title, text=text)
