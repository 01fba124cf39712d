"""Questions the guide leaves open get an honest "the guide does not say", never a neighbour's
answer, and "did you mean" never offers such an entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from knowledge.kb import Answer, Entry
from knowledge.questions_log import SqliteQuestionLog
from knowledge.service import KnowledgeBase, Thresholds

KB_TEXT = """\
- id: paper-apply
  questions:
    - 纸质发票怎么申请？
    - 纸质发票 申领 流程
    - 要纸质票找谁
    - How do I apply for a paper invoice?
  answer:
    zh: 纸质发票向开票方提交申请，写明开票信息和邮寄地址，一般 3-5 个工作日寄出。
    en: Apply to the issuer with the invoice details and a mailing address; it ships in 3-5 working days.
  related: [paper-lost]
- id: paper-lost
  questions:
    - 纸质发票丢了怎么办？
    - 发票遗失 挂失
    - I lost a paper invoice
  answer:
    zh: 纸质发票遗失要到税务部门挂失，或请开票方提供电子版备份。
    en: Report a lost paper invoice to the tax office, or ask the issuer for an electronic copy.
- id: not-in-guide-tracking-number
  kind: not-in-guide
  questions:
    - 纸质发票寄出后快递单号在哪查？
    - 发票 快递单号 物流 查询
    - 寄出来的发票物流到哪了
    - Where do I find the tracking number of my paper invoice?
  answer:
    zh: 指南里没有写寄出的纸质发票在哪查快递单号，我不想给您猜。可以提交工单或联系人工客服（{support_hours}）。
    en: The guide does not say where to find the tracking number, and I'd rather not guess. Open a ticket or ask support ({support_hours}).
  related: [paper-apply, paper-lost]
"""


def kb_folder(tmp_path: Path) -> Path:
    """A knowledge-base folder holding KB_TEXT."""
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "faq.yaml").write_text(KB_TEXT, encoding="utf-8")
    return folder


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase(kb_folder(tmp_path), log=SqliteQuestionLog(tmp_path / "log.db"))


def test_a_question_the_guide_leaves_open_is_not_answered_with_a_neighbour(
    kb: KnowledgeBase,
) -> None:
    result = kb.ask("寄出来的纸质发票，快递单号在哪里能查到？")
    assert result.decision == "not_in_guide"
    assert result.answered is False
    assert result.entry_id is None
    assert "指南里没有写" in result.answer
    assert "{support_hours}" not in result.answer and "09:00" in result.answer
    assert [s.entry_id for s in result.suggestions] == ["paper-apply", "paper-lost"]


def test_the_reply_is_in_the_language_of_the_question(kb: KnowledgeBase) -> None:
    result = kb.ask("Where can I find the tracking number for my paper invoice?", "zh")
    assert result.decision == "not_in_guide"
    assert result.answer.startswith("The guide does not say")
    assert result.suggestions[0].question == "How do I apply for a paper invoice?"


def test_the_question_is_logged_as_a_gap_naming_the_detail_asked_for(kb: KnowledgeBase) -> None:
    kb.ask("发票快递单号在哪查")
    assert kb.log is not None
    gaps = kb.log.gaps(5)
    assert [(g.example, g.best_entry_id) for g in gaps] == [
        ("发票快递单号在哪查", "not-in-guide-tracking-number")]


def test_the_neighbouring_entry_still_answers_its_own_question(kb: KnowledgeBase) -> None:
    result = kb.ask("纸质发票要怎么申请")
    assert result.decision == "answer"
    assert result.entry_id == "paper-apply"
    assert all(s.entry_id != "not-in-guide-tracking-number" for s in result.suggestions)


def test_did_you_mean_never_offers_an_entry_that_knows_nothing(tmp_path: Path) -> None:
    folder = kb_folder(tmp_path)
    # Thresholds that never answer: every lookup becomes "did you mean" or a decline.
    never = Thresholds(answer=2.0, sure=2.0, floor=2.0, clarify=0.01, suggest=0.01)
    result = KnowledgeBase(folder, thresholds=never).ask("纸质发票快递单号")
    assert result.decision == "clarify"
    offered = [s.entry_id for s in result.suggestions]
    assert offered and "not-in-guide-tracking-number" not in offered


def test_an_unknown_kind_is_refused_by_the_schema() -> None:
    with pytest.raises(ValidationError, match="kind"):
        Entry(id="x", kind="maybe", questions=["q"], answer=Answer(zh="a", en="b"))  # type: ignore[arg-type]


def test_sure_of_a_detail_the_guide_leaves_open_it_says_so_even_with_a_close_real_entry(
        tmp_path: Path) -> None:
    folder = kb_folder(tmp_path)
    # No margin is ever wide enough: a plain answer would become "did you mean".
    strict = Thresholds(margin=1.0, sure=2.0, floor=2.0, suggest=0.0)
    result = KnowledgeBase(folder, thresholds=strict).ask("纸质发票寄出后快递单号在哪查")
    assert result.decision == "not_in_guide" and result.answer.startswith("指南里没有写")
    offered = [s.entry_id for s in result.suggestions]
    assert offered[0] == "paper-apply" and result.suggestions[0].score > 0  # the close one
    assert sorted(offered) == ["paper-apply", "paper-lost"]  # then the related, once each


def test_a_low_score_far_ahead_on_a_detail_the_guide_leaves_open_is_still_not_answered(
        tmp_path: Path) -> None:
    folder = kb_folder(tmp_path)
    # Only the floor rule can answer here (the answer threshold is out of reach): the top entry
    # is the not-in-guide one, so the reply must say so, not answer with the next real entry.
    floor_only = Thresholds(answer=2.0, sure=2.0, floor=0.01, lead=1.01, suggest=0.0)
    result = KnowledgeBase(folder, thresholds=floor_only).ask("纸质发票寄出后快递单号在哪查")
    assert result.decision == "not_in_guide" and not result.answered
    assert result.entry_id is None and result.answer.startswith("指南里没有写")


def test_a_question_of_another_domain_is_told_it_is_outside_not_that_the_bot_is_unsure(
        tmp_path: Path) -> None:
    """Loans, payment apps, films: declined with what the assistant does, not "I'm not sure"
    (which suggests it might know). An unknown question of our own domain stays "not sure"."""
    from knowledge.service import MESSAGES

    kb = KnowledgeBase(Path(__file__).parents[2] / "knowledge" / "faq")
    outside_zh = MESSAGES["off_topic"]["zh"].split("：")[0]
    for question, lang in (("能帮我申请个贷款吗", "zh"), ("支付宝怎么转账", "zh"),
                           ("recommend a good movie", "en"), ("what is the weather today", "en")):
        result = kb.ask(question)
        assert result.decision == "decline" and not result.answered, question
        expected = outside_zh if lang == "zh" else "outside what the Sif invoicing assistant"
        assert expected in result.answer, (question, result.answer)
    unsure = kb.ask("啊啊这个嗯嗯呃")
    assert unsure.decision == "decline" and "不太确定" in unsure.answer


@pytest.mark.parametrize(("question", "errand"), [
    ("帮我订个机票", True), ("帮我买张火车票", True), ("麻烦帮我叫个车", True),
    ("book me a flight", True), ("Can you book me a taxi?", True), ("book a hotel for me", True),
    ("机票怎么报销", False), ("帮我订的机票怎么开发票", False), ("帮我开张发票", False),
    ("tax on a taxi receipt", False), ("How do I book the expense?", False),
])
def test_an_errand_for_another_service_is_told_so_unless_it_speaks_of_invoices(
        question: str, errand: bool) -> None:
    """"帮我订个机票" holds the travel-reimbursement entry's own word (机票) and was answered
    with its document list."""
    from knowledge.service import is_errand

    assert is_errand(question) is errand
    if errand:
        kb = KnowledgeBase(Path(__file__).parents[2] / "knowledge" / "faq")
        result = kb.ask(question)
        assert result.decision == "decline" and not result.answered
        assert "Sif" in result.answer and ("范围" in result.answer or "outside" in result.answer)


def test_no_phrasing_of_the_knowledge_base_reads_as_an_errand() -> None:
    from knowledge.kb import load_folder
    from knowledge.service import is_errand

    entries = load_folder(Path(__file__).parents[2] / "knowledge" / "faq")
    assert [q for e in entries for q in e.questions if is_errand(q)] == []
