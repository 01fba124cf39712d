"""What the bot can do, when no form is open: "帮助/help", and the form words (取消, 返回, 跳过,
暂存 ...) typed with nothing to cancel, which would otherwise be looked up in the knowledge
base ("取消" found the entry on cancelling an order)."""

from __future__ import annotations

import re

from bot.handlers.context import Ctx
from bot.handlers.engine import NAV_WORDS, Command
from bot.handlers.flows.ticket import offer_choice


def show(ctx: Ctx, word: str) -> None:
    lines = [] if word == "help" else [ctx.t("help.nothing_open")]
    lines.append(ctx.t("help.idle"))
    if ctx.actor.role in ("finance", "admin"):
        lines.append(ctx.t("help.idle_finance"))
    if ctx.actor.role in ("agent", "admin"):
        lines.append(ctx.t("help.idle_agent"))
    ctx.say("\n".join(lines), [ctx.choice("start:invoice", "faq.offer_invoice"), offer_choice(ctx)])


def _words_command(word: str) -> Command:
    spellings = sorted({word, *NAV_WORDS[word]}, key=len, reverse=True)
    pattern = re.compile(rf"^(?:nav:)?(?:{'|'.join(map(re.escape, spellings))})$", re.IGNORECASE)
    return Command(pattern, lambda ctx, _match: show(ctx, word))


COMMANDS: list[Command] = [_words_command(word) for word in ("help", "cancel", "back", "skip", "save")]
