"""What a question asks for, read from its question words: how long, where, why, what a thing
is, which ones, what to do now, how, or whether it may.

Two entries often share every topic word and differ only in that: "工单多久有人处理" and
"怎么提交工单" both say 工单. The words that tell them apart are stop words to the lexical score
(they are in every other question too). An entry's phrasings show what people ask of it, so
the matcher lifts an entry by the share of its phrasings that ask the same kind of thing
(`Weights.intent`); `benchmarks/faq.py` measured the gain.
"""

from __future__ import annotations

import re

from knowledge.normalize import clean

# First match wins: the specific kinds come before "how" and "whether", which half of all
# questions also say ("怎么办" is what to do, not how; "能多久" is how long, not whether).
_KINDS: tuple[tuple[str, str], ...] = (
    ("time", r"多久|多长时间|几天|几个工作日|什么时候|何时|啥时候|期限|时限|how long|how many days"
             r"|how soon|when (?:will|do|does|can|is|should)|deadline"),
    ("where", r"哪里|在哪|哪儿|哪找|入口|where"),
    ("why", r"为什么|为啥|怎么回事|咋回事|\bwhy\b"),
    ("what_is", r"什么是|是什么|什么意思|啥意思|是啥|什么叫|啥叫|定义|指的是|what is|what s |whats "
                r"|what does .{0,40} mean|meaning|\bdefin"),
    ("which", r"哪些|什么材料|填什么|写什么|要什么|\bwhich\b"
              r"|what (?:documents|info|information|fields|materials)"),
    ("what_now", r"怎么办|咋办|咋整|怎么处理|如何处理|what (?:should|do) (?:i|we) do|what now"),
    ("how", r"怎么|如何|怎样|咋|步骤|流程|how (?:do|can|to|should)|\bsteps\b|\bprocess\b"),
    ("whether", r"能不能|可不可以|可以吗|能否|是否|行不行|能.{0,20}吗|可以.{0,20}吗|can (?:i|we|you)"
                r"|is it (?:ok|possible|allowed)|allowed|may i|do i need|need to"),
)
KINDS = tuple(kind for kind, _ in _KINDS)
_GENERAL = KINDS.index("how")  # from here on, kinds that most questions also say
_PATTERNS = tuple((index, re.compile(pattern)) for index, (_, pattern) in enumerate(_KINDS))


def question_kind(text: str) -> int | None:
    """The index in KINDS of what `text` asks for, or None when its words do not say."""
    return kind_of_clean(clean(text))


def kind_of_clean(cleaned: str) -> int | None:
    """question_kind of a text already through normalize.clean(). A question that asks two
    specific things ("what is a red-letter invoice and when do I need one") has no one kind."""
    found = None
    for index, pattern in _PATTERNS:
        if pattern.search(cleaned):
            if found is None:
                found = index
            elif index < _GENERAL:
                return None
            else:
                break
    return found
