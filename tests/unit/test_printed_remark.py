"""The remark box holds 200 GBK bytes in all: business parts, their labels and the free text."""

from __future__ import annotations

from core.messages import MESSAGES
from core.rules import REMARK_MAX_BYTES, check_printed_remark, check_remark, gbk_length
from core.validation import compose_remark

ROUTE = "广东省深圳市南山区科技园北区至北京市海淀区中关村软件园二期经停湖南省长沙市岳麓区"  # 82 B
VEHICLE = "重型厢式货车粤B12345及挂车粤B6789挂备用车辆重型厢式货车粤B54321及挂车粤B9876挂"
FREE = "合同编号HT-2026-0001\n项目：数据中心扩容工程配套软件与硬件采购"


def test_each_piece_fits_alone_while_the_printed_remark_does_not() -> None:
    for piece in (ROUTE, VEHICLE, FREE):
        assert check_remark(piece)[1] == []
    printed = compose_remark(FREE, {"route": ROUTE, "vehicle": VEHICLE})
    assert gbk_length(printed) > REMARK_MAX_BYTES
    [issue] = check_printed_remark(printed)
    assert issue.code == "remark_printed_too_long" and issue.is_error
    assert issue.params == {
        "length": str(gbk_length(printed)),
        "max": "200",
        "over": str(gbk_length(printed) - 200),
    }


def test_a_printed_remark_within_the_limit_passes() -> None:
    assert (
        check_printed_remark(compose_remark("合同编号HT-2026-0001", {"route": "深圳至北京"})) == []
    )
    assert check_printed_remark("注" * 100) == []
    assert check_printed_remark("") == []


def test_the_labels_count_too() -> None:
    route = "至" * 95  # 190 bytes typed, but "起运地、到达地：" prints with it
    assert check_remark(route)[1] == []
    assert [i.code for i in check_printed_remark(compose_remark("", {"route": route}))] == [
        "remark_printed_too_long"
    ]


def test_the_message_says_so_in_both_languages() -> None:
    [issue] = check_printed_remark("注" * 120)
    assert set(MESSAGES["remark_printed_too_long"]) == {"zh", "en"}
    assert "240" in issue.message("zh") and "40" in issue.message("zh")
    assert "240 bytes" in issue.message("en") and "by 40 bytes" in issue.message("en")
