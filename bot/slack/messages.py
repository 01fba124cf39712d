"""What the Slack front end itself says (files, limits, pressed buttons), in zh and en.

Everything about invoices, tickets and answers comes from the engine; these texts only cover
what exists because this is Slack (a slash command, a flood limit, a file too big to fetch).
"""

from __future__ import annotations

from bot.platform.messages import PLATFORM_MESSAGES
from core.i18n import Lang, render

SLACK_MESSAGES: dict[str, dict[str, str]] = {
    **PLATFORM_MESSAGES,
    "in_private": {
        "zh": "我在私信里回复您（发票和工单信息只在私信里显示）。",
        "en": "I have replied in a direct message (invoice and ticket details stay private).",
    },
    "command_help": {
        "zh": "用法：/sif 后面跟您想说的话，例如 /sif 开发票、/sif 我的工单、/sif 专票和普票有什么区别",
        "en": "Usage: /sif followed by what you want to say, e.g. /sif invoice, /sif my tickets, "
              "/sif what is a special invoice",
    },
}


def slack_text(key: str, lang: Lang, **params: object) -> str:
    return render(SLACK_MESSAGES, key, lang, params)
