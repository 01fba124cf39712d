"""Random conversations driven straight into the Engine: it never raises, never answers with its
catch-all, and every outcome keeps the JSONL protocol's promises.

The engine is built as `sifbot chat` builds it (bootstrap.build_services + registry.build_engine)
on a temp-file SQLite database; the knowledge base (knowledge/faq) is indexed once a session.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from bot.bootstrap import build_services
from bot.handlers.engine import Engine
from bot.handlers.events import Inbound, Outcome
from bot.handlers.registry import build_engine
from bot.handlers.state import STATE_KIND
from core.clock import CHINA
from core.settings import Settings
from tests.dialogs.conftest import (
    HUAWEI,
    INTERNAL_ERROR_MARKERS,
    INVOICE_STEPS,
    UNLISTED_INVOICE_STEPS,
    shared_knowledge_base,
)

REQUEST_ID = re.compile(r"\bR-[0-9A-F]{10}\b")
DRAFT_ID = re.compile(r"\bD-[0-9A-F]{10}\b")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=CHINA)
FLOWS = (None, "invoice", "ticket", "review")

VALID_TEXTS = [
    "开发票", "invoice", "专票", "普票", "单位", "个人", "含税", "不含税", "完成", "done",
    *HUAWEI.values(), "张三", "软件开发服务，1，10600，6%", "技术咨询服务，2，500，6%", "软件开发服务",
    "2", "10600", "6%", "折扣", "100", "删除 1", "修改 1", "合同编号 HT-2026-001", "下载", "邮件",
    "a@example.com", "纸质", "张三 北京市海淀区中关村大街1号 13800138000", "确认", "继续", "重新开始",
    "我的发票", "待审核", "你好", "红字发票怎么开？", "工单提交后多久有人处理？",
    "How fast is a ticket answered?", "查询 R-0123456789", "通过 R-0123456789",
    "作废 R-0123456789 重复", "红冲 R-0123456789 12345678 错开", "1234567890 12345678",
]
HOSTILE_TEXTS = [
    "'; DROP TABLE invoices; --", "<script>alert(1)</script>", "$(rm -rf /) `id`",
    "{0} {name} {__class__} %s %(x)s", "\x00\x1b[31m\u202e\u200b", "😀🧾", "发" * 3000,
    "\n\n\n", "   ", "nav:back", "edit:", "edit:__class__", "fix:buyer_tax_id:x", "!confirm:",
    "R-" + "F" * 10, "0" * 20, "查询 " + "9" * 20, "修改", "修改 ", "修改 不存在", "-1", "1e308",
    "NaN", "Infinity", "0.000000001", "9" * 40, "1,000,000,000,000", "删除 0", "删除 999",
]
NAV_TEXTS = ["返回", "back", "跳过", "skip", "暂存", "save", "取消", "cancel", "帮助", "help",
             "修改 税号", "edit tax id", "修改 明细", "修改 备注", "修改 交付方式", "修改 发票类型",
             "修改 购买方类型", "修改 地址电话", "nav:back", "nav:skip"]
RANDOM_CHOICES = [
    "confirm:submit:D-0000000000", "confirm:submit:", "review:approve:R-0000000000",
    "review:reject:R-0000000000", "review:open:", "records:pdf:R-0000000000", "records:cancel:",
    "items:delete:99", "items:delete:x", "items:discount", "items:done", "items:gross", "edit:items",
    "edit:nonexistent", "fix:buyer_tax_id:!confirm:123", "faq:nope", "faq_fb:up:nope", "faq_fb:x",
    "resume:continue", "resume:new", "start:invoice", "start:", "invoice_type:special",
    "buyer_kind:person", "delivery:email", "delivery:paper", "nav:cancel", "nav:save", ":", "",
]
# What a cooperative person answers at each step, so that random runs get deep into the form.
ANSWERS: dict[str | None, list[str]] = {
    None: ["开发票", "开发票", "invoice", "待审核", "我的发票"],
    "resume": ["继续", "重新开始"],
    "invoice_type": ["专票", "普票"],
    "buyer_kind": ["单位", "个人"],
    "buyer_name": ["华为技术有限公司", "张三"],
    "buyer_tax_id": [HUAWEI["buyer_tax_id"], "跳过"],
    "buyer_address_phone": [HUAWEI["buyer_address_phone"], "跳过"],
    "buyer_bank_account": [HUAWEI["buyer_bank_account"], "跳过"],
    "items": ["含税", "不含税", "软件开发服务，1，10600，6%", "完成", "完成", "折扣", "100", "2",
              "10600", "6%", "删除 1"],
    "remark": ["合同编号 HT-2026-001", "跳过"],
    "delivery": ["下载", "邮件", "a@example.com", "纸质", "张三 北京市海淀区中关村大街1号 13800138000"],
    "confirm": ["确认", "返回", "修改 税号"],
    "reason": ["税号与营业执照不一致"],
}


SPEAKERS = [("console", "alice", "customer"), ("console", "bob", "customer"),
            ("console", "fin", "finance"), ("slack", "U0EMP", "employee"),
            ("console", "root", "admin"), ("console", "agent", "agent")]


class TurnFailures(logging.Handler):
    """Keeps the engine's catch-all log records, so a failure shows its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("bot."):
            self.records.append(record)


class Conversations(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="sifbot-fuzz-"))
        settings_ = Settings.model_validate({"roles": {"console:fin": "finance",
                                                       "console:root": "admin"}})
        services = build_services(settings_, self.folder / "sifbot.db", None,
                                  files_dir=self.folder / "files")
        services.kb = shared_knowledge_base()
        services.clock = lambda: NOW
        services.issuance.clock = lambda: NOW
        self.services = services
        self.engine: Engine = build_engine(services)
        self.speaker = SPEAKERS[0]
        self.lang = "zh"
        self.last_choices: list[str] = []
        self.last: Outcome | None = None
        self.failures = TurnFailures()
        logging.getLogger("bot").addHandler(self.failures)

    def teardown(self) -> None:
        logging.getLogger("bot").removeHandler(self.failures)
        self.services.repo.close()  # type: ignore[attr-defined]
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- one turn --------------------------------------------------------------------------
    def turn(self, **event: Any) -> None:
        platform, user, role = self.speaker
        inbound = Inbound(platform=platform, user=user, role=role, lang=self.lang,  # type: ignore[arg-type]
                          **event)
        outcome = self.engine.handle(inbound)
        self.engine.deliver_pending(inbound.user_key)
        self.last = outcome
        self.last_choices = [c.id for r in outcome.replies for c in r.choices]
        self.check(outcome, event)

    def check(self, outcome: Outcome, event: dict[str, Any]) -> None:
        where = f"after {event!r} as {self.speaker}: {outcome.protocol_dict()!r}"[:3000]
        if self.failures.records:
            record = self.failures.records[0]
            trace = logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
            raise AssertionError(f"the turn failed {where}\n{trace}")
        assert outcome.flow in FLOWS, where
        if outcome.flow == "invoice":
            assert outcome.step in (*INVOICE_STEPS, *UNLISTED_INVOICE_STEPS), where
            assert outcome.refs.get("draft_id"), where
        if outcome.flow is None:
            assert outcome.step is None, where
        assert outcome.replies, f"no reply {where}"
        for error in [*outcome.errors, *outcome.warnings]:
            assert error.code and error.message and error.message != error.code, where
            assert error.code != "internal_error", where
        for reply in outcome.replies:
            assert reply.text.strip(), where
            assert "Traceback" not in reply.text, where
            assert not any(marker in reply.text for marker in INTERNAL_ERROR_MARKERS), where
            assert all(c.id and c.label for c in reply.choices), where
        assert set(outcome.refs) >= {"draft_id", "invoice_id", "ticket_id"}, where
        for reply in outcome.replies:
            for path in reply.files:
                assert Path(path).is_file(), f"missing file {path} {where}"
        self.check_privacy(outcome, where)

    def check_privacy(self, outcome: Outcome, where: str) -> None:
        """A customer is never shown another person's request or draft."""
        platform, user, role = self.speaker
        if role != "customer":
            return
        me = f"{platform}:{user}"
        texts = " ".join([r.text for r in outcome.replies]
                         + [c.id for r in outcome.replies for c in r.choices])
        for ref in set(REQUEST_ID.findall(texts)):
            invoice = self.services.repo.get_invoice(ref)
            assert invoice is None or invoice.requester == me, f"{ref} shown {where}"
        for ref in set(DRAFT_ID.findall(texts)):
            draft = self.services.repo.get_draft(ref)
            assert draft is None or draft.owner == me, f"{ref} shown {where}"

    # -- rules ------------------------------------------------------------------------------
    def answer_to_the_step(self, data: st.DataObject) -> None:
        state = self.services.repo.get_doc(STATE_KIND, "{}:{}".format(*self.speaker))
        step = (state or {}).get("step")
        answers = ANSWERS.get(step, ANSWERS[None])
        press: bool = data.draw(st.booleans())
        if self.last_choices and press:
            self.turn(choice=data.draw(st.sampled_from(self.last_choices)))
        else:
            self.turn(text=data.draw(st.sampled_from(answers)))

    @rule(data=st.data(), turns=st.integers(1, 8))
    def fills_in_the_form(self, data: st.DataObject, turns: int) -> None:
        """A cooperative stretch, so that random runs reach the preview and the review."""
        for _ in range(turns):
            self.answer_to_the_step(data)

    @rule(data=st.data())
    def answers_the_step(self, data: st.DataObject) -> None:
        self.answer_to_the_step(data)

    @rule(text=st.sampled_from(VALID_TEXTS))
    def says_something_sensible(self, text: str) -> None:
        self.turn(text=text)

    @rule(text=st.sampled_from(HOSTILE_TEXTS))
    def says_something_hostile(self, text: str) -> None:
        self.turn(text=text)

    @rule(text=st.text(max_size=40) | st.sampled_from(["fix:", "fix:x", "items:", "，", "、、"]))
    def says_anything(self, text: str) -> None:
        self.turn(text=text)

    @rule(text=st.sampled_from(NAV_TEXTS))
    def navigates(self, text: str) -> None:
        self.turn(text=text)

    @rule(data=st.data())
    def presses_a_button_just_shown(self, data: st.DataObject) -> None:
        choices = self.last_choices or RANDOM_CHOICES
        self.turn(choice=data.draw(st.sampled_from(choices)))

    @rule(choice=st.sampled_from(RANDOM_CHOICES) | st.text(max_size=30))
    def presses_an_unknown_button(self, choice: str) -> None:
        self.turn(choice=choice)

    @rule(speaker=st.sampled_from(SPEAKERS))
    def someone_else_talks(self, speaker: tuple[str, str, str]) -> None:
        self.speaker = speaker
        self.last_choices = []

    @rule(lang=st.sampled_from(["zh", "en"]))
    def switches_language(self, lang: str) -> None:
        self.lang = lang

    @invariant()
    def one_draft_never_becomes_two_requests(self) -> None:
        invoices = self.services.repo.list_invoices()
        drafts = [i.draft_id for i in invoices if i.draft_id]
        assert len(drafts) == len(set(drafts)), drafts
        numbers = [i.number for i in invoices if i.number]
        assert len(numbers) == len(set(numbers)), numbers


Conversations.TestCase.settings = settings(
    max_examples=30, stateful_step_count=25, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_random_conversations_keep_the_protocol = Conversations.TestCase
