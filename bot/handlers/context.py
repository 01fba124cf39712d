"""What a flow handler gets: the services, the event, the person, the state and the outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import zhconv

from bot.handlers.events import Choice, ErrorOut, Inbound, Outcome, Reply
from bot.handlers.messages import t
from core.errors import Issue
from core.i18n import Lang
from core.models import Actor

if TYPE_CHECKING:
    from bot.handlers.services import Services
    from bot.handlers.state import ConversationState


@dataclass
class Ctx:
    services: Services
    inbound: Inbound
    actor: Actor
    state: ConversationState
    out: Outcome = field(default_factory=Outcome)

    @property
    def lang(self) -> Lang:
        return self.inbound.lang

    @property
    def text(self) -> str:
        return self.inbound.text or ""

    def t(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def say(self, text: str, choices: list[Choice] | None = None,
            files: list[str] | None = None) -> None:
        self.out.replies.append(Reply(text=text, choices=choices or [], files=files or []))

    def say_numbered(self, text: str, numbered: list[Choice], others: list[Choice]) -> None:
        """A reply whose text lists `numbered` as 1, 2, 3 …: a number typed next picks one."""
        self.say(text, [*numbered, *others])
        self.state.numbered_choices = [c.id for c in numbered]

    def choice(self, id_: str, key: str, **params: object) -> Choice:
        return Choice(id=id_, label=self.t(key, **params))

    def report_code(self, field: str, code: str, **params: str) -> None:
        self.report([Issue(field=field, code=code, params=params)])

    def report(self, issues: list[Issue]) -> None:
        """Put errors and warnings into the outcome and tell the person what to fix."""
        for issue in issues:
            entry = ErrorOut(field=issue.field, code=issue.code,
                             message=issue.message(self.lang), fix=issue.fix)
            (self.out.errors if issue.is_error else self.out.warnings).append(entry)
        lines = [("❌ " if i.is_error else "⚠️ ") + i.message(self.lang) for i in issues]
        if lines:
            self.say("\n".join(lines))


def typed_word(text: str) -> str:
    """A word typed for a choice, as the word lists write it: trimmed, lower case, traditional
    characters as simplified ("確認" is "确认"). Only for comparing: what people enter as data
    (a buyer's name) is kept as typed."""
    word = text.strip().lower()
    return word if word.isascii() else zhconv.convert(word, "zh-cn")
