"""`ticket_invalid_transition` names the status and the action in the reader's words (zh, en),
never a code ("solved") or a catalogue key ("ticket.action.claim")."""

from __future__ import annotations

import re

import pytest

from core.ticket_models import ALLOWED, TicketError, TicketStatus

CASES = [(status, action) for action, allowed in ALLOWED.items()
         for status in TicketStatus if status not in allowed]


@pytest.mark.parametrize(("status", "action"), CASES)
def test_the_chinese_text_has_no_english_status_or_action_word(status: TicketStatus,
                                                               action: str) -> None:
    text = TicketError("ticket_invalid_transition", id="T-1001", status=status.value,
                       action=action).message("zh")
    assert re.search(r"[A-Za-z]", text.replace("T-1001", "")) is None, text


@pytest.mark.parametrize(("status", "action"), CASES)
def test_the_english_text_names_no_catalogue_key(status: TicketStatus, action: str) -> None:
    text = TicketError("ticket_invalid_transition", id="T-1001", status=status.value,
                       action=action).message("en")
    assert "ticket." not in text and "_" not in text, text


def test_claiming_a_solved_ticket_says_so_in_words() -> None:
    error = TicketError("ticket_invalid_transition", id="T-1001", status="solved",
                        action="claim")
    assert error.message("zh") == "工单 T-1001 当前为“已解决”，不能认领。"
    assert error.message("en") == "Ticket T-1001 is solved; it cannot be claimed."
