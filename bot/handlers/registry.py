"""Which flows, commands and buttons the conversation has: the one place to add one."""

from __future__ import annotations

from bot.handlers import faq, idle_help
from bot.handlers.context import Ctx
from bot.handlers.engine import ChoiceHandler, Engine, Flow
from bot.handlers.flows import batch, records, review, ticket_desk
from bot.handlers.flows.invoice import InvoiceFlow, submit
from bot.handlers.flows.ticket import TicketFlow
from bot.handlers.flows.ticket import on_choice as ticket_choice
from bot.handlers.services import Services


def build_engine(services: Services) -> Engine:
    invoice = InvoiceFlow()
    review_flow = review.ReviewFlow()
    flows: list[Flow] = [invoice, review_flow]
    flows.append(TicketFlow())

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
    choices["ticket"] = ticket_choice
    commands = [*records.COMMANDS, *review.COMMANDS, *batch.COMMANDS, *ticket_desk.COMMANDS,
                *idle_help.COMMANDS]
    return Engine(services, flows, commands,
                  choices, faq.FaqResponder(), file_handlers=[batch.take_workbook])
