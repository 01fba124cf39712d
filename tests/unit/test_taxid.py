"""Tax IDs and ID numbers: the public reference vectors and the mistakes people really make."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from stdnum.cn import ric

from core.taxid import (
    check_buyer_tax_id,
    check_org_tax_id,
    check_person_id,
    normalise_id,
)

REFERENCE = Path(__file__).parents[2].parent / "shared" / "reference"
TODAY = date(2025, 6, 1)
VALID_CODE = "91350100M000100Y43"  # GB 32100-2015 Annex B worked example
HUAWEI = "914403001922038216"
PERSON_ID = "11010519491231002X"  # GB 11643-1999 Annex example


def reference_rows(kind_prefix: str) -> list[dict[str, str]]:
    path = REFERENCE / "id_test_vectors.csv"
    if not path.exists():
        pytest.skip(f"reference vectors not found at {path} (shared/ must sit beside the repo)")
    with path.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["kind"].startswith(kind_prefix)]


def codes(check: object) -> list[str]:
    return [issue.code for issue in check.issues]  # type: ignore[attr-defined]


def person_id(area: str, birth: str, sequence: str = "001") -> str:
    body = area + birth + sequence
    return body + ric.calc_check_digit(body + "0")


# --- normalising -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "91350100M000100Y43",
        " 91350100 M000100 Y43 ",
        "91350100-M000100-Y43",
        "91350100M000\n100Y43\r\n",
        "９１３５０１００Ｍ０００１００Ｙ４３",
        "91350100m000100y43",
        "91350100M000100Y43\u200b",
    ],
)
def test_normalising_drops_separators_widths_and_case(raw: str) -> None:
    assert normalise_id(raw) == VALID_CODE


# --- credit codes: the reference vectors -------------------------------------------------


def test_every_reference_credit_code_gets_the_verdict_of_our_policy() -> None:
    for row in reference_rows("uscc"):
        check = check_org_tax_id(row["value"])
        stdnum = row["python_stdnum_2.2_result"]
        if stdnum == "VALID":
            assert check.ok and check.issues == [], row
        elif stdnum == "InvalidLength":
            assert codes(check) == ["tax_id_length"], row
        elif stdnum == "InvalidFormat":
            assert not check.ok, row
            assert set(codes(check)) <= {"tax_id_digit_expected", "tax_id_lookalike_letter",
                                         "tax_id_excluded_letter"}, row
        else:
            assert stdnum == "InvalidChecksum", row
            assert codes(check) == ["tax_id_checksum"], row


def pilot_codes() -> list[str]:
    rows = reference_rows("uscc")
    return [r["value"] for r in rows if "pilot" in r["source_note"] + r["expected_by_source"]]


def test_the_reference_file_lists_real_pilot_region_codes() -> None:
    assert len(pilot_codes()) >= 3


def test_a_real_pilot_region_code_is_refused_until_the_person_confirms_it_as_printed() -> None:
    for code in pilot_codes():
        refused = check_org_tax_id(code)
        assert codes(refused) == ["tax_id_checksum"] and not refused.ok
        assert refused.fix is None  # never "fix" a real code into another one
        confirmed = check_org_tax_id(code, accept_unverified_checksum=True)
        assert confirmed.ok and codes(confirmed) == ["tax_id_checksum_unverified"]
        assert confirmed.issues[0].severity == "warning"


def test_excluded_letters_stay_errors_even_when_the_checksum_is_confirmed() -> None:
    check = check_org_tax_id("9111000060003IOZSV", accept_unverified_checksum=True)
    assert not check.ok
    assert [i.params["position"] for i in check.issues] == ["14", "15", "16", "17", "18"]


# --- credit codes: real mistakes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("valid", "position", "letter", "digit"),
    [
        (VALID_CODE, 10, "O", "0"),
        ("91110000600037341L", 17, "I", "1"),
        ("91120222MA06DG3067", 7, "Z", "2"),
        ("91500105MA5UM6TF71", 11, "S", "5"),
    ],
)
def test_a_look_alike_letter_is_named_by_position_and_fixed_with_one_tap(
    valid: str, position: int, letter: str, digit: str
) -> None:
    assert valid[position - 1] == digit
    typed = valid[: position - 1] + letter + valid[position:]
    check = check_org_tax_id(typed)
    assert codes(check) == ["tax_id_lookalike_letter"]
    assert check.issues[0].params == {
        "position": str(position),
        "char": letter,
        "lookalike": digit,
    }
    assert check.fix == valid and check.issues[0].fix == valid


def test_several_letters_o_typed_for_zeros_are_all_named_and_fixed_at_once() -> None:
    check = check_org_tax_id("91350100MOOO1OOY43")
    assert [i.params["position"] for i in check.issues] == ["10", "11", "12", "14", "15"]
    assert check.fix == VALID_CODE


def test_a_letter_in_the_region_code_is_read_as_its_look_alike_digit() -> None:
    check = check_org_tax_id("913501OOM000100Y43")
    assert codes(check) == ["tax_id_lookalike_letter", "tax_id_lookalike_letter"]
    assert check.fix == VALID_CODE


def test_the_letter_v_is_named_by_position_without_a_guess() -> None:
    # V looks like no digit: invoice-rules.md suggests only O->0, I->1, Z->2, S->5
    check = check_org_tax_id("91120222MA0699V071")
    assert codes(check) == ["tax_id_excluded_letter"]
    assert check.issues[0].params == {"position": "15", "char": "V"}
    assert check.fix is None
    assert "U" not in check.issues[0].message("zh") and "V" in check.issues[0].message("zh")


def test_only_the_four_look_alikes_of_the_rules_are_ever_suggested() -> None:
    check = check_org_tax_id("9111000060003IOZSV")
    suggested = {i.params["char"]: i.params.get("lookalike") for i in check.issues}
    assert suggested == {"I": "1", "O": "0", "Z": "2", "S": "5", "V": None}
    letter_in_region = check_org_tax_id("91B50100M000100Y43")  # B where a digit belongs
    assert codes(letter_in_region) == ["tax_id_digit_expected"] and letter_in_region.fix is None


@pytest.mark.parametrize("typed", ["华为技术有限公司", "税号在哪里找", "9144０３ 华为"])
def test_chinese_words_are_not_a_tax_id_and_are_not_counted_as_characters(typed: str) -> None:
    check = check_org_tax_id(typed)
    assert codes(check) == ["tax_id_not_an_id"]
    zh, en = check.issues[0].message("zh"), check.issues[0].message("en")
    assert "不是税号" in zh and "数字和大写字母" in zh and "税号有" not in zh
    assert "not a tax ID" in en and "digits and capital letters" in en
    person = check_buyer_tax_id(typed, buyer_kind="person", today=TODAY)
    assert codes(person) == ["person_id_not_an_id"] and "不是身份证号" in person.issues[0].message("zh")


def test_a_b_typed_for_an_8_fails_the_checksum_and_offers_the_code_with_8() -> None:
    typed = HUAWEI[:14] + "B" + HUAWEI[15:]
    check = check_org_tax_id(typed)
    assert codes(check) == ["tax_id_checksum", "tax_id_lookalike_fix"]
    suggestion = check.issues[1]
    assert suggestion.params == {"position": "15", "char": "B", "lookalike": "8", "fix": HUAWEI}
    assert check.fix == HUAWEI == suggestion.fix


def test_a_wrong_check_character_is_a_checksum_error_without_a_fix() -> None:
    check = check_org_tax_id("91110000600037341N")
    assert codes(check) == ["tax_id_checksum"] and check.fix is None


def test_a_dropped_character_states_the_length_found_and_the_lengths_allowed() -> None:
    check = check_org_tax_id(VALID_CODE[:9] + VALID_CODE[10:])
    assert codes(check) == ["tax_id_length"]
    assert check.issues[0].params == {"length": "17", "allowed": "18/15"}


def test_a_9_character_organisation_code_is_not_a_tax_id() -> None:
    assert codes(check_org_tax_id("D2143569X")) == ["tax_id_length"]


def test_an_old_15_character_number_is_accepted_with_a_warning_to_move_on() -> None:
    check = check_org_tax_id("110108000000016")
    assert check.ok and codes(check) == ["tax_id_legacy_15"]
    assert check.issues[0].severity == "warning"


def test_an_old_number_with_a_letter_in_its_area_code_is_refused() -> None:
    check = check_org_tax_id("11O108000000016")
    assert codes(check) == ["tax_id_bad_char"] and check.issues[0].params["position"] == "3"


def test_a_resident_id_number_given_for_an_organisation_is_refused() -> None:
    check = check_org_tax_id(PERSON_ID)
    assert codes(check) == ["tax_id_is_person_id"] and not check.ok


def test_an_empty_tax_id_is_required_for_an_organisation() -> None:
    assert codes(check_org_tax_id("  \n")) == ["tax_id_required"]


def test_punctuation_inside_a_code_is_named() -> None:
    check = check_org_tax_id("91350100M000100Y4.")
    assert codes(check) == ["tax_id_bad_char"]
    assert check.issues[0].params == {"position": "18", "char": "."}


def test_issues_carry_the_field_they_are_about() -> None:
    check = check_org_tax_id("123", field="seller_tax_id")
    assert check.issues[0].field == "seller_tax_id"


# --- resident ID numbers -----------------------------------------------------------------

# Where the sources (or python-stdnum's area table) disagree, the verdict of our policy:
# the checksum and a real birth date are required, the area code only needs a real province.
POLICY_FOR_DISPUTED = {
    "440524188001010014": None,  # GB 11643 example; stdnum's table dates the county from 1983
    "810000199408230021": None,  # Hong Kong residence permit
    "830000199201300022": None,  # Taiwan residence permit
    "500154199804106120": None,  # 开州区 got its code in 2016; numbers keep their code
    "500154199301135886": None,  # id-validator refuses it, for no reason we can check
    "32021919900101003X": None,  # valid; fdstar refuses it only under extra options
    "360426199113010079": "person_id_birth_date",
    "990426199112010074": "person_id_area",
}


def test_every_reference_resident_id_number_gets_the_verdict_of_our_policy() -> None:
    for row in reference_rows("ric18"):
        value, stdnum = row["value"], row["python_stdnum_2.2_result"]
        check = check_person_id(value, today=TODAY)
        if value in POLICY_FOR_DISPUTED:
            expected = POLICY_FOR_DISPUTED[value]
            assert codes(check) == ([expected] if expected else []), row
        elif stdnum == "VALID":
            assert check.ok and check.issues == [], row
        else:
            assert stdnum != "InvalidComponent", f"decide a policy for {row}"
            assert not check.ok, row


def test_a_first_generation_15_digit_id_number_offers_its_18_digit_form() -> None:
    for row in reference_rows("ric15"):
        check = check_person_id(row["value"], today=TODAY)
        assert not check.ok
        if row["expected_by_source"].startswith("valid"):
            assert codes(check) == ["person_id_legacy_15"]
            assert check.fix and check_person_id(check.fix, today=TODAY).issues == []
        else:
            assert check.fix is None
    assert check_person_id("610104620927690", today=TODAY).fix == "610104196209276908"


def test_a_lower_case_x_check_digit_is_accepted() -> None:
    assert check_person_id("44011320141005001x", today=TODAY).value == "44011320141005001X"


def test_a_birth_date_after_today_is_refused() -> None:
    future = person_id("110105", "20300101")
    check = check_person_id(future, today=TODAY)
    assert codes(check) == ["person_id_birth_future"]
    assert check.issues[0].params == {"date": "2030-01-01"}


def test_a_birth_date_more_than_150_years_ago_is_refused() -> None:
    assert codes(check_person_id(person_id("110105", "18700101"), today=TODAY)) == [
        "person_id_birth_date"
    ]


def test_two_swapped_digits_fail_the_checksum() -> None:
    swapped = PERSON_ID[:15] + PERSON_ID[16] + PERSON_ID[15] + PERSON_ID[17:]
    assert codes(check_person_id(swapped, today=TODAY)) == ["person_id_checksum"]


def test_an_o_typed_for_a_zero_in_an_id_number_is_fixed_with_one_tap() -> None:
    check = check_person_id("11O105194912310O2X", today=TODAY)
    assert codes(check) == ["person_id_lookalike_letter"] * 2
    assert check.fix == PERSON_ID


def test_an_id_number_with_a_dropped_digit_states_its_length() -> None:
    check = check_person_id(PERSON_ID[1:], today=TODAY)
    assert codes(check) == ["person_id_length"] and check.issues[0].params == {"length": "17"}


def test_an_id_number_typed_with_spaces_and_full_width_digits_is_accepted() -> None:
    assert check_person_id("１１０１０５ １９４９１２３１ ００２Ｘ", today=TODAY).ok


# --- the buyer ---------------------------------------------------------------------------


def test_an_organisation_buyer_must_give_a_tax_id() -> None:
    check = check_buyer_tax_id("", buyer_kind="organisation", today=TODAY)
    assert codes(check) == ["tax_id_required"]


def test_a_person_buyer_may_give_no_id_at_all() -> None:
    check = check_buyer_tax_id("  ", buyer_kind="person", today=TODAY)
    assert check.ok and check.issues == [] and check.value == ""


def test_a_person_buyer_may_give_an_id_number() -> None:
    check = check_buyer_tax_id(PERSON_ID, buyer_kind="person", today=TODAY)
    assert check.ok and check.issues == []


def test_a_person_buyer_giving_a_credit_code_is_warned_but_may_go_on() -> None:
    check = check_buyer_tax_id(VALID_CODE, buyer_kind="person", today=TODAY)
    assert check.ok and codes(check) == ["buyer_tax_id_org_for_person"]


def test_a_person_buyer_giving_a_wrong_id_number_gets_id_number_errors() -> None:
    check = check_buyer_tax_id("440308199901101513", buyer_kind="person", today=TODAY)
    assert codes(check) == ["person_id_checksum"]


def test_a_person_buyer_giving_a_mistyped_credit_code_gets_credit_code_errors() -> None:
    check = check_buyer_tax_id("91110000600037341N", buyer_kind="person", today=TODAY)
    assert codes(check) == ["tax_id_checksum"]


def test_a_person_buyer_giving_an_old_id_card_number_is_offered_the_new_one() -> None:
    check = check_buyer_tax_id("610104620927690", buyer_kind="person", today=TODAY)
    assert codes(check) == ["person_id_legacy_15"] and check.fix == "610104196209276908"


def test_the_confirmation_of_a_pilot_code_passes_through_for_an_organisation() -> None:
    check = check_buyer_tax_id(
        "91350211M0000XUF46",
        buyer_kind="organisation",
        today=TODAY,
        accept_unverified_checksum=True,
    )
    assert check.ok and codes(check) == ["tax_id_checksum_unverified"]
