"""A chat session that begins with the invoice form left open (the console starts, Telegram's
/start): the form is not taken up silently; it first offers to go on or start again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.handlers.context import Ctx
from bot.handlers.events import Inbound, Reply
from bot.handlers.flows.invoice import InvoiceFlow
from bot.handlers.state import load_state, save_state
from core.models import Actor

if TYPE_CHECKING:
    from bot.handlers.services import Services


def open_session(services: Services, inbound: Inbound, *, announce: bool) -> list[Reply]:
    """A chat session begins (the console starts, Telegram's /start) with the invoice form left
    open: its next turn, whatever is typed, first offers to go on or start again, so nothing
    typed for something else is stored in the draft. With `announce` (a front end that may speak
    first) the offer, or the news that the draft expired, is made now and returned."""
    repo = services.repo
    with repo.transaction():
        state = load_state(repo, inbound.user_key)
        if state.flow != InvoiceFlow.name or state.step is None:
            return []
        actor = Actor(user=inbound.user_key, role=inbound.role, platform=inbound.platform)
        ctx = Ctx(services=services, inbound=inbound, actor=actor, state=state)
        flow = InvoiceFlow()
        draft = flow.draft(ctx)
        if draft is not None and not services.issuance.is_expired(draft):
            flow.offer_resume(ctx, draft, state.step)
            if announce:
                flow.ask(ctx, draft)
        elif announce:  # gone or expired: say so and begin afresh
            flow.live_draft(ctx)
        if announce:
            state.last_choices = [c.id for r in ctx.out.replies for c in r.choices]
        state.updated_at = services.clock()
        save_state(repo, inbound.user_key, state)
        return ctx.out.replies
