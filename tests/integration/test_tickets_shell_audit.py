"""`sifbot tickets` / `sifbot sla report` from the shell: what the tickets/SLA audit found."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from bot.handlers.notify import Outbox
from core.clock import CHINA
from core.models import Actor
from core.settings import Settings
from core.storage import open_repository
from core.storage.tickets import SqliteTicketStore
from core.ticket_models import TicketError
from core.tickets import Tickets
from tests.dialogs.conftest import run_sifbot

CUSTOMER = Actor(user="tg:42", role="customer", platform="telegram")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=CHINA)
LEAKY = "我上周申请的专票一直没收到，税号91350100M000100Y43，电话13800138000，账号6222020200112233445"


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-02T10:05:00+08:00")
    (tmp_path / "sifbot.toml").write_text(
        '[roles]\n"slack:U0AGENT" = "agent"\n"shell:bob" = "agent"\n"shell:carol" = "agent"\n',
        encoding="utf-8")
    repo = open_repository(tmp_path / "sifbot.db")
    service = Tickets(SqliteTicketStore(repo), Settings(), lambda: NOW)
    service.create(CUSTOMER, category="invoice", description=LEAKY)
    repo.close()
    return tmp_path


def test_tickets_show_masks_the_subject_before_cutting_it(shell: Path) -> None:
    code, out, err = run_sifbot(shell, "tickets", "show", "T-1001")
    assert code == 0, err
    subject = next(line for line in out.splitlines() if line.startswith("subject: "))
    assert "622202020" not in subject and "6222020200112233445"[4:13] not in out
    assert "138****8000" in subject


@pytest.mark.parametrize("dates", [("--from", "2026-03-08", "--to", "2026-02-01"),
                                   ("--from", "0001-01-01"), ("--to", "9999-12-31")])
def test_sla_report_refuses_a_bad_period_in_one_line_with_exit_2(
        shell: Path, dates: tuple[str, ...]) -> None:
    code, out, err = run_sifbot(shell, "sla", "report", *dates)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "--from" in err or "--to" in err


def test_sla_report_over_the_widest_period_works(shell: Path) -> None:
    code, out, err = run_sifbot(shell, "sla", "report", "--json", "--from", "1900-01-01",
                                "--to", "9998-12-31")
    assert code == 0, err
    assert json.loads(out)["totals"]["tickets"] == 1


def test_a_bad_tz_flag_is_a_usage_error_not_a_config_file_error(shell: Path) -> None:
    code, _, err = run_sifbot(shell, "tickets", "list", "--tz", "Asia/Shangai")
    assert code == 2 and "--tz" in err and "Asia/Shangai" in err
    assert "配置文件" not in err and "config" not in err.lower()


# -- 15: solve/reopen text is checked like a reply, never cut -----------------------------------
@pytest.mark.parametrize("action", ["reply", "solve", "pending"])
def test_an_agents_text_over_the_limit_is_refused_not_cut(shell: Path, action: str) -> None:
    code, _, err = run_sifbot(shell, "tickets", action, "T-1001", "长" * 5000, "--as", "bob")
    assert code == 2 and "5000" in err and "4000" in err
    code, out, _ = run_sifbot(shell, "tickets", "show", "T-1001", "--json")
    record = json.loads(out)
    assert record["status"] == "new" and [e["action"] for e in record["history"]] == ["create"]


def test_a_reopen_reason_over_the_limit_is_refused_not_cut(shell: Path) -> None:
    assert run_sifbot(shell, "tickets", "solve", "T-1001", "已处理", "--as", "bob")[0] == 0
    code, _, err = run_sifbot(shell, "tickets", "reopen", "T-1001", "因" * 4001, "--as", "bob")
    assert code == 2 and "4001" in err
    code, out, _ = run_sifbot(shell, "tickets", "show", "T-1001", "--json")
    assert json.loads(out)["status"] == "solved"
    assert run_sifbot(shell, "tickets", "solve", "T-1001", "x" * 4000, "--as", "bob")[0] == 2


def test_a_description_over_the_limit_is_refused_not_cut(tmp_path: Path) -> None:
    repo = open_repository(tmp_path / "other.db")
    service = Tickets(SqliteTicketStore(repo), Settings(), lambda: NOW)
    with pytest.raises(TicketError) as caught:
        service.create(CUSTOMER, category="other", description="问" * 4001)
    assert caught.value.code == "ticket_text_too_long"
    assert service.store.tickets() == []
    repo.close()


# -- 9: claim ---------------------------------------------------------------------------------
def history_of(shell: Path) -> list[tuple[str, str]]:
    out = run_sifbot(shell, "tickets", "show", "T-1001", "--json")[1]
    return [(e["actor"], e["action"]) for e in json.loads(out)["history"]]


def test_claiming_someone_elses_ticket_is_refused_naming_the_owner(shell: Path) -> None:
    assert run_sifbot(shell, "tickets", "claim", "T-1001", "--as", "bob")[0] == 0
    code, _, err = run_sifbot(shell, "tickets", "claim", "T-1001", "--as", "carol")
    assert code == 2 and "shell:bob" in err and "分配" in err
    code, out, _ = run_sifbot(shell, "tickets", "show", "T-1001", "--json")
    assert json.loads(out)["assignee"] == "shell:bob"
    assert run_sifbot(shell, "tickets", "assign", "T-1001", "carol", "--as", "bob")[0] == 0


def test_claiming_ones_own_ticket_again_changes_nothing(shell: Path) -> None:
    assert run_sifbot(shell, "tickets", "claim", "T-1001", "--as", "bob")[0] == 0
    before = history_of(shell)
    code, _, err = run_sifbot(shell, "tickets", "claim", "T-1001", "--as", "bob")
    assert code == 0, err
    assert history_of(shell) == before == [("tg:42", "create"), ("shell:bob", "assign")]


# -- 10: one identity for a shell agent -------------------------------------------------------
def test_a_shell_agent_is_recorded_by_the_name_in_roles_and_gets_their_warnings(
        shell: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run_sifbot(shell, "tickets", "assign", "T-1001", "bob", "--as", "carol")
    assert code == 0, err
    code, out, _ = run_sifbot(shell, "tickets", "show", "T-1001", "--json")
    record = json.loads(out)
    assert record["assignee"] == "shell:bob"
    assert record["history"][-1]["actor"] == "shell:carol"
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-02T11:35:00+08:00")  # 75% of 2 h
    assert run_sifbot(shell, "tickets", "sweep")[0] == 0
    repo = open_repository(shell / "sifbot.db")
    try:
        outbox = Outbox(repo)
        assert any("T-1001" in r.text for r in outbox.drain("shell:bob"))
        assert outbox.drain("bob") == []
    finally:
        repo.close()


def test_someone_without_an_agent_role_is_told_how_to_get_one(shell: Path) -> None:
    code, _, err = run_sifbot(shell, "tickets", "claim", "T-1001", "--as", "mallory")
    assert code == 2 and "[roles]" in err and "shell:mallory" in err
    assert "(no agent role" not in err


# -- 18: the operator hears when the holiday calendar runs out --------------------------------
def test_the_sweep_warns_when_the_holiday_calendar_does_not_cover_the_coming_month(
        shell: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run_sifbot(shell, "tickets", "sweep")
    assert code == 0 and "warning" not in err
    monkeypatch.setenv("SIFBOT_NOW", "2099-12-15T10:00:00+08:00")
    code, _, err = run_sifbot(shell, "tickets", "sweep")
    assert code == 0 and "chinese_calendar" in err and "2100" in err
