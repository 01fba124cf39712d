"""A terminal chat that begins with the invoice form left open: the form is not taken up
silently; it first offers to go on or start again. (Elsewhere the start words do the same.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.handlers.context import Ctx
from bot.handlers.events import Inbound, Reply
from bot.handlers.flows.invoice import InvoiceFlow
from bot.handlers.state import load_state, save_state
from core.models import Actor

if TYPE_CHECKING:
    from bot.handlers.services import Services


def open_session(services: Services, inbound: Inbound) -> list[Reply]:
    """The terminal chat begins and this person left the invoice form open: the offer to go on
    or start again (or the news that the draft expired), said before anything is typed, so
    nothing typed for something else is stored in the draft."""
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
            flow.ask(ctx, draft)
        else:  # gone or expired: say so and begin afresh
            flow.live_draft(ctx)
        state.last_choices = [c.id for r in ctx.out.replies for c in r.choices]
        state.updated_at = services.clock()
        save_state(repo, inbound.user_key, state)
        return ctx.out.replies
