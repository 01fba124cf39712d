"""`sifbot ask` and `sifbot kb ...` as a user runs them, plus hot reload and the question log."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from knowledge.questions_log import SqliteQuestionLog
from knowledge.service import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]

KB_TEXT = """\
- id: password-reset
  questions:
    - 忘记密码怎么办？
    - 密码忘了咋重置
    - 登录密码找回
    - I forgot my password
    - How do I reset my password?
  answer:
    zh: 在登录页点“忘记密码”，用绑定的手机号或邮箱重置；也可以写信到 {support_email}。
    en: Click 'Forgot password' on the login page and reset it by phone or e-mail, or write to {support_email}.
  related: [support-hours]
- id: support-hours
  questions:
    - 人工客服几点上班？
    - 在线客服工作时间
    - 客服 时间
    - When is support open?
  answer:
    zh: 在线客服每天 9:00-22:00。
    en: Online support is open 9:00-22:00 every day.
- id: special-invoice
  questions:
    - 专票怎么开？
    - 增值税专用发票开具流程
    - 开专票要啥资料
    - How do I issue a special VAT invoice?
  answer:
    zh: 开专票需填写购买方名称、税号、地址电话、开户行及账号。
    en: A special VAT invoice needs the buyer's name, tax ID, address, phone and bank account.
"""


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "faq"
    folder.mkdir()
    (folder / "01-basics.yaml").write_text(KB_TEXT, encoding="utf-8")
    return folder


def sifbot(*args: str, stdin: str | None = None, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SIFBOT_DB"}
    if db is not None:
        env["SIFBOT_DB"] = str(db)
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, env=env, timeout=120)


def test_ask_json_has_the_contract_shape_and_fills_placeholders(kb_dir: Path, tmp_path: Path) -> None:
    done = sifbot("ask", "密码忘了怎么重置", "--json", "--kb", str(kb_dir), db=tmp_path / "a.db")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"answered", "entry_id", "score", "answer", "suggestions",
                           "decision", "related"}
    assert (result["answered"], result["entry_id"], result["decision"]) == (
        True, "password-reset", "answer")
    assert 0 < result["score"] <= 1
    assert "客服邮箱尚未配置" in result["answer"]
    assert result["related"] == ["support-hours"]


def test_an_english_question_gets_english_contact_details_whatever_the_lang(
        kb_dir: Path, tmp_path: Path) -> None:
    done = sifbot("ask", "I forgot my password", "--json", "--kb", str(kb_dir), db=tmp_path / "a.db")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)["answer"]
    assert answer.startswith("Click 'Forgot password'")
    assert "(support e-mail not configured yet" in answer and "尚未配置" not in answer


def test_ask_from_stdin_prints_one_json_a_line_and_logs_the_unanswered(
    kb_dir: Path, tmp_path: Path
) -> None:
    db = tmp_path / "b.db"
    lines = "How do I reset my password?\n你好\n\n北京明天会下雨吗\n北京明天会下雨吗？\n"
    done = sifbot("ask", "-", "--json", "--kb", str(kb_dir), stdin=lines, db=db)
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["decision"] for r in results] == ["answer", "chitchat", "decline", "decline"]
    assert results[0]["answer"].startswith("Click")  # English question, English answer
    assert "09:00" in results[2]["answer"] and not results[2]["answered"]
    gaps = sifbot("kb", "gaps", "--json", db=db)
    assert gaps.returncode == 0, gaps.stderr
    [gap] = json.loads(gaps.stdout)
    assert (gap["count"], gap["example"]) == (2, "北京明天会下雨吗？")


def test_the_unanswered_log_keeps_personal_numbers_masked(kb_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    secrets = ("91120222MA06DG3067", "13812345678", "6222021234567890123")
    question = f"我的税号{secrets[0]}在深圳开不了，电话{secrets[1]}，卡号{secrets[2]}"
    assert sifbot("ask", question, "--kb", str(kb_dir), db=db).returncode == 0
    gaps = sifbot("kb", "gaps", "--json", db=db)
    [gap] = json.loads(gaps.stdout)
    stored = gap["example"] + gap["normalized"]
    assert not any(secret in stored for secret in secrets), stored
    assert "138****5678" in gap["example"]


def test_ask_prints_plain_text_without_json(kb_dir: Path, tmp_path: Path) -> None:
    done = sifbot("ask", "专票怎么开", "--kb", str(kb_dir), db=tmp_path / "c.db")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("开专票需填写")


def test_kb_check_exits_1_and_lists_the_problems(kb_dir: Path) -> None:
    broken = KB_TEXT.replace("related: [support-hours]", "related: [support-hourz]")
    (kb_dir / "01-basics.yaml").write_text(broken, encoding="utf-8")
    done = sifbot("kb", "check", "--kb", str(kb_dir))
    assert done.returncode == 1
    assert "support-hourz" in done.stdout and "related_missing" in done.stdout


def test_kb_check_exits_0_on_a_clean_knowledge_base(kb_dir: Path) -> None:
    done = sifbot("kb", "check", "--kb", str(kb_dir))
    assert done.returncode == 0, done.stdout + done.stderr


def test_kb_confusions_reports_the_cross_validation_and_refuses_a_broken_folder(
        kb_dir: Path) -> None:
    done = sifbot("kb", "confusions", "--json", "--kb", str(kb_dir))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    asked = KB_TEXT.count("\n    - ") - 3  # every phrasing but the three canonical ones
    assert report["asked"] == asked
    assert report["right"] + report["wrong"] + report["unsure"] == asked
    text = sifbot("kb", "confusions", "--kb", str(kb_dir))
    assert f"{asked} phrasings left out" in text.stdout
    (kb_dir / "02-broken.yaml").write_text("- id: [", encoding="utf-8")
    broken = sifbot("kb", "confusions", "--kb", str(kb_dir))
    assert broken.returncode == 1 and "02-broken.yaml" in broken.stderr
    assert "Traceback" not in broken.stderr


def test_feedback_is_recorded_and_an_unknown_entry_refused(kb_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    assert sifbot("kb", "feedback", "support-hours", "helpful", "--kb", str(kb_dir),
                  db=db).returncode == 0
    unknown = sifbot("kb", "feedback", "no-such-entry", "helpful", "--kb", str(kb_dir), db=db)
    assert unknown.returncode == 2 and "no-such-entry" in unknown.stderr
    assert SqliteQuestionLog(db).feedback_counts() == {"support-hours": (1, 0)}


def test_feedback_lists_the_entries_that_helped_least_with_what_was_asked(
        tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    empty = sifbot("kb", "feedback", db=db)
    assert empty.returncode == 0 and "还没有反馈" in empty.stdout
    log = SqliteQuestionLog(db)
    moments = iter(datetime(2026, 3, 2, 10, minute, tzinfo=UTC) for minute in range(10))
    for entry_id, helpful, question in [
            ("support-hours", True, "客服几点上班"), ("password-reset", False, "密码咋改"),
            ("password-reset", False, "手机号13812345678收不到验证码"),
            ("password-reset", True, None), ("support-hours", False, "周末有人吗")]:
        log.record_feedback(entry_id, helpful, question=question, at=next(moments))
    listed = sifbot("kb", "feedback", "--json", db=db)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["entry_id"], r["not_helpful"], r["helpful"]) for r in rows] == [
        ("password-reset", 2, 1), ("support-hours", 1, 1)]
    assert rows[0]["unhelpful_questions"] == ["手机号138****5678收不到验证码", "密码咋改"]
    text = sifbot("kb", "feedback", db=db).stdout
    assert text.index("password-reset") < text.index("support-hours") and "周末有人吗" in text
    half = sifbot("kb", "feedback", "password-reset", db=db)
    assert half.returncode == 2 and "verdict" in half.stderr


def test_a_bad_top_is_a_usage_error(kb_dir: Path) -> None:
    done = sifbot("ask", "专票", "--top", "-2", "--kb", str(kb_dir))
    assert done.returncode == 2 and "Traceback" not in done.stderr


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_edited_file_is_picked_up_and_a_broken_edit_keeps_the_last_good(
    kb_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    kb = KnowledgeBase(kb_dir, clock=clock)
    path = kb_dir / "01-basics.yaml"
    path.write_text(KB_TEXT.replace("每天 9:00-22:00", "每天 8:00-20:00"), encoding="utf-8")
    os.utime(path, ns=(1, 10**18))
    assert "9:00-22:00" in kb.ask("在线客服工作时间").answer  # checked at most once a second
    clock.now += 1.5
    assert "8:00-20:00" in kb.ask("在线客服工作时间").answer
    path.write_text("- id: broken\n  questions: [x]\n", encoding="utf-8")
    os.utime(path, ns=(1, 2 * 10**18))
    clock.now += 1.5
    with caplog.at_level(logging.WARNING, logger="knowledge.service"):
        assert "8:00-20:00" in kb.ask("在线客服工作时间").answer
    assert "01-basics.yaml: broken" in caplog.text


def test_unanswered_questions_are_logged_through_the_service(kb_dir: Path, tmp_path: Path) -> None:
    log = SqliteQuestionLog(tmp_path / "e.db")
    at = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    kb = KnowledgeBase(kb_dir, log=log, now=lambda: at)
    for question in ("北京天气怎么样", "北京天气怎么样？", "专票怎么开", "谢谢"):
        kb.ask(question)
    [gap] = log.gaps(10)
    assert (gap.count, gap.last_asked) == (2, at.isoformat())


def test_a_pasted_document_is_read_only_up_to_the_limit_and_logged_so(
        kb_dir: Path, tmp_path: Path) -> None:
    from knowledge.service import MAX_QUESTION

    log = SqliteQuestionLog(tmp_path / "f.db")
    kb = KnowledgeBase(kb_dir, log=log)
    result = kb.ask("忘记密码怎么办" + "。" * 200_000)
    assert (result.decision, result.entry_id) == ("answer", "password-reset")
    kb.ask("x" * 200_000)
    [gap] = log.gaps(5)
    assert gap.example == "x" * MAX_QUESTION
