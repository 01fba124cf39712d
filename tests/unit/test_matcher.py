"""Ranking entries for a question, and what the service decides from the ranking."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from knowledge import matcher as matcher_module
from knowledge.kb import Answer, Entry
from knowledge.matcher import Candidate, Matcher
from knowledge.service import (
    Thresholds,
    chitchat_kind,
    decide,
    default_placeholders,
    fill_placeholders,
)


def entry(entry_id: str, questions: list[str], zh: str, en: str, **extra: object) -> Entry:
    return Entry(id=entry_id, questions=questions, answer=Answer(zh=zh, en=en), **extra)


ENTRIES = [
    entry("special-how", ["专票怎么开？", "增值税专用发票开具流程", "开专票要啥资料",
                          "How do I issue a special VAT invoice?"],
          "开专票需填写购买方名称、税号、地址电话、开户行及账号。",
          "A special VAT invoice needs the buyer's name, tax ID, address, phone and bank."),
    entry("detail-match", ["发票金额和明细对不上怎么办？", "明细合计 误差", "金额 明细 不一致",
                           "invoice total does not match the details"],
          "发票金额必须等于明细合计，误差不超过 0.01 元。",
          "The invoice total must equal the sum of the details, within 0.01 yuan."),
    entry("password-reset", ["忘记密码怎么办？", "密码忘了咋重置", "登录密码找回",
                             "I forgot my password"],
          "在登录页点“忘记密码”，用绑定的手机号或邮箱重置。",
          "Click 'Forgot password' on the login page and reset it by phone or e-mail."),
    entry("support-hours", ["人工客服几点上班？", "在线客服工作时间", "客服 时间",
                            "When is support open?"],
          "在线客服每天 9:00-22:00，热线 {hotline}。",
          "Online support is open 9:00-22:00 every day; hotline {hotline}."),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(ENTRIES)


def best(matcher: Matcher, question: str) -> str:
    return matcher.entries[matcher.rank(question, limit=1)[0].index].id


def test_a_phrasing_of_the_entry_finds_it(matcher: Matcher) -> None:
    assert best(matcher, "专票怎么开？") == "special-how"


def test_a_synonym_finds_the_entry_written_with_the_other_word(matcher: Matcher) -> None:
    assert best(matcher, "增值税专用发票要怎么开") == "special-how"


def test_an_ime_typo_still_finds_the_entry(matcher: Matcher) -> None:
    assert best(matcher, "发漂金额和明系对不上") == "detail-match"


def test_a_traditional_question_finds_the_entry(matcher: Matcher) -> None:
    assert best(matcher, "忘記密碼怎麼辦") == "password-reset"


def test_a_pinyin_question_finds_the_entry(matcher: Matcher) -> None:
    assert best(matcher, "mima wangle") == "password-reset"


def test_an_english_question_finds_the_entry(matcher: Matcher) -> None:
    assert best(matcher, "What are the opening hours of support?") == "support-hours"


def test_an_unrelated_question_scores_far_below_a_related_one(matcher: Matcher) -> None:
    unrelated = matcher.rank("北京明天会下雨吗", limit=1)[0].score
    related = matcher.rank("密码忘了怎么重置", limit=1)[0].score
    assert unrelated < 0.2 < related


def test_rank_is_sorted_best_first_and_limited(matcher: Matcher) -> None:
    ranked = matcher.rank("客服时间", limit=3)
    assert len(ranked) == 3
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)


@pytest.fixture
def large_kb_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(matcher_module, "FULL_FUZZY_LIMIT", 0)
    yield


def test_the_large_knowledge_base_path_ranks_the_same(large_kb_path: None) -> None:
    matcher = Matcher(ENTRIES)
    assert best(matcher, "密码忘了怎么重置") == "password-reset"
    assert best(matcher, "专票怎么开") == "special-how"


def candidates(*scores: float) -> list[Candidate]:
    return [Candidate(i, s, s, s) for i, s in enumerate(scores)]


THRESHOLDS = Thresholds(answer=0.5, margin=0.1, sure=0.8, clarify=0.3, suggest=0.3)


def test_a_good_clear_winner_is_answered() -> None:
    assert decide(candidates(0.7, 0.4), THRESHOLDS) == "answer"


def test_two_close_entries_ask_did_you_mean() -> None:
    assert decide(candidates(0.7, 0.65), THRESHOLDS) == "clarify"


def test_a_very_good_score_is_answered_even_with_a_close_second() -> None:
    assert decide(candidates(0.85, 0.8), THRESHOLDS) == "answer"


def test_a_middling_score_asks_did_you_mean() -> None:
    assert decide(candidates(0.4, 0.1), THRESHOLDS) == "clarify"


def test_nothing_good_is_declined() -> None:
    assert decide(candidates(0.2, 0.1), THRESHOLDS) == "decline"
    assert decide([], THRESHOLDS) == "decline"


@pytest.mark.parametrize(
    ("text", "kind"),
    [("你好", "greeting"), ("hello!", "greeting"), ("谢谢！", "thanks"), ("好的，谢谢啦", "thanks"),
     ("Thanks a lot", None), ("thank you", "thanks"), ("拜拜", "bye"), ("bye", "bye"),
     ("你好，专票怎么开", None), ("this invoice", None)],
)
def test_small_talk_is_recognised_only_when_it_is_all_there_is(text: str, kind: str | None) -> None:
    assert chitchat_kind(text) == kind


def test_placeholders_are_filled_and_unknown_braces_kept() -> None:
    filled = fill_placeholders("拨打 {hotline} 或 {other}", {"hotline": "400-1"})
    assert filled == "拨打 400-1 或 {other}"


def test_default_placeholders_say_plainly_they_are_not_configured() -> None:
    assert "尚未配置" in default_placeholders("zh")["support_email"]
    assert "not configured" in default_placeholders("en")["hotline"]
    assert default_placeholders("en")["site_url"] == "www.sif.com"
