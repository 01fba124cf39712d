"""What one simulated person says in the platform benchmarks (telegram.py, slack.py): the
invoice form up to the delivery step, then a knowledge-base question. Not a benchmark itself."""

from __future__ import annotations

SCRIPT: list[tuple[str, str]] = [  # ("text" | "press", value)
    ("text", "开发票"),
    ("press", "invoice_type:special"),
    ("text", "华为技术有限公司"),
    ("text", "914403001922038216"),
    ("text", "深圳市龙岗区坂田华为基地 0755-28780808"),
    ("text", "招商银行深圳分行营业部 755900000000001"),
    ("press", "items:gross"),
    ("text", "软件开发服务，1，10600，6%"),
    ("press", "items:done"),
    ("press", "nav:skip"),
    ("text", "专票和普票有什么区别？"),
]
