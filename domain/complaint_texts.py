"""Mongolian texts of ComplaintEscalationProcess (see domain/notifications.py)."""

COMPLAINT_TEMPLATES: dict[str, tuple[str, str]] = {
    "complaint-received": (
        "Өргөдөл, гомдол хүлээн авлаа",
        "Таны өргөдөл, гомдлыг хүлээн авлаа. Дугаар: {case}. Хариу өгөх эцсийн хугацаа: {dueDate}.",
    ),
    "complaint-forwarded": (
        "Өргөдөл, гомдлыг шилжүүллээ",
        "Таны {case} дугаартай өргөдөл, гомдлыг шийдвэрлүүлэхээр {organisation}-д шилжүүллээ.",
    ),
    "complaint-extended": (
        "Шийдвэрлэх хугацааг сунгалаа",
        "Таны {case} дугаартай өргөдөл, гомдлыг шийдвэрлэх хугацааг {dueDate} хүртэл сунгалаа. Шалтгаан: {reason}.",
    ),
    "complaint-answered": (
        "Өргөдөл, гомдлын хариу",
        "Таны {case} дугаартай өргөдөл, гомдлын хариу: {answer} Хариунд сэтгэл ханамжтай эсэхээ үнэлнэ үү.",
    ),
    "complaint-reopened": (
        "Гомдлыг дахин хянана",
        "Таны {case} дугаартай гомдлыг Чанарын хяналтын хэлтэс дахин хянан шийдвэрлэнэ.",
    ),
}
