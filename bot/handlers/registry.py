"""Which flows, commands and buttons the conversation has: the one place to add one."""

from __future__ import annotations

from bot.handlers import faq
from bot.handlers.context import Ctx
from bot.handlers.engine import ChoiceHandler, Engine, Flow
from bot.handlers.flows import batch, records, review
from bot.handlers.flows.invoice import InvoiceFlow, submit
from bot.handlers.services import Services


def build_engine(services: Services) -> Engine:
    invoice = InvoiceFlow()
    review_flow = review.ReviewFlow()
    flows: list[Flow] = [invoice, review_flow]

    def start(ctx: Ctx, rest: str) -> None:
        {"invoice": invoice.start}.get(rest, invoice.start)(ctx)

    choices: dict[str, ChoiceHandler] = {
        "start": start,
        "confirm": lambda ctx, rest: submit(ctx, rest.removeprefix("submit:")),
        "faq": faq.show_entry,
        "faq_fb": faq.feedback,
        "review": review.on_choice,
        "records": records.on_choice,
    }
    return Engine(services, flows, [*records.COMMANDS, *review.COMMANDS, *batch.COMMANDS],
                  choices, faq.FaqResponder(), file_handlers=[batch.take_workbook])
