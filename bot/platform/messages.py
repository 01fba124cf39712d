"""What every platform front end says about itself (a flood limit, a used button, a file it
could not fetch), in zh and en; each platform's catalogue adds its own keys to these."""

from __future__ import annotations

PLATFORM_MESSAGES: dict[str, dict[str, str]] = {
    "rate_limited": {
        "zh": "您发送得有点快了 🙏 请 {seconds} 秒后再发。刚才那条消息我没有处理，请稍后重发。",
        "en": "You are sending messages a little fast 🙏 Please wait {seconds} s and send it "
              "again; I did not process that last message.",
    },
    "already_chosen": {
        "zh": "这个按钮已经按过了。",
        "en": "You already pressed this button.",
    },
    "chosen": {"zh": "已选择：{label}", "en": "Chosen: {label}"},
    "file_too_big": {
        "zh": "文件太大了（上限 {limit} MB），请压缩或截图后再发。",
        "en": "That file is too big (the limit is {limit} MB); please compress it or send a "
              "screenshot.",
    },
    "file_failed": {
        "zh": "文件没有收到，请再发一次。",
        "en": "I could not fetch that file; please send it again.",
    },
}
