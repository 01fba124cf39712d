"""Messages of e-mail delivery (core.mailer), zh and en: to be merged into core.messages."""

from __future__ import annotations

MAIL_MESSAGES: dict[str, dict[str, str]] = {
    "email_invalid": {
        "zh": "收票邮箱地址格式不正确，请检查后重新输入，例如 name@example.com。",
        "en": "That e-mail address is not valid; please check it and type it again, "
        "e.g. name@example.com.",
    },
    "mail_failed": {
        "zh": "发票邮件暂时没有发出去（{to}）。发票本身不受影响，"
        "您可以稍后再试，或直接在对话中下载 PDF。",
        "en": "The invoice e-mail could not be sent just now ({to}). "
        "The invoice itself is not affected; try again later or download the PDF here.",
    },
}
