"""Conversation state, stored after every step, keyed by platform and user."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from core.storage.base import Repository

STATE_KIND = "conversation"
HISTORY_TURNS = 10


class ConversationState(BaseModel):
    flow: str | None = None
    step: str | None = None
    draft_id: str | None = None
    sub: dict[str, Any] = Field(default_factory=dict)  # a step's own progress (line parts, ...)
    return_to_confirm: bool = False  # editing one field from the preview goes back to it
    history: list[dict[str, str]] = Field(default_factory=list)  # last turns, for tickets
    faq_queries: list[str] = Field(default_factory=list)
    # The last question put to the knowledge base (a follow-up: as it was read). The next
    # message, if it reads as a follow-up ("那电子发票呢？"), is read against it when it is not
    # answered on its own (knowledge/followup.py).
    faq_context: str = ""
    faq_context_entry: str = ""  # the entry that answered it ("" when none did)
    last_choices: list[str] = Field(default_factory=list)
    # The choices the last reply listed with numbers ("did you mean: 1. … 2. …"): people type
    # the number back. Only for that next message, and only outside a form.
    numbered_choices: list[str] = Field(default_factory=list)
    updated_at: datetime | None = None

    def remember(self, who: str, text: str) -> None:
        self.history = [*self.history, {"who": who, "text": text[:500]}][-HISTORY_TURNS:]

    def reset_flow(self) -> None:
        self.flow, self.step, self.draft_id, self.sub = None, None, None, {}
        self.return_to_confirm = False


def load_state(repo: Repository, user_key: str) -> ConversationState:
    raw = repo.get_doc(STATE_KIND, user_key)
    return ConversationState.model_validate(raw) if raw else ConversationState()


def save_state(repo: Repository, user_key: str, state: ConversationState) -> None:
    repo.put_doc(STATE_KIND, user_key, state.model_dump(mode="json"))
