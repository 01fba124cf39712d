"""A small form engine: a form is a list of step specs; the engine only walks them.

A step knows how to ask for its field, how to accept an answer (validated by the core), when it
applies and whether it may be skipped. Adding a step is adding a spec, not engine code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.handlers.context import Ctx
from core.models import Draft


@dataclass(frozen=True)
class Accepted:
    draft: Draft
    done: bool = True  # False: the step goes on (a multi-part answer such as invoice lines)


Ask = Callable[[Ctx, Draft], None]
Accept = Callable[[Ctx, Draft, str], Accepted | None]
Predicate = Callable[[Draft], bool]


def _always(_: Draft) -> bool:
    return True


def _never(_: Draft) -> bool:
    return False


def _unchanged(draft: Draft) -> Draft:
    return draft


def _could_be(_: str) -> bool:
    return False


@dataclass(frozen=True)
class Step:
    name: str
    ask: Ask
    accept: Accept
    applies: Predicate = _always
    optional: Predicate = _never
    on_skip: Callable[[Draft], Draft] = _unchanged
    choice_step: bool = False  # answered with buttons; free text is tried as a question first
    # Text that can never be this step's answer (Chinese words at the tax ID): when it reads as
    # a question it goes to the knowledge base, and the step is asked again.
    never_an_answer: Callable[[str], bool] = _could_be


class Form:
    def __init__(self, steps: list[Step]) -> None:
        self.steps = steps
        self.by_name = {step.name: step for step in steps}

    def names(self) -> list[str]:
        return [step.name for step in self.steps]

    def first(self, draft: Draft) -> str:
        return self._walk(-1, draft, +1) or self.steps[-1].name

    def next_after(self, name: str, draft: Draft) -> str | None:
        return self._walk(self.names().index(name), draft, +1)

    def previous(self, name: str, draft: Draft) -> str | None:
        return self._walk(self.names().index(name), draft, -1)

    def _walk(self, index: int, draft: Draft, direction: int) -> str | None:
        index += direction
        while 0 <= index < len(self.steps):
            if self.steps[index].applies(draft):
                return self.steps[index].name
            index += direction
        return None
