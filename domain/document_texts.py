"""Mongolian texts of DocumentReductionProcess (see domain/notifications.py).

Own placeholders come from the model's notificationFields: {document} one document's name, {documents}
several names, {reason} staff's reason for refusing an upload.
"""

DOCUMENT_TEMPLATES: dict[str, tuple[str, str]] = {
    "consent-requested": (
        "Төрийн мэдээллийн сангаас баримт татах зөвшөөрөл",
        "Таны {case} дугаартай хүсэлтэд шаардлагатай баримтыг төрийн мэдээллийн сангаас (ХУР) татахыг "
        "зөвшөөрөх үү? e-Mongolia-д хариулна уу. Зөвшөөрөхгүй бол баримтуудыг та өөрөө илгээнэ.",
    ),
    "document-requested": (
        "Баримт илгээнэ үү",
        "Таны {case} дугаартай хүсэлтэд \"{document}\" баримт шаардлагатай. e-Mongolia-аар (PDF, JPEG, PNG) "
        "илгээнэ үү.",
    ),
    "document-reminder": (
        "Сануулга: баримт хүлээгдэж байна",
        "Таны {case} дугаартай хүсэлтийн \"{document}\" баримт хараахан ирээгүй байна. Хугацаандаа "
        "илгээхгүй бол хүсэлт шийдвэрлэгдэхгүй.",
    ),
    "document-rejected": (
        "Баримтыг дахин илгээнэ үү",
        "Таны {case} дугаартай хүсэлтийн \"{document}\" баримтыг хүлээн авсангүй. Шалтгаан: {reason} "
        "Засаад дахин илгээнэ үү.",
    ),
    "documents-missing": (
        "Баримт бүрдээгүй",
        "Таны {case} дугаартай хүсэлтийг шийдвэрлэх боломжгүй боллоо: дараах баримт хугацаандаа ирээгүй: "
        "{documents}. Шинээр хүсэлт гаргана уу.",
    ),
}
