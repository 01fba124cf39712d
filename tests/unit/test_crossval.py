"""Cross-validation over the knowledge base's own phrasings finds entries asked in the same words."""

from __future__ import annotations

from knowledge.crossval import FOLDS, cross_validate, fold_of
from knowledge.kb import Answer, Entry


def entry(entry_id: str, questions: list[str], zh: str, en: str) -> Entry:
    return Entry(id=entry_id, questions=questions, answer=Answer(zh=zh, en=en))


PASSWORD = entry("password-reset", [
    "忘记密码怎么办？", "密码忘了咋重置", "登录密码找回", "密码记不住了怎么登录", "重置密码在哪里",
    "I forgot my password", "reset password", "密码丢了", "找回登录密码的步骤"],
    "在登录页点“忘记密码”，用绑定的手机号重置。", "Click 'Forgot password' and reset it by phone.")
HOURS = entry("support-hours", [
    "人工客服几点上班？", "在线客服工作时间", "客服 时间", "When is support open?", "客服几点下班",
    "晚上还有客服吗", "support opening hours", "客服上班时间是几点到几点"],
    "在线客服每天 9:00-22:00。", "Online support is open 9:00-22:00 every day.")
# Two entries people ask about in the same words: a higher and a lower invoice amount.
HIGHER = entry("amount-higher", [
    "发票金额比明细高怎么办？", "发票金额和明细对不上", "发票跟明细金额不一致", "发票金额比明细多",
    "发票和明细差额怎么处理", "发票金额 明细 不一致 怎么办"],
    "发票金额高于明细合计时，附商家盖章的情况说明。",
    "If the invoice is higher than the details, attach the merchant's stamped explanation.")
LOWER = entry("amount-lower", [
    "发票金额比明细低怎么办？", "发票金额和明细对不上怎么办", "发票跟明细金额不一样", "发票金额比明细少",
    "发票和明细有差额", "明细 发票 金额 不一致"],
    "发票金额低于明细合计时，重新填报明细。",
    "If the invoice is lower than the details, redo the details to match it.")


def test_every_phrasing_but_the_canonical_one_is_asked_once_and_counted_once() -> None:
    entries = [PASSWORD, HOURS, HIGHER, LOWER]
    result = cross_validate(entries)
    assert result.asked == sum(len(e.questions) - 1 for e in entries)
    assert result.right + result.wrong + result.unsure == result.asked
    assert 0 <= result.right <= result.first_ranked <= result.asked


def test_entries_asked_about_in_different_words_are_not_confused() -> None:
    result = cross_validate([PASSWORD, HOURS])
    assert result.wrong == 0
    assert result.right >= result.asked - 2  # a terse one-word phrasing may stay unsure
    assert all({c.first, c.second} != {"password-reset", "support-hours"}
               for c in result.confusions if c.count > 2)


def test_entries_asked_about_in_the_same_words_are_the_top_confusion() -> None:
    result = cross_validate([PASSWORD, HOURS, HIGHER, LOWER])
    top = result.confusions[0]
    assert (top.first, top.second) == ("amount-higher", "amount-lower")
    assert top.count >= 4
    assert "phrasings left out" in result.line()


def test_a_phrasings_fold_depends_only_on_its_text() -> None:
    assert fold_of("发票金额比明细高怎么办？") == fold_of("发票金额比明细高怎么办？")
    assert {fold_of(q) for e in (PASSWORD, HOURS, HIGHER, LOWER) for q in e.questions} == set(
        range(FOLDS))
