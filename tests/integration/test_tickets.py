"""The ticket service on a real SQLite file: filing, the agents' actions and their history, a
reply reaching the requester through the Outbox, notes kept internal, permissions, and the shell
commands `sifbot tickets ...` / `sifbot sla report`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.handlers.flows.ticket_desk import outbox_notifier
from bot.handlers.notify import Outbox
from bot.handlers.services import PROFILE_KIND
from core.clock import CHINA
from core.errors import NotFound, PermissionDenied
from core.models import Actor
from core.settings import Settings
from core.storage import SqliteRepository, open_repository
from core.storage.tickets import SqliteTicketStore
from core.ticket_models import TicketError
from core.tickets import Attachment, ChatTurn, Tickets, TicketStatus
from tests.conftest import SettableClock
from tests.dialogs.conftest import run_sifbot

CUSTOMER = Actor(user="tg:42", role="customer", platform="telegram")
OTHER = Actor(user="tg:77", role="customer", platform="telegram")
AGENT = Actor(user="slack:U0AGENT", role="agent", platform="slack")
SECOND_AGENT = "slack:U0AGENT2"
ROLES = {AGENT.user: "agent", SECOND_AGENT: "agent", "slack:U0FIN": "finance"}
CHANNEL = "slack:C0SUPPORT"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


@pytest.fixture
def settings() -> Settings:
    return Settings.model_validate({"roles": ROLES, "support": {"channel": CHANNEL}})


@pytest.fixture
def outbox(repo: SqliteRepository) -> Outbox:
    return Outbox(repo)


@pytest.fixture
def tickets(repo: SqliteRepository, settings: Settings, clock: SettableClock,
            outbox: Outbox) -> Tickets:
    return Tickets(SqliteTicketStore(repo), settings, clock, outbox_notifier(repo, outbox))


def file_one(tickets: Tickets, actor: Actor = CUSTOMER, **fields: object) -> str:
    values: dict[str, object] = {"category": "invoice",
                                 "description": "开票时提示税号校验失败，无法提交"}
    values.update(fields)
    return tickets.create(actor, **values).id  # type: ignore[arg-type]


def texts(outbox: Outbox, user: str) -> list[str]:
    return [reply.text for reply in outbox.drain(user)]


# -- filing -------------------------------------------------------------------------------------
def test_a_ticket_is_stored_with_its_context_before_its_id_is_known(
        tickets: Tickets, db_path: Path) -> None:
    ticket = tickets.create(
        CUSTOMER, category="payment", description="已扣款未到账，订单 SO-1001",
        attachments=[Attachment(path="/tmp/shot.png", name="shot.png", mime="image/png")],
        transcript=[ChatTurn(who="user", text="钱扣了没到账"), ChatTurn(who="bot", text="抱歉")],
        faq_queries=["钱扣了没到账"],
    )
    assert ticket.id == "T-1001" and ticket.status == TicketStatus.NEW
    other = open_repository(db_path)  # another connection sees it committed
    stored = SqliteTicketStore(other).get_ticket("T-1001")
    other.close()
    assert stored is not None and stored.requester == "tg:42" and stored.channel == "telegram"
    assert stored.attachments[0].name == "shot.png" and stored.faq_queries == ["钱扣了没到账"]
    assert [t.text for t in stored.transcript] == ["钱扣了没到账", "抱歉"]
    # payment: verified within 24 support hours (the policy of the settings)
    assert stored.clocks["resolution"].target_minutes == 24 * 60
    assert file_one(tickets) == "T-1002"


@pytest.mark.parametrize(("fields", "code"), [
    ({"category": "weather"}, "ticket_category_invalid"),
    ({"description": " 有 "}, "ticket_description_required"),
    ({"priority": "asap"}, "ticket_priority_invalid"),
])
def test_a_ticket_without_a_category_or_a_description_is_refused(
        tickets: Tickets, fields: dict[str, Any], code: str) -> None:
    with pytest.raises(TicketError) as refused:
        file_one(tickets, **fields)
    assert refused.value.code == code
    assert "ticket_" not in refused.value.message("zh")  # a sentence, not the code


def test_support_hears_of_a_new_ticket_in_the_channel(tickets: Tickets, outbox: Outbox) -> None:
    ticket_id = file_one(tickets)
    [notice] = texts(outbox, CHANNEL)
    assert ticket_id in notice and "2026-03-02 12:00" in notice


# -- agents -------------------------------------------------------------------------------------
def test_an_agents_reply_reaches_the_requester_on_their_own_platform_in_their_language(
        tickets: Tickets, outbox: Outbox, repo: SqliteRepository) -> None:
    repo.put_doc(PROFILE_KIND, CUSTOMER.user, {"lang": "en"})
    ticket_id = file_one(tickets)
    ticket = tickets.reply(ticket_id, AGENT, "请把报错截图发给我们")
    assert ticket.status == TicketStatus.OPEN and ticket.assignee == AGENT.user
    assert ticket.clocks["first_response"].met_at is not None
    [reply] = outbox.drain(CUSTOMER.user)  # the Telegram customer's outbox
    assert "New reply on ticket T-1001" in reply.text and "请把报错截图发给我们" in reply.text
    assert [c.id for c in reply.choices] == ["ticket:show:T-1001", "ticket:add:T-1001"]


def test_an_internal_note_is_never_shown_to_the_requester(
        tickets: Tickets, outbox: Outbox) -> None:
    ticket_id = file_one(tickets)
    outbox.drain(CUSTOMER.user)
    tickets.note(ticket_id, AGENT, "疑似重复扣款，找财务核对")
    assert outbox.drain(CUSTOMER.user) == []
    seen = tickets.find(ticket_id, CUSTOMER)
    assert all("重复扣款" not in e.text for e in tickets.history(seen, CUSTOMER))
    assert any("重复扣款" in e.text for e in tickets.history(seen, AGENT))


def test_every_action_is_in_the_tickets_history(tickets: Tickets, clock: SettableClock) -> None:
    ticket_id = file_one(tickets)
    tickets.claim(ticket_id, AGENT)
    tickets.assign(ticket_id, AGENT, SECOND_AGENT)
    tickets.set_priority(ticket_id, AGENT, "high")
    tickets.reply(ticket_id, AGENT, "正在处理")
    tickets.note(ticket_id, AGENT, "内部")
    tickets.escalate(ticket_id, AGENT, "需要二线查日志")
    tickets.pending(ticket_id, AGENT, "请提供订单号")
    tickets.add_info(ticket_id, CUSTOMER, "订单号 SO-1001")
    tickets.solve(ticket_id, AGENT, "已修复")
    tickets.reopen(ticket_id, AGENT, "客户来电仍有问题")
    ticket = tickets.find(ticket_id, AGENT)
    assert [e.action for e in ticket.history] == [
        "create", "assign", "assign", "priority", "reply", "note", "escalate", "reply",
        "pending", "add_info", "solve", "reopen"]
    assert ticket.tier == 2 and ticket.assignee == SECOND_AGENT
    assert ticket.history[3].changes == {"priority": "high"}
    assert ticket.history[6].text == "需要二线查日志" and not ticket.history[6].public


def test_pending_pauses_the_clocks_until_the_requester_writes(
        tickets: Tickets, clock: SettableClock, outbox: Outbox) -> None:
    ticket_id = file_one(tickets)  # Monday 10:00, resolution due Thursday 19:00
    clock.set(at("2026-03-02 11:00"))
    ticket = tickets.pending(ticket_id, AGENT, "请提供截图")
    assert ticket.status == TicketStatus.PENDING
    assert all(c.paused for c in ticket.clocks.values() if c.met_at is None)
    assert "请提供截图" in texts(outbox, CUSTOMER.user)[-1]
    clock.set(at("2026-03-03 11:00"))  # a day later the requester answers
    ticket = tickets.add_info(ticket_id, CUSTOMER, "截图见附件",
                              [Attachment(path="/tmp/a.png", name="a.png")])
    assert ticket.status == TicketStatus.OPEN and ticket.attachments[-1].name == "a.png"
    resolution = ticket.clocks["resolution"]
    assert resolution.elapsed_seconds == 3600 and resolution.running
    assert resolution.due_at == at("2026-03-06 19:00")  # one day later than without the pause


def test_solved_reopens_when_the_requester_writes_and_closes_after_a_quiet_period(
        tickets: Tickets, clock: SettableClock, outbox: Outbox) -> None:
    ticket_id = file_one(tickets)
    tickets.solve(ticket_id, AGENT, "已处理")
    ticket = tickets.add_info(ticket_id, CUSTOMER, "还是不行")
    assert ticket.status == TicketStatus.OPEN and ticket.clocks["resolution"].running
    assert any("还是不行" in t for t in texts(outbox, CHANNEL))
    tickets.solve(ticket_id, AGENT, "这次好了")
    clock.advance(days=2)
    assert tickets.sweep().closed == []
    clock.advance(days=1, minutes=1)
    assert tickets.sweep().closed == [ticket_id]
    assert tickets.find(ticket_id, CUSTOMER).status == TicketStatus.CLOSED
    assert "T-1001" in texts(outbox, CUSTOMER.user)[-1]
    with pytest.raises(TicketError) as closed:
        tickets.add_info(ticket_id, CUSTOMER, "又坏了")
    assert closed.value.code == "ticket_closed"


def test_escalation_goes_one_tier_up_with_a_reason_and_stops_at_the_top(
        tickets: Tickets, outbox: Outbox) -> None:
    ticket_id = file_one(tickets)
    outbox.drain(CHANNEL)
    assert tickets.escalate(ticket_id, AGENT, "需要开发排查").tier == 2
    assert "需要开发排查" in texts(outbox, CHANNEL)[-1]
    assert tickets.escalate(ticket_id, AGENT, "仍需升级").tier == 3
    with pytest.raises(TicketError) as top:
        tickets.escalate(ticket_id, AGENT, "再升")
    assert top.value.code == "ticket_top_tier"
    with pytest.raises(TicketError):
        tickets.escalate(ticket_id, AGENT, "  ")


def test_urgent_priority_moves_the_clocks_to_24x7(tickets: Tickets, clock: SettableClock) -> None:
    clock.set(at("2026-03-02 21:50"))
    ticket_id = file_one(tickets)
    clock.set(at("2026-03-02 21:55"))
    ticket = tickets.set_priority(ticket_id, AGENT, "urgent")
    first = ticket.clocks["first_response"]
    assert (first.calendar, first.target_minutes, first.epoch) == ("24x7", 30, 1)
    assert first.due_at == at("2026-03-02 22:20")  # 5 minutes counted, 25 to go, all night


def test_the_queue_is_ordered_by_due_time(tickets: Tickets, clock: SettableClock) -> None:
    late = file_one(tickets)
    clock.advance(minutes=10)
    urgent = file_one(tickets, priority="urgent")
    paused = file_one(tickets)
    tickets.pending(paused, AGENT)
    assert [t.id for t in tickets.queue(AGENT)] == [urgent, late, paused]


# -- permissions --------------------------------------------------------------------------------
@pytest.mark.parametrize("action", [
    lambda t, i: t.reply(i, CUSTOMER, "我自己回复"), lambda t, i: t.note(i, CUSTOMER, "x"),
    lambda t, i: t.claim(i, CUSTOMER), lambda t, i: t.assign(i, CUSTOMER, CUSTOMER.user),
    lambda t, i: t.set_priority(i, CUSTOMER, "urgent"),
    lambda t, i: t.escalate(i, CUSTOMER, "快点"), lambda t, i: t.pending(i, CUSTOMER),
    lambda t, i: t.solve(i, CUSTOMER), lambda t, i: t.reopen(i, CUSTOMER),
    lambda t, i: t.queue(CUSTOMER),
])
def test_a_customer_can_never_act_as_an_agent(tickets: Tickets, action: object) -> None:
    ticket_id = file_one(tickets)
    with pytest.raises(PermissionDenied):
        action(tickets, ticket_id)  # type: ignore[operator]
    assert [e.action for e in tickets.find(ticket_id, AGENT).history] == ["create"]


def test_a_customer_can_neither_read_nor_add_to_another_persons_ticket(tickets: Tickets) -> None:
    ticket_id = file_one(tickets)
    with pytest.raises(NotFound):
        tickets.find(ticket_id, OTHER)
    with pytest.raises(NotFound):
        tickets.add_info(ticket_id, OTHER, "我也是")
    assert tickets.mine(OTHER) == [] and [t.id for t in tickets.mine(CUSTOMER)] == [ticket_id]


def test_only_agents_can_be_assigned_and_agents_do_not_add_information(tickets: Tickets) -> None:
    ticket_id = file_one(tickets)
    with pytest.raises(TicketError) as refused:
        tickets.assign(ticket_id, AGENT, "slack:U0FIN")
    assert refused.value.code == "ticket_assignee_not_agent"
    with pytest.raises(PermissionDenied):
        tickets.add_info(ticket_id, AGENT, "agents reply instead")


# -- outside support hours ----------------------------------------------------------------------
def test_at_night_the_clock_starts_at_nine_and_support_hears_of_it_then(
        tickets: Tickets, clock: SettableClock, outbox: Outbox) -> None:
    clock.set(at("2026-03-02 23:10"))
    ticket = tickets.create(CUSTOMER, category="order", description="订单一直显示待发货")
    assert tickets.clock_starts_at(ticket) == at("2026-03-03 09:00")
    assert ticket.clocks["first_response"].due_at == at("2026-03-03 11:00")
    assert outbox.drain(CHANNEL) == []  # the new-ticket notice waits for support hours
    clock.set(at("2026-03-03 08:59"))
    assert tickets.sweep().delivered == 0
    clock.set(at("2026-03-03 09:00"))
    assert tickets.sweep().delivered == 1
    assert ticket.id in texts(outbox, CHANNEL)[0]
    urgent = tickets.create(CUSTOMER, category="technical", description="系统宕机无法登录",
                            priority="urgent")
    assert tickets.clock_starts_at(urgent) is None


# -- the shell ----------------------------------------------------------------------------------
@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-02T10:00:00+08:00")
    (tmp_path / "sifbot.toml").write_text(
        f'[roles]\n"{AGENT.user}" = "agent"\n[support]\nchannel = "{CHANNEL}"\n',
        encoding="utf-8")
    repo = open_repository(tmp_path / "sifbot.db")
    service = Tickets(SqliteTicketStore(repo), Settings(), lambda: at("2026-03-02 10:00"))
    file_one(service)
    file_one(service, category="complaint", description="客服态度差，要求处理")
    repo.close()
    return tmp_path


def test_the_shell_prints_personal_numbers_masked_and_json_keeps_them(
        shell: Path) -> None:
    repo = open_repository(shell / "sifbot.db")
    service = Tickets(SqliteTicketStore(repo), Settings(), lambda: at("2026-03-02 10:30"))
    ticket_id = file_one(service, description="税号91120222MA06DG3067校验失败，电话13812345678")
    repo.close()
    for command in (("list",), ("show", ticket_id)):
        code, out, err = run_sifbot(shell, "tickets", *command)
        assert code == 0, err
        assert "91120222MA06DG3067" not in out and "13812345678" not in out, out
        assert "138****5678" in out
    code, out, _ = run_sifbot(shell, "tickets", "show", ticket_id, "--json")
    assert "91120222MA06DG3067" in json.loads(out)["description"]  # for scripts: the record


def test_tickets_show_json_carries_the_sla_object_of_the_interfaces(shell: Path) -> None:
    code, out, err = run_sifbot(shell, "tickets", "show", "T-1001", "--json")
    assert code == 0, err
    record = json.loads(out)
    assert record["id"] == "T-1001" and record["status"] == "new"
    assert record["created_at"] == "2026-03-02T10:00:00+08:00"
    assert set(record["sla"]) == {"first_response", "resolution"}
    first = record["sla"]["first_response"]
    assert {k: first[k] for k in ("target_minutes", "due_at", "elapsed_minutes", "paused",
                                  "met_at", "breached")} == {
        "target_minutes": 120, "due_at": "2026-03-02T12:00:00+08:00", "elapsed_minutes": 0,
        "paused": False, "met_at": None, "breached": False}
    assert record["history"][0]["action"] == "create"
    code, out, _ = run_sifbot(shell, "tickets", "show", "T-1001", "--json", "--tz", "UTC")
    assert json.loads(out)["created_at"] == "2026-03-02T02:00:00+00:00"


def test_tickets_list_json_and_the_agents_actions_from_the_shell(
        shell: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run_sifbot(shell, "tickets", "list", "--json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == ["T-1001", "T-1002"]
    complaint = json.loads(out)[1]["sla"]
    assert complaint["first_response"]["calendar"] == "support_hours"  # as fast as any ticket
    assert complaint["first_response"]["due_at"] == "2026-03-02T12:00:00+08:00"
    follow_up = complaint["resolution"]
    assert follow_up["calendar"] == "working_days" and follow_up["target_minutes"] == 480
    assert follow_up["due_at"] == "2026-03-03T10:00:00+08:00"  # followed up in 1 working day
    code, out, err = run_sifbot(shell, "tickets", "reply", "T-1001", "已收到", "正在处理",
                            "--as", AGENT.user)
    assert code == 0, err
    code, _, err = run_sifbot(shell, "tickets", "solve", "T-1001", "--as", "tg:42")
    assert code == 2 and "agent" in err
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-02T14:00:00+08:00")
    code, out, _ = run_sifbot(shell, "tickets", "show", "T-1001", "--json")
    record = json.loads(out)
    assert record["status"] == "open" and record["assignee"] == AGENT.user
    assert record["history"][-1]["text"] == "已收到 正在处理"
    assert record["sla"]["resolution"]["elapsed_minutes"] == 240


def test_sla_report_lists_breaches_and_draws_a_chart(
        shell: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-02T11:00:00+08:00")  # the complaint in time
    assert run_sifbot(shell, "tickets", "reply", "T-1002", "抱歉", "--as", AGENT.user)[0] == 0
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-02T13:00:00+08:00")  # T-1001 answered late
    assert run_sifbot(shell, "tickets", "reply", "T-1001", "抱歉久等", "--as", AGENT.user)[0] == 0
    chart = shell / "sla.png"
    code, out, err = run_sifbot(shell, "sla", "report", "--json", "--png", str(chart),
                            "--from", "2026-03-01", "--to", "2026-03-02")
    assert code == 0, err
    report = json.loads(out)
    assert report["totals"]["tickets"] == 2
    assert report["by_priority"]["normal"]["first_response"] == {
        "met": 1, "breached": 1, "open": 0, "compliance": 0.5}
    assert [(b["id"], b["clock"]) for b in report["breached"]] == [("T-1001", "first_response")]
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, out, _ = run_sifbot(shell, "sla", "report")
    assert code == 0 and "T-1001" in out
    code, _, err = run_sifbot(shell, "sla", "report", "--from", "March")
    assert code == 2 and "date" in err


def test_tickets_sweep_from_the_shell_sends_a_breach_once(
        shell: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_sifbot(shell, "tickets", "note", "T-1001", "先查日志", "--as", AGENT.user)[0] == 0
    assert run_sifbot(shell, "tickets", "assign", "T-1002", AGENT.user, "--as", AGENT.user)[0] == 0
    assert run_sifbot(shell, "tickets", "reply", "T-1002", "抱歉，正在核实", "--as",
                      AGENT.user)[0] == 0
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-02T12:30:00+08:00")
    code, out, err = run_sifbot(shell, "tickets", "sweep", "--json")
    assert code == 0, err
    # T-1002 is a complaint answered at once: its follow-up is 1 working day, warned at 16:00
    assert json.loads(out)["events"] == [["T-1001", "first_response", "breach"]]
    code, out, _ = run_sifbot(shell, "tickets", "sweep")
    assert code == 0 and out.startswith("events 0")
    code, out, _ = run_sifbot(shell, "tickets", "show", "T-1001", "--json")
    record = json.loads(out)
    assert record["tier"] == 2 and record["sla"]["first_response"]["breached"] is True
    assert [e["action"] for e in record["history"]] == ["create", "note", "sla_breach",
                                                        "escalate"]
    assert run_sifbot(shell, "tickets", "escalate", "T-1001", "要开发", "--as", AGENT.user)[0] == 0
    assert run_sifbot(shell, "tickets", "pending", "T-1002", "--as", AGENT.user)[0] == 0
    code, out, _ = run_sifbot(shell, "tickets", "list", "--status", "pending")
    assert out.startswith("T-1002\tpending")
