"""Follow-up questions that lean on the previous one: "纸质发票怎么申请？" … "那电子发票呢？".

`follow_up_core` finds the part a follow-up asks about ("电子发票"); `rewrite` puts it into the
previous question: a term of the same facet (dict/facets.txt: 纸质发票 / 电子发票, 当月 / 跨月 …)
is swapped for it, else it is added. The conversation asks the knowledge base with the result
only when the follow-up alone is not answered (bot/handlers/faq.py), and says how it read it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from knowledge.normalize import DICT_DIR, normalize, read_lines

MAX_CORE = 16  # characters: a follow-up is short; a longer message is a question of its own

_LEADS = sorted(("那", "那么", "那如果", "那如果是", "如果", "如果是", "要是", "要是是", "换成", "改成",
                 "那要是", "那要是是", "换成是"), key=len, reverse=True)  # longest first
_CORE = rf"(?P<core>[^?？。!！]{{1,{MAX_CORE}}}?)"
_ZH = re.compile(
    rf"^(?:{'|'.join(_LEADS)})?\s*{_CORE}\s*(?:的话)?(?:呢|怎么办呢|咋办呢|怎么样呢|又怎么样|又如何)"
    r"\s*[?？!！。]*$"
)
# A core that asks something itself ("专票和普票有什么区别呢") is a question of its own.
_ASKS = re.compile(r"什么|怎么|咋|哪|多少|多久|为什么|能不能|可不可以|可以|是否|吗|"
                   r"\b(?:how|what|why|when|where|which|can|do|does|is|are)\b", re.IGNORECASE)
_ZH_THEN = re.compile(rf"^(?:那|那么)\s*{_CORE}\s*[?？]+$")
_EN = re.compile(
    r"^(?:and|but|ok|okay|so)?[\s,]*(?:what|how)\s+about\s+(?P<core>.{1,40}?)\s*[?!.]*$"
    r"|^(?:and|same)\s+(?:for\s+)?(?P<core2>.{1,40}?)\s*\?+$",
    re.IGNORECASE,
)


@cache
def facets(dict_dir: Path = DICT_DIR) -> tuple[tuple[str, ...], ...]:
    """Each facet's terms, longest first (so 纸质发票 is found before 纸质)."""
    return tuple(tuple(sorted(line.split(), key=len, reverse=True))
                 for line in read_lines(dict_dir / "facets.txt"))


def follow_up_core(text: str) -> str | None:
    """What a follow-up asks about ("那电子发票呢？" -> "电子发票"), or None for a question of
    its own."""
    stripped = text.strip()
    for pattern in (_ZH, _ZH_THEN, _EN):
        match = pattern.match(stripped)
        if match:
            core = next(g for g in match.groups() if g).strip()
            return core if core and not _ASKS.search(core) else None
    return None


def rewrite(previous: str, core: str) -> str:
    """The previous question asked about `core` instead: a sibling term swapped, else added."""
    before, asked = normalize(previous), normalize(core)
    swapped = before
    for facet in facets():
        new = next((term for term in facet if term in asked), None)
        old = next((term for term in facet if term in swapped and term != new), None)
        if new and old and new not in swapped:
            if old.endswith("发票") and not new.endswith("发票"):  # 纸质发票 -> 电子发票, not 电子
                new += "发票"
            swapped = swapped.replace(old, new, 1)
    return swapped if swapped != before else f"{before} {asked}"
