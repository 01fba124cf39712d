"""What the Telegram front end itself says (commands, limits, files), in zh and en.

Everything about invoices, tickets and answers comes from the engine; these texts only cover
what exists because this is Telegram (a command menu, a flood limit, a file too big to fetch).
"""

from __future__ import annotations

from bot.platform.messages import PLATFORM_MESSAGES
from core.i18n import Lang, render

TG_MESSAGES: dict[str, dict[str, str]] = {
    **PLATFORM_MESSAGES,
    "welcome": {
        "zh": "您好！我是 Sif 发票助手。\n"
              "• /invoice 申请开发票（一步一步填写，可随时返回、修改、暂存）\n"
              "• 直接输入问题，例如“专票和普票有什么区别？”\n"
              "• /ticket 提交工单，转人工处理\n"
              "• /cancel 取消当前操作，/help 查看帮助",
        "en": "Hello! I am the Sif invoicing assistant.\n"
              "• /invoice request an invoice (step by step; back, edit and save at any time)\n"
              "• ask a question in your own words, e.g. \"special vs ordinary invoice?\"\n"
              "• /ticket file a support ticket for a person to handle\n"
              "• /cancel stop what you are doing, /help for help",
    },
    "faq_prompt": {
        "zh": "请直接输入您的问题，例如“发票抬头填错了怎么办？”",
        "en": "Just type your question, e.g. \"What if the buyer name on my invoice is wrong?\"",
    },
    "nothing_to_cancel": {
        "zh": "当前没有进行中的操作。输入 /invoice 申请开发票，或直接提问。",
        "en": "There is nothing to cancel. Send /invoice to request an invoice, or ask a question.",
    },
    "ticket_unavailable": {
        "zh": "在线工单即将开放。您可以先直接描述问题，我会尽量从知识库回答。",
        "en": "Support tickets are not open in this chat yet. Describe your problem and I will "
              "try to answer it from the knowledge base.",
    },
    "unsupported": {
        "zh": "我能看懂文字、图片和文件（如 PDF），请用其中一种方式发送。",
        "en": "I understand text, photos and files (such as PDFs); please send one of those.",
    },
    "cmd.start": {"zh": "开始", "en": "Start"},
    "cmd.invoice": {"zh": "申请开发票", "en": "Request an invoice"},
    "cmd.ticket": {"zh": "提交工单", "en": "File a support ticket"},
    "cmd.faq": {"zh": "常见问题", "en": "Ask a question"},
    "cmd.cancel": {"zh": "取消当前操作", "en": "Cancel what you are doing"},
    "cmd.help": {"zh": "帮助", "en": "Help"},
}

COMMANDS = ("start", "invoice", "ticket", "faq", "cancel", "help")


def tg_text(key: str, lang: Lang, **params: object) -> str:
    return render(TG_MESSAGES, key, lang, params)
