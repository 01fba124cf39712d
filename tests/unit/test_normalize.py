"""Normalisation: one canonical text for the many ways people type the same question."""

from __future__ import annotations

import pytest

from knowledge.normalize import (
    clean,
    detect_lang,
    looks_like_pinyin,
    normalize,
    pinyin_key,
    split_pinyin,
)


def test_full_width_letters_and_digits_become_half_width_lower_case() -> None:
    assert clean("ＰＤＦ版 １８位") == "pdf版 18位"


def test_traditional_characters_become_simplified() -> None:
    assert clean("發票專用章蓋得不清楚") == "发票专用章盖得不清楚"


def test_punctuation_becomes_space_but_decimals_and_percent_stay() -> None:
    assert clean("税率13%，误差0.01元！") == "税率13% 误差0.01元"


def test_thousands_separators_are_dropped_from_numbers() -> None:
    assert clean("金额12,800元") == "金额12800元"


def test_filler_words_and_final_particles_are_dropped() -> None:
    assert normalize("请问一下发票丢了怎么办啊？") == "发票丢失"  # 丢了 -> the term 丢失
    assert normalize("能报销吗") == "能报销"


def test_a_particle_inside_a_word_stays() -> None:
    assert "哈尔滨" in normalize("哈尔滨的发票")


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("增值税专用发票", "专票"),
        ("纳税人识别号", "税号"),
        ("统一社会信用代码", "税号"),
        ("购买方名称", "抬头"),
        ("红冲", "红字"),
        ("报账", "报销"),
        ("撤销", "作废"),
    ],
)
def test_synonyms_map_onto_one_canonical_term(variant: str, canonical: str) -> None:
    assert normalize(f"{variant}怎么处理") == f"{canonical}怎么处理"


def test_a_canonical_term_is_not_re_read_as_a_shorter_synonym() -> None:
    assert normalize("购买方地址") == "购买方地址"


def test_english_terms_map_to_chinese_even_inside_chinese_text() -> None:
    assert normalize("电子发票要去哪个module里下载") == "电子发票要去哪个 模块 里下载"
    assert "专票" in normalize("How do I get a special VAT invoice?")


@pytest.mark.parametrize(("text", "term"), [
    ("e-fapiao", "电子发票"), ("How do I get my efapiao?", "电子发票"), ("special fapiao", "专票"),
    ("red-letter fapiao", "红字发票"), ("paper fapiaos", "纸质发票")])
def test_fapiao_is_read_as_invoice_in_every_invoice_phrase(text: str, term: str) -> None:
    assert term in normalize(text)


@pytest.mark.parametrize("text", ["issue invoice", "issue an invoice", "issue the invoice",
                                  "How do I issue a fapiao?"])
def test_an_article_between_a_phrases_words_does_not_hide_it(text: str) -> None:
    assert "开票" in normalize(text)


def test_articles_elsewhere_and_inside_words_are_left_alone() -> None:
    assert normalize("a4 paper") == "a4 纸质"
    assert normalize("what is a red letter invoice") == "what is a 红字发票"


def test_plural_english_terms_map_too() -> None:
    assert normalize("invoices") == "发票"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("专票怎么开", "zh"),
        ("Sif开票form里有哪些选项", "zh"),
        ("How do I reset my password?", "en"),
        ("fapiao zenme kai", "zh"),
        ("12345", "zh"),
        ("status SO-1001", "en"),
    ],
)
def test_the_language_follows_the_text(text: str, lang: str) -> None:
    assert detect_lang(text, default="zh") == lang


@pytest.mark.parametrize("text", ["https://www.sif.com/invoice/123", "91440300192203821X",
                                  "SO-1001", "INV-2026-0042", "a.li@example.com", "ok", "PDF",
                                  "12345"])
@pytest.mark.parametrize("default", ["zh", "en"])
def test_text_in_no_language_keeps_the_persons(text: str, default: str) -> None:
    assert detect_lang(text, default=default) == default


def test_pinyin_text_keeps_the_default_language() -> None:
    assert detect_lang("fapiao zenme kai", default="en") == "en"


def test_pinyin_words_split_into_syllables() -> None:
    assert split_pinyin("zenmekai") == ["zen", "me", "kai"]
    assert split_pinyin("hello") is None


def test_english_words_are_not_taken_for_pinyin() -> None:
    assert not looks_like_pinyin(["hello", "invoice"])
    assert looks_like_pinyin(["fapiao", "zenme", "kai"])
    assert not looks_like_pinyin(["he", "can"])  # two one-syllable words: too little to tell


def test_pinyin_typed_a_syllable_at_a_time_is_pinyin() -> None:
    assert looks_like_pinyin(["hong", "chong", "zen", "me", "cao", "zuo"])


def test_pinyin_key_is_toneless() -> None:
    assert pinyin_key("发票明细") == "fapiaomingxi"


def test_a_function_word_is_never_read_as_the_stem_of_a_term() -> None:
    # "note" (备注) stems to "not": "a paper one or not" must not become a question on remarks.
    assert "备注" in normalize("add a note")
    assert "备注" not in normalize("should we ask for a paper one or not")


def test_what_is_left_of_a_contraction_is_no_content_word() -> None:
    from knowledge.matcher import default_analyzer

    analyzer = default_analyzer()
    words = analyzer.words(normalize("I'm new, we're late and it's urgent, don't wait"))
    assert not {"m", "re", "s", "t"} & set(analyzer.terms(words))


@pytest.mark.parametrize(("text", "how_long"), [
    ("发票什么时候到", True), ("纸质发票啥时候能收到", True), ("红字信息表什么时候审完", True),
    ("发票何时开出来", True), ("什么时候开专票", False), ("什么时候用红冲", False),
])
def test_when_something_arrives_is_how_long_until_it_does(text: str, how_long: bool) -> None:
    assert ("多久" in normalize(text)) is how_long
