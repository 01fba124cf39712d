"""A cancelled invoice's PDF in chat, and the remark box's one limit, through the engine."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest

from tests.dialogs.conftest import EngineChat, fill_special_buyer, start_special
from tests.dialogs.test_submit_and_review import ALICE, FIN, issued_for_alice


def raw_text(path: str) -> str:
    result = subprocess.run(
        ["pdftotext", "-raw", path, "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


def test_a_voided_invoice_still_downloads_stamped_and_the_reply_says_it_is_void(
    engine_chat: Callable[..., EngineChat],
) -> None:
    bot = engine_chat()
    request_id, number = issued_for_alice(bot)
    issued = bot.say(f"pdf {number}", **ALICE)
    assert "已作废" not in issued.text and len(issued.files) == 1
    bot.say(f"作废 {request_id} 抬头少了分公司", **FIN)

    zh = bot.say(f"pdf {number}", **ALICE)
    assert "已作废" in zh.text and "不是有效发票" in zh.text.replace("不再是", "不是"), zh
    assert len(zh.files) == 1 and zh.files != issued.files, "a stamped copy, not the old file"
    en = bot.say(f"pdf {request_id}", **ALICE, lang="en")
    assert "voided" in en.text and "no longer valid" in en.text, en
    assert en.files == zh.files, "rendered once per status"
    try:
        stamped, clean = raw_text(zh.files[0]), raw_text(issued.files[0])
    except FileNotFoundError:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    assert "作 废" in stamped and "NOT A VALID INVOICE" in stamped
    assert "作 废" not in clean and number in stamped


TRANSPORT = "交通运输服务，1，5000，9%"
ROUTE = "广东省深圳市南山区科技园北区至北京市海淀区中关村软件园二期经停湖南省长沙市岳麓区及湖北省武汉市东湖高新区光谷大道"  # 112 B
VEHICLE = "重型厢式货车粤B12345及挂车粤B6789挂备用车辆重型厢式货车粤B54321"  # 63 B: 203 in all


def test_a_remark_part_that_overfills_the_printed_remark_is_refused_at_its_step(
    engine_chat: Callable[..., EngineChat],
) -> None:
    bot = engine_chat()
    start_special(bot, **ALICE)
    fill_special_buyer(bot)
    bot.press("items:net")
    assert not bot.say(TRANSPORT).errors
    asked = bot.press("items:done")
    assert asked.step == "remark", asked
    assert not bot.say(ROUTE).errors
    refused = bot.say(VEHICLE)
    assert refused.codes == ["remark_printed_too_long"], refused
    assert refused.step == "remark"
    assert not bot.say("重型厢式货车粤B12345").errors
