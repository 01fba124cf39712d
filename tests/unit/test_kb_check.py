"""`kb check` catches an operator's mistakes in the YAML files before the bot loads them."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from knowledge.check import check_kb
from knowledge.kb import KBLoadError, load_folder

GOOD = """\
- id: password-reset
  questions:
    - 忘记密码怎么办？
    - 密码忘了咋重置
    - I forgot my password
  answer:
    zh: 在登录页点“忘记密码”，用绑定的手机号或邮箱重置。
    en: Click 'Forgot password' on the login page and reset it by phone or e-mail.
  related: [support-hours]
- id: support-hours
  questions:
    - 人工客服几点上班？
    - 在线客服工作时间
    - When is support open?
  answer:
    zh: 在线客服每天 9:00-22:00，热线 {hotline}。
    en: Online support is open 9:00-22:00 every day; hotline {hotline}.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(dedent(text), encoding="utf-8")
    return path


def codes(folder: Path) -> set[str]:
    return {p.code for p in check_kb(folder)}


def errors(folder: Path) -> list[str]:
    return [p.code for p in check_kb(folder) if p.severity == "error"]


def test_a_clean_knowledge_base_has_no_errors(tmp_path: Path) -> None:
    write(tmp_path, "01.yaml", GOOD)
    assert errors(tmp_path) == []


def test_a_missing_field_names_file_entry_and_field(tmp_path: Path) -> None:
    write(tmp_path, "01.yaml", GOOD)
    write(tmp_path, "02.yaml", "- id: no-answer\n  questions: [发票怎么开]\n")
    [problem] = [p for p in check_kb(tmp_path) if p.code == "schema"]
    assert (problem.file, problem.entry_id) == ("02.yaml", "no-answer")
    assert "answer" in problem.message


def test_a_misspelt_key_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "01.yaml", GOOD.replace("  related:", "  relatd:"))
    assert "schema" in errors(tmp_path)


def test_an_id_that_is_not_kebab_case_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "01.yaml", GOOD.replace("id: password-reset", "id: Password_Reset"))
    assert "schema" in errors(tmp_path)


def test_broken_yaml_is_reported_with_its_file(tmp_path: Path) -> None:
    write(tmp_path, "01.yaml", GOOD)
    write(tmp_path, "02.yaml", "- id: x\n  questions: [a\n")
    [problem] = [p for p in check_kb(tmp_path) if p.code == "file"]
    assert problem.file == "02.yaml"


def test_a_duplicate_id_across_files_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "01.yaml", GOOD)
    write(tmp_path, "02.yaml", GOOD.split("- id: support-hours")[0])
    assert "duplicate_id" in errors(tmp_path)


def test_the_same_question_in_two_entries_is_a_conflict(tmp_path: Path) -> None:
    write(tmp_path, "01.yaml", GOOD.replace("在线客服工作时间", "忘記密碼怎麼辦"))
    assert "conflicting_question" in errors(tmp_path)


def test_a_related_id_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "01.yaml", GOOD.replace("[support-hours]", "[support-hourz]"))
    assert "related_missing" in errors(tmp_path)


def test_a_topic_offering_a_missing_or_unanswering_entry_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "01.yaml", GOOD.replace("- id: support-hours\n",
                                            "- id: support-hours\n  kind: not-in-guide\n"))
    topics = {"密码": ("password-reset", "password-lost", "support-hours")}
    found = {(p.code, p.entry_id) for p in check_kb(tmp_path, topics) if p.severity == "error"}
    assert found == {("topic_entry", "password-lost"), ("topic_entry", "support-hours")}
    # A topics file naming none of this folder's entries belongs to another knowledge base.
    assert "topic_entry" not in {p.code for p in check_kb(tmp_path, {"发票": ("issue-how",)})}


def test_a_see_also_link_to_a_not_in_guide_entry_is_a_warning(tmp_path: Path) -> None:
    text = GOOD.replace("- id: support-hours\n", "- id: support-hours\n  kind: not-in-guide\n")
    write(tmp_path, "01.yaml", text)
    found = [(p.severity, p.entry_id) for p in check_kb(tmp_path) if p.code == "related_not_in_guide"]
    assert found == [("warning", "password-reset")]
    assert "related_not_in_guide" not in codes(write(tmp_path, "01.yaml", GOOD).parent)


def test_an_unknown_placeholder_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "01.yaml", GOOD.replace("热线 {hotline}", "热线 {hotlines}"))
    assert "unknown_placeholder" in errors(tmp_path)


def test_a_missing_translation_is_an_error(tmp_path: Path) -> None:
    text = GOOD.replace("    en: Online support is open 9:00-22:00 every day; hotline {hotline}.\n",
                        "")
    write(tmp_path, "01.yaml", text)
    assert "missing_answer" in errors(tmp_path)


def test_a_long_answer_is_a_warning_only(tmp_path: Path) -> None:
    write(tmp_path, "01.yaml", GOOD.replace("用绑定的手机号或邮箱重置。", "重置。" * 120))
    problems = [p for p in check_kb(tmp_path) if p.code == "long_answer"]
    assert problems and all(p.severity == "warning" for p in problems)


def test_an_entry_whose_canonical_question_another_entry_wins_is_shadowed(tmp_path: Path) -> None:
    shadow = """\
    - id: title-check
      questions:
        - 抬头和税号一致吗
        - Must the title match the tax ID?
      answer:
        zh: 要核对。
        en: Check it.
    - id: title-tax-id-match
      questions:
        - 发票抬头和税号必须一致吗
        - 抬头 税号 一致
        - 抬头和税号不一致咋办
        - 税号跟抬头对不上
        - Title and tax ID do not match
        - 抬头和税号一致吗有什么要求
      answer:
        zh: 抬头和税号必须一致，税号与抬头不一致时发票无效。
        en: The title and the tax ID must match, otherwise the invoice is invalid.
    """
    write(tmp_path, "01.yaml", shadow)
    found = [p for p in check_kb(tmp_path) if p.code == "shadowed"]
    assert [(p.entry_id, p.severity) for p in found][:1] == [("title-check", "error")]
    assert "title-tax-id-match" in found[0].message


def test_the_loader_refuses_a_broken_folder_naming_file_entry_and_reason(tmp_path: Path) -> None:
    write(tmp_path, "01.yaml", GOOD)
    write(tmp_path, "02.yaml", "- id: no-answer\n  questions: [发票怎么开]\n")
    with pytest.raises(KBLoadError, match=r"02\.yaml: no-answer: answer"):
        load_folder(tmp_path)


SHIPPED = Path(__file__).resolve().parents[2] / "knowledge" / "faq"


def test_the_shipped_knowledge_base_has_no_errors() -> None:
    problems = [str(p) for p in check_kb(SHIPPED) if p.severity == "error"]
    assert problems == []


def test_no_shipped_phrasing_is_won_by_another_entry_or_written_twice() -> None:
    # A dictionary change can do this without touching an entry ("e-fapiao" became 电子发票
    # and a not-in-guide entry took "电子发票是什么意思").
    problems = [str(p) for p in check_kb(SHIPPED)
                if p.code in ("shadowed", "duplicate_question")]
    assert problems == []
