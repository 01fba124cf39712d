"""Text normalisation shared by the knowledge base and the questions people type.

`clean` folds width, case, script and punctuation; `normalize` also maps English terms and
synonyms onto one Chinese form and drops filler words, so that "請問ＳＰＥＣＩＡＬ invoice 咋开啊"
and "专票怎么开" meet on the same text. Dictionaries live in `knowledge/dict/` and are read on
first use, never at import time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import zhconv

DICT_DIR = Path(__file__).with_name("dict")

_KEEP_SYMBOLS = frozenset("%.")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
_STRAY_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
_SPACES = re.compile(r"\s+")

# Politeness and hedging that says nothing about the topic.
FILLERS = (
    "请问一下", "请问", "麻烦问一下", "麻烦问下", "麻烦", "想问一下", "想问下", "我想问",
    "问一下", "咨询一下", "打听一下", "一下", "怎么办", "怎么弄", "您好", "你好",
)
# Sentence-final particles, dropped only at the end of a clause (哈 in 哈尔滨 stays).
# "什么时候到/啥时候能收到/何时开出来" asks how long until something happens (多久), not in which
# case ("什么时候开专票" stays): the knowledge base states those waits with 多久.
_WHEN_DONE = re.compile(
    r"(?:什么时候|啥时候|何时|几时)(?:能|会|可以|才能|才)?"
    r"(?=收到|到账|到手|寄到|送到|到|下来|出来|开出来|开好|审核通过|审完|处理完|处理好)"
)
_PARTICLES = re.compile(r"[啊呢吗哈呀吧嘛哦啦呗噢咧哇诶]+(?= |$)")


@dataclass(frozen=True)
class TermMaps:
    """Compiled replacement tables read from the dictionary folder."""

    english: re.Pattern[str]
    english_map: dict[str, str]
    synonyms: re.Pattern[str]
    synonym_map: dict[str, str]
    fillers: re.Pattern[str]
    stemmed_map: dict[str, str]  # stem of a one-word English term -> Chinese (submitting -> 提交)


def read_lines(path: Path) -> Iterable[str]:
    """Non-empty, non-comment lines of a UTF-8 dictionary file."""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            yield line


_ARTICLE_GAP = r" (?:(?:a|an|the) )?"
_ARTICLES = re.compile(r"(?<![a-z0-9])(?:a|an|the) ")


def _without_articles(phrase: str) -> str:
    """A phrase of en_zh.txt without its articles: the key its every spelling is found by."""
    return _ARTICLES.sub("", phrase) if " " in phrase else phrase


def _alternation(words: Iterable[str], suffix: str = "", space: str = " ") -> str:
    """A regex matching any of `words` (the longest one where several match), followed by
    `suffix`, built as a trie: hundreds of terms cost one pass, not one try per term. A space
    in a word matches `space` (a pattern)."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in set(words):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:  # type: ignore[type-arg]
        branches = [(space if char == " " else re.escape(char)) + pattern(child)
                    for char, child in sorted(node.items()) if char]
        if not branches:
            return suffix
        either = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" not in node:
            return either
        return f"(?:{either}|{suffix})" if suffix else f"(?:{either})?"

    return pattern(trie)


def load_term_maps(dict_dir: Path = DICT_DIR) -> TermMaps:
    """Read `en_zh.txt` and `synonyms.txt` into compiled regular expressions."""
    english_map: dict[str, str] = {}
    for line in read_lines(dict_dir / "en_zh.txt"):
        term, _, chinese = line.partition("=")
        english_map[_without_articles(term.strip().lower())] = chinese.strip()
    synonym_map: dict[str, str] = {}
    for line in read_lines(dict_dir / "synonyms.txt"):
        forms = [form.strip() for form in line.split("=") if form.strip()]
        for form in forms:
            synonym_map.setdefault(clean(form), clean(forms[0]))
    # "issue a fapiao" and "issue the invoice" are the phrase "issue invoice": an article may
    # stand between a phrase's words.
    english = re.compile(r"(?<![a-z])(" + _alternation(english_map, r"(?:s|es)?", _ARTICLE_GAP)
                         + r")(?![a-z])")
    # The canonical forms are in the alternation too, so "购买方" is not re-read as "购" + "买方".
    synonyms = re.compile("(" + _alternation(synonym_map) + ")")
    fillers = re.compile(_alternation(FILLERS))
    # A stem that is itself a function word would catch it: "note" -> "not" made every "or
    # not" a 备注 (remark). Such a term is still found in its own spelling.
    function_words = {word for line in read_lines(dict_dir / "stopwords.txt")
                      for word in line.split() if word.isascii()}
    stemmed = {english_stem(term): chinese for term, chinese in english_map.items()
               if " " not in term and english_stem(term) not in function_words}
    return TermMaps(english, english_map, synonyms, synonym_map, fillers, stemmed)


@cache
def default_term_maps() -> TermMaps:
    return load_term_maps(DICT_DIR)


@cache
def _punctuation_table() -> dict[int, str]:
    """Every punctuation or symbol code point of the BMP -> a space (built once, lazily)."""
    table: dict[int, str] = {}
    for code in range(0x10000):
        char = chr(code)
        if char not in _KEEP_SYMBOLS and unicodedata.category(char)[0] in "PS":
            table[code] = " "
    table.update({ord("\n"): " ", ord("\t"): " ", ord("_"): " "})
    return table


@cache
def _traditional_chars() -> frozenset[str]:
    """Characters that are themselves traditional (or variant) forms: a text without any is
    already simplified and skips zhconv (a tenth of a millisecond on a long question). Its
    phrase table is not consulted for such a text: phrases that hold common simplified
    characters (上, 和, 明 ...) made nearly every question look traditional."""
    table = zhconv.zhconv.getdict("zh-cn")
    return frozenset(key for key, value in table.items() if len(key) == 1 and key != value)


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def clean(text: str) -> str:
    """Width, case, traditional script, thousands separators and punctuation folded."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _THOUSANDS.sub("", text).translate(_punctuation_table())
    if not _traditional_chars().isdisjoint(text):
        text = zhconv.convert(text, "zh-cn")
    text = _STRAY_DOT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def english_stem(word: str) -> str:
    """A crude English stem, the same for every form of a word: submitted, submitting, submits
    -> "submit"; changed, changes -> "chang". Only used to make forms meet, never shown."""
    if len(word) <= 3 or not word.isascii() or not word.isalpha():
        return word
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)] + repl
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


# "fapiao" is how many foreigners say invoice: "special fapiao", "e-fapiao" and "red-letter
# fapiao" are the invoice phrases of en_zh.txt, which need not be written twice.
_FAPIAO = re.compile(r"(?<![a-z])(?:e-?)?fapiaos?(?![a-z])")


def _fapiao(match: re.Match[str]) -> str:
    return "e invoice" if match.group(0).startswith("e") else "invoice"


def _english_to_chinese(text: str, maps: TermMaps) -> str:
    def replace(match: re.Match[str]) -> str:
        word = _without_articles(match.group(1))
        found = maps.english_map.get(word) or maps.english_map.get(word.rstrip("s"))
        if found is None and word.endswith("es"):
            found = maps.english_map.get(word[:-2])
        return f" {found} " if found else word

    text = maps.english.sub(replace, _FAPIAO.sub(_fapiao, text))
    if maps.stemmed_map:
        text = _LATIN_WORD.sub(lambda m: _stemmed_term(m.group(0), maps), text)
    return text


def _stemmed_term(word: str, maps: TermMaps) -> str:
    found = maps.stemmed_map.get(english_stem(word))
    return f" {found} " if found else word


def normalize(text: str, maps: TermMaps | None = None, *, cleaned: bool = False) -> str:
    """The canonical form of a question or an entry text, used for matching only (`cleaned`:
    the text is already through clean())."""
    maps = maps or default_term_maps()
    text = text if cleaned else clean(text)
    if _LATIN_WORD.search(text):
        text = _english_to_chinese(text, maps)
    text = _WHEN_DONE.sub("多久", text)
    text = maps.synonyms.sub(lambda m: maps.synonym_map[m.group(1)], text)
    text = maps.fillers.sub(" ", text)
    text = _PARTICLES.sub(" ", _SPACES.sub(" ", text).strip())
    return _SPACES.sub(" ", text).strip()


def is_latin_text(text: str) -> bool:
    """True when the text has letters but no Chinese characters."""
    return not has_cjk(text) and _LATIN_WORD.search(text.lower()) is not None


def latin_words(text: str) -> list[str]:
    return _LATIN_WORD.findall(clean(text))


# Latin text that is no language: web and mail addresses, and codes with digits in them (a tax
# ID ending in X, "SO-1001", "INV-2026-0042").
_NO_LANGUAGE = re.compile(r"(?:https?://|www\.)\S*|\S+@\S+|[a-z0-9-]*\d[a-z0-9-]*")
# Words a Chinese speaker types as often as an English one: alone they say nothing of the
# language to answer in.
_EITHER_LANGUAGE = frozenset({"ok", "okay", "sif", "pdf", "ofd", "excel", "xlsx", "app", "id",
                              "vat", "erp", "sso", "ems", "sms", "wifi", "email", "e", "mail"})


def detect_lang(text: str, default: str = "zh") -> str:
    """The language the person wrote in: Chinese characters -> zh, English words -> en.

    Pinyin ("fapiao zenme kai") and text without English words keep `default`: digits, codes
    and addresses ("91440300192203821X", "https://…"), or words either language uses ("ok",
    "pdf").
    """
    if has_cjk(text):
        return "zh"
    folded = unicodedata.normalize("NFKC", text).lower()  # enough for [a-z]: no clean() needed
    words = _LATIN_WORD.findall(_NO_LANGUAGE.sub(" ", folded))
    if not words or looks_like_pinyin(words) or _EITHER_LANGUAGE.issuperset(words):
        return default
    return "en"


def _strip_tones(reading: str) -> str:
    decomposed = unicodedata.normalize("NFKD", reading)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def char_pinyin() -> dict[int, str]:
    """Each Chinese character's code -> its first toneless reading (a str.translate table)."""
    from pypinyin.pinyin_dict import pinyin_dict  # large table: import on first use only

    return {code: _strip_tones(readings.split(",")[0]) for code, readings in pinyin_dict.items()}


@cache
def pinyin_syllables() -> frozenset[str]:
    from pypinyin.pinyin_dict import pinyin_dict

    return frozenset(
        _strip_tones(reading) for readings in pinyin_dict.values() for reading in readings.split(",")
    )


def pinyin_key(text: str) -> str:
    """Toneless pinyin of a Chinese string, one reading a character ("发票" -> "fapiao")."""
    return text.translate(char_pinyin())


def fewest_pieces(word: str, vocabulary: Container[str], *, shortest: int,
                  longest: int) -> list[str] | None:
    """`word` as the fewest pieces that are all in `vocabulary`, or None when it cannot be."""
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for start in range(len(word)):
        done = best[start]
        if done is None:
            continue
        for end in range(start + shortest, min(len(word), start + longest) + 1):
            piece = word[start:end]
            current = best[end]
            if piece in vocabulary and (current is None or len(done) + 1 < len(current)):
                best[end] = [*done, piece]
    return best[len(word)]


def split_pinyin(word: str) -> list[str] | None:
    """Split "zenmekai" into syllables with as few pieces as possible; None if it is not pinyin."""
    found = _split_pinyin(word[:40])
    return None if found is None or len(word) > 40 else list(found)


@lru_cache(maxsize=20_000)
def _split_pinyin(word: str) -> tuple[str, ...] | None:
    found = fewest_pieces(word, pinyin_syllables(), shortest=1, longest=6)
    return None if found is None else tuple(found)


def looks_like_pinyin(words: list[str]) -> bool:
    """All words split into pinyin syllables, and at least one has two or more of them (or
    there are four or more words: "hong chong zen me cao zuo" is typed a syllable at a time)."""
    several = len(words) >= 4
    for word in words:  # an English sentence fails on its first word or two
        found = split_pinyin(word)
        if found is None:
            return False
        several = several or len(found) >= 2
    return several
