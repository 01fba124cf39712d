"""`KnowledgeBase`: one FAQ lookup -> answer, "did you mean", polite decline or small talk.

Answer language: the language the question is written in wins over `lang` — a question with
Chinese characters gets the Chinese answer, an English sentence the English one (even when the
person's setting says zh). Pinyin, digits or an empty question keep `lang`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Literal

import zhconv
from pydantic import BaseModel, Field

from knowledge.kb import Entry, KBLoadError, load_folder, yaml_files
from knowledge.matcher import Candidate, Matcher, Weights
from knowledge.normalize import clean, detect_lang, normalize
from knowledge.questions_log import QuestionLog

logger = logging.getLogger(__name__)

Decision = Literal["answer", "clarify", "decline", "chitchat", "not_in_guide"]
KNOWN_PLACEHOLDERS = (
    "support_email", "urgent_email", "complaint_email", "hotline", "overseas_hotline",
    "site_url", "support_hours",
)
# The ones that tell people where to write or call: unset, an answer must not send them there.
CONTACT_PLACEHOLDERS = KNOWN_PLACEHOLDERS[:5]
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
NEAR_BEST = 0.6  # "did you mean" also offers an entry scoring this share of the best one
RIVALS = 6  # entries ranked per question: the best one and the rivals it must lead
MAX_QUESTION = 2000  # characters read of a question (the chat's own limit on a message)


@dataclass(frozen=True)
class Thresholds:
    """Where confident ends and unsure begins (chosen by `benchmarks/faq.py --tune` on the
    tuning half of faq-dev and a calibration set of our own, never on the held-out half)."""

    answer: float = 0.24  # a score that answers when it leads the next rival by `margin`
    margin: float = 0.06
    floor: float = 0.15  # a lower score answers when it is `lead` times the next rival's: a
    lead: float = 2.0  # long story scores low, but far ahead of everything else
    sure: float = 0.90  # from this score on, answer even when another entry is close
    clarify: float = 0.20  # below this nothing is offered but a ticket or a human
    suggest: float = 0.20  # floor for an entry to be offered as "did you mean"
    family: float = 0.3  # answers this similar (cosine) are one answer family: no need to ask
    # A long story scores low (most of its words are unknown) even when it is about invoices:
    # from `story_terms` distinct terms on, "did you mean" is offered down to `story_clarify`.
    # Only a decline turns into a choice here, never an answer, so right and wrong stay as
    # they are; measured on the tuning and calibration sets (benchmarks/faq.py "one press").
    story_terms: int = 12
    story_clarify: float = 0.06
    # A question whose content words together weigh less than this says too little to go on
    # ("今天星期几", "那个谁" are filler only; any entry holding 谁 "covered" all of it):
    # declined. The lightest question answered right in faq-dev and our sets weighs 0.58,
    # the lightest phrasing of the knowledge base 0.23 ("发票怎么开" 0.48).
    min_mass: float = 0.2


class Suggestion(BaseModel):
    entry_id: str
    question: str
    score: float


class AskResult(BaseModel):
    """The JSON of `sifbot ask --json` (interfaces.md) plus `decision` and `related`."""

    answered: bool
    entry_id: str | None
    score: float
    answer: str
    suggestions: list[Suggestion] = Field(default_factory=list)
    decision: Decision
    related: list[str] = Field(default_factory=list)
    # The contacts the answer names that the operator has not set (chat offers what works
    # instead); not part of the `--json` contract.
    unset_contacts: list[str] = Field(default_factory=list, exclude=True)


MESSAGES: dict[str, dict[str, str]] = {
    "decline": {
        "zh": "抱歉，这个问题我还不太确定，不想给您一个可能不对的答案。您可以提交工单描述问题，"
        "或联系人工客服（{support_hours}），我们会尽快帮您处理。",
        "en": "Sorry, I'm not sure about this one and would rather not guess. You can open a "
        "ticket describing the problem, or talk to a person in support ({support_hours}).",
    },
    "off_topic": {
        "zh": "抱歉，这个问题不在 Sif 发票助手能回答的范围内：我只回答开票、红字发票、报销、发票查验等"
        "发票问题。如果它和您的发票有关，可以提交工单，或联系人工客服（{support_hours}）。",
        "en": "Sorry, that is outside what the Sif invoicing assistant can answer: I only help "
        "with issuing invoices, red-letter invoices, reimbursement and checking invoices. If it "
        "is about one of your invoices, you can open a ticket or talk to a person in support "
        "({support_hours}).",
    },
    "clarify": {
        "zh": "我不太确定您问的是哪一个，您是不是想问：\n{choices}\n如果都不是，可以提交工单或联系人工客服"
        "（{support_hours}）。",
        "en": "I'm not sure which of these you mean:\n{choices}\nIf none of them, you can open a "
        "ticket or talk to a person in support ({support_hours}).",
    },
    "greeting": {
        "zh": "您好！我是 Sif 发票助手，开票、红字发票、报销、发票查验等问题都可以问我。",
        "en": "Hello! I'm the Sif invoicing assistant - ask me about issuing invoices, "
        "red-letter invoices, reimbursement or checking an invoice.",
    },
    "thanks": {"zh": "不客气！还有问题随时问我。", "en": "You're welcome! Ask me any time."},
    "bye": {"zh": "再见，祝您工作顺利！", "en": "Goodbye, have a good day!"},
    "identity": {
        "zh": "我是 Sif 发票助手，一个自动回复的机器人：开票、红字发票、报销、发票查验等问题都可以问我。"
        "需要真人帮忙时，可以提交工单或联系人工客服（{support_hours}）。",
        "en": "I'm the Sif invoicing assistant, an automated bot: ask me about issuing invoices, "
        "red-letter invoices, reimbursement or checking an invoice. For a person, open a "
        "ticket or contact support ({support_hours}).",
    },
    "abilities": {
        "zh": "我可以回答开票、红字发票、报销、发票查验等问题，在对话里一步步帮您填写发票申请（说“开发票”），"
        "也可以帮您提交工单转人工（说“人工”）。",
        "en": "I answer questions on issuing invoices, red-letter invoices, reimbursement and "
        "checking invoices, walk you through an invoice request step by step (say "
        "'invoice'), and open a ticket for a person (say 'human').",
    },
    "ack": {"zh": "好的，还有问题随时问我。", "en": "OK - ask me any time."},
}

_CHITCHAT = {
    "thanks": ("谢谢", "多谢", "感谢", "谢啦", "谢了", "thank you", "thanks", "thx", "ty"),
    "bye": ("再见", "拜拜", "回见", "bye", "goodbye", "see you"),
    "greeting": (
        "你好", "您好", "嗨", "哈喽", "在吗", "在不在", "早上好", "下午好", "晚上好", "早",
        "hello", "hi", "hey", "good morning", "good afternoon", "good evening",
    ),
    "identity": (
        "你是谁", "你是什么", "你叫什么", "你叫什么名字", "你是机器人吗", "你是机器人", "你是真人吗",
        "你是人吗", "是机器人吗", "是真人吗", "who are you", "what are you", "are you a bot",
        "are you a robot", "are you human", "are you real", "what is your name",
        "what's your name",
    ),
    "abilities": (
        "你能做什么", "你会什么", "你能干什么", "你可以做什么", "你能帮我什么", "能帮我做什么",
        "你有什么功能", "有什么功能", "能做什么", "你会干嘛", "what can you do", "what do you do",
        "can you help me", "how can you help", "what can i ask",
    ),
    # Last: "好的，谢谢" is thanks; "好的" alone is only an acknowledgement.
    "ack": ("好的", "嗯嗯", "收到", "明白了", "明白", "知道了", "懂了", "了解", "ok", "okay",
            "got it", "i see", "cool", "great", "nice", "alright", "哈哈哈", "哈哈"),
}
_CHITCHAT_FILLER = ("好的", "好", "嗯", "哈", "啊", "呀", "了", "哈哈", "ok", "okay", "啦", "您", "你")


# An errand for someone else's service ("帮我订个机票", "book me a hotel"): the words (机票,
# hotel) are the travel-reimbursement entries' own, so it would be answered with those; unless
# the question also speaks of invoices or claims, it is outside what the assistant does.
_ERRAND = re.compile(
    r"(?:帮我|给我|替我|帮忙|麻烦)\s*(?:订|预订|预定|买|购买|叫|约|预约|点)\s*(?:个|张|一张|一个|一下|两张|几张|份)?"
    r".{0,6}?(?:机票|火车票|高铁票|车票|酒店|房间|外卖|车|出租车|会议室|餐厅|位子|门票|电影票|饭)"
    r"|\b(?:book|reserve|order|get)\s+(?:me|us)\s+(?:a|an|the|some)?\s*(?:flight|hotel|room|table|"
    r"taxi|cab|car|ticket|train|meal|lunch|dinner)"
    r"|\bbook\s+(?:a|an)\s+(?:flight|hotel|room|table|taxi|cab|ticket)",
    re.IGNORECASE,
)
_INVOICE_WORDS = re.compile(
    r"发票|开票|票据|报销|报账|抬头|税|红冲|红字|凭证|行程单|invoice|fapiao|receipt|reimburs|expense|"
    r"\bvat\b|\btax(?:es)?\b",
    re.IGNORECASE,
)


def is_errand(question: str) -> bool:
    """A request to book, buy or order something, with no invoice in it."""
    return bool(_ERRAND.search(question)) and not _INVOICE_WORDS.search(question)


def default_placeholders(lang: str) -> dict[str, str]:
    """Contact details before the operator sets them: plainly "not configured yet", and what
    works instead (a ticket, filed by saying so in any chat) rather than an address to use."""
    if lang == "en":
        ticket = ": say 'file a ticket' to reach a person instead)"
        return {
            "support_email": "(support e-mail not configured yet" + ticket,
            "urgent_email": "(urgent e-mail not configured yet" + ticket,
            "complaint_email": "(complaints e-mail not configured yet: say 'I want to "
                               "complain' to file a complaint ticket instead)",
            "hotline": "(hotline not configured yet" + ticket,
            "overseas_hotline": "(overseas hotline not configured yet" + ticket,
            "site_url": "www.sif.com",
            "support_hours": "09:00-22:00 every day",
        }
    ticket = "：请直接说“提交工单”，转人工处理）"
    return {
        "support_email": "（客服邮箱尚未配置" + ticket,
        "urgent_email": "（紧急邮箱尚未配置" + ticket,
        "complaint_email": "（投诉邮箱尚未配置：请直接说“我要投诉”，提交投诉工单）",
        "hotline": "（客服热线尚未配置" + ticket,
        "overseas_hotline": "（海外热线尚未配置" + ticket,
        "site_url": "www.sif.com",
        "support_hours": "每天 09:00–22:00",
    }


def unset_contacts(template: str, values: Mapping[str, str]) -> list[str]:
    """The contact placeholders `template` uses that have no value of the operator's in
    `values` (missing, empty, or the "not configured yet" default), in order of use."""
    defaults = {*default_placeholders("zh").values(), *default_placeholders("en").values()}
    found: list[str] = []
    for name in _PLACEHOLDER.findall(template):
        if (name in CONTACT_PLACEHOLDERS and name not in found
                and (not values.get(name) or values[name] in defaults)):
            found.append(name)
    return found


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Fill {name} placeholders we know; anything else is left as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)
    return re.compile("|".join(rf"(?<![a-z]){re.escape(w)}(?![a-z])" for w in ordered))


_CHITCHAT_PATTERNS = {kind: _words_pattern(words) for kind, words in _CHITCHAT.items()}
_FILLER_PATTERN = _words_pattern(_CHITCHAT_FILLER)
# Nothing but small-talk words, filler and spaces: the quick test every question goes through
# (one match that fails at the first real word, instead of a pass per kind).
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CHITCHAT_CHARS = frozenset(  # in simplified and traditional script (clean() folds the latter)
    char for word in chain(*_CHITCHAT.values(), _CHITCHAT_FILLER)
    for form in (word, zhconv.convert(word, "zh-hant"), zhconv.convert(word, "zh-tw"))
    for char in _CJK_CHAR.findall(form)
)
_ONLY_CHITCHAT = re.compile(
    "(?:" + _words_pattern(tuple(chain(*_CHITCHAT.values(), _CHITCHAT_FILLER))).pattern
    + r"|\s)+"
)


_WORD_CHAR = re.compile(r"\w")
_SYMBOLS = re.compile(r"[^\w\s]+")


def chitchat_kind(question: str) -> str | None:
    """The kind of small talk (a key of MESSAGES: greeting, thanks, bye, identity,
    abilities, ack) when the message is only that, else None. A message of emoji or
    punctuation only ("👍", "🙏", "...") is an acknowledgement; of question marks ("？？"), a
    question what the assistant can do."""
    if not _WORD_CHAR.search(question):
        stripped = question.strip()
        if not stripped:
            return None
        return "abilities" if set(stripped) <= set("?？¿ ") else "ack"
    if len(question) > 40 or not _CHITCHAT_CHARS.issuperset(_CJK_CHAR.findall(question)):
        return None  # a Chinese character no small talk uses: no need to fold the text
    rest = _SYMBOLS.sub(" ", clean(question))  # "谢谢🙏", "👍 thanks"
    if not _ONLY_CHITCHAT.fullmatch(rest):
        return None
    found = None
    for kind, pattern in _CHITCHAT_PATTERNS.items():
        rest, count = pattern.subn(" ", rest)
        found = found or (kind if count else None)
    if found is None or _FILLER_PATTERN.sub(" ", rest).strip():
        return None
    return found


def decide(
    candidates: list[Candidate],
    thresholds: Thresholds,
    same_family: Callable[[int, int], bool] | None = None,
    terms: int = 0,
) -> Decision:
    """answer when the best entry is very good, or good and ahead of every entry that says
    something else (by a margin, or by a multiple for a lower score); clarify when it is close to another or middling; decline when nothing
    is good. Entries of one answer family (near-duplicate answers) are not rivals: asking
    "did you mean A or A'?" helps nobody."""
    if not candidates:
        return "decline"
    best = candidates[0].score
    first = candidates[0].index
    runner_up = next((c.score for c in candidates[1:]
                      if same_family is None or not same_family(first, c.index)), 0.0)
    if (
        best >= thresholds.sure
        or (best >= thresholds.answer and best - runner_up >= thresholds.margin)
        or (best >= thresholds.floor and best >= thresholds.lead * runner_up)
    ):
        return "answer"
    # Below `clarify` nothing is worth offering; the floor rule above may still answer there:
    # a long story scores low, and benchmarks/faq.py --tune tunes the floor on that basis.
    return "clarify" if best >= clarify_floor(thresholds, terms) else "decline"


def clarify_floor(thresholds: Thresholds, terms: int) -> float:
    """The lowest best score that still offers "did you mean" for a question of `terms`
    distinct terms: lower for a long story."""
    if terms >= thresholds.story_terms:
        return min(thresholds.clarify, thresholds.story_clarify)
    return thresholds.clarify


def answer_family(matcher: Matcher, thresholds: Thresholds) -> Callable[[int, int], bool] | None:
    """Whether two entries' answers are one family (near-duplicates, not rivals); None when
    families are switched off."""
    floor = thresholds.family
    if floor <= 0:
        return None
    return lambda a, b: matcher.answer_similarity(a, b) >= floor


class KnowledgeBase:
    """The FAQ of one folder, reloaded when a file changes (a broken edit keeps the last good)."""

    def __init__(
        self,
        folder: Path | str,
        *,
        log: QuestionLog | None = None,
        thresholds: Thresholds | None = None,
        weights: Weights | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        reload_interval: float = 1.0,
    ) -> None:
        self.folder = Path(folder)
        self.log = log
        self.thresholds = thresholds or Thresholds()
        self._weights = weights
        self._clock = clock
        self._now = now
        self._reload_interval = reload_interval
        self._signature = self._files_signature()
        self._matcher = Matcher(load_folder(self.folder), weights=weights)
        self._checked_at = clock()

    @property
    def entries(self) -> list[Entry]:
        self.reload_if_changed()
        return self._matcher.entries

    @property
    def matcher(self) -> Matcher:
        self.reload_if_changed()
        return self._matcher

    def entry(self, entry_id: str) -> Entry | None:
        matcher = self.matcher
        index = matcher.ids.get(entry_id)
        return None if index is None else matcher.entries[index]

    def _files_signature(self) -> tuple[tuple[str, int, int], ...]:
        stats = []
        for path in yaml_files(self.folder):
            try:
                stat = path.stat()
            except OSError:
                continue
            stats.append((path.name, stat.st_mtime_ns, stat.st_size))
        return tuple(stats)

    def reload_if_changed(self) -> bool:
        """Cheap check (at most once per interval); rebuild the index when a file changed."""
        moment = self._clock()
        if moment - self._checked_at < self._reload_interval:
            return False
        self._checked_at = moment
        signature = self._files_signature()
        if signature == self._signature:
            return False
        self._signature = signature
        try:
            matcher = Matcher(load_folder(self.folder), weights=self._weights)
        except KBLoadError as exc:
            logger.warning("knowledge base not reloaded, keeping the last good one: %s", exc)
            return False
        self._matcher = matcher
        logger.info("knowledge base reloaded: %d entries", len(matcher.entries))
        return True

    def ask(
        self,
        question: str,
        lang: str = "zh",
        *,
        top: int = 3,
        placeholders: Mapping[str, str] | None = None,
        record: bool = True,
    ) -> AskResult:
        """Look `question` up; the reply is in the language the question is written in
        (`record=False`: an unanswered question is not logged as a gap, for a caller that
        tries another reading first). Only
        its first MAX_QUESTION characters are read (and logged): a pasted document is no
        question, and matching it whole would take a third of a second."""
        question = question[:MAX_QUESTION]
        answer_lang = detect_lang(question, default=lang)
        values = {**default_placeholders(answer_lang), **(placeholders or {})}
        kind = chitchat_kind(question)
        if kind:
            reply = fill_placeholders(MESSAGES[kind][answer_lang], values)
            return AskResult(answered=False, entry_id=None, score=0.0, answer=reply,
                             decision="chitchat")
        matcher = self.matcher
        candidates = matcher.rank(question, limit=max(top + 1, RIVALS))
        terms = len(set(matcher.analyze_question(question)[1]))
        decision = decide(candidates, self.thresholds, self._family(matcher), terms)
        errand = is_errand(question)
        if errand or matcher.question_mass(question) < self.thresholds.min_mass:
            decision = "decline"  # another service's errand, or too little said to go on
        if matcher.entries[candidates[0].index].kind == "not-in-guide" and (
                decision == "answer"
                or (decision == "clarify" and candidates[0].score >= self.thresholds.answer)):
            # Sure it asks for a detail the guide leaves open: say so, even when a real entry
            # comes close (that one is offered with the reply, not instead of it). An answer
            # by the floor rule (low, far ahead) is this too: never the next real entry's.
            decision = "not_in_guide"
        opening = matcher.topic_entries(question)
        if len(opening) >= 2:  # one broad word ("发票"): what the topic opens with, to choose
            return self._topic_result(matcher, opening, answer_lang, values)
        off_topic = decision in ("clarify", "decline") and (
            errand or matcher.is_off_topic(question))
        result = self._result(matcher, candidates, decision, answer_lang, values, top, off_topic,
                              min(self.thresholds.suggest, clarify_floor(self.thresholds, terms)))
        if record and decision != "answer":  # a gap; not-in-guide: name its detail for kb gaps
            self._log_unanswered(question, answer_lang, result,
                                 matcher.entries[candidates[0].index].id
                                 if decision == "not_in_guide" else None)
        return result

    def _result(
        self,
        matcher: Matcher,
        candidates: list[Candidate],
        decision: Decision,
        lang: str,
        values: Mapping[str, str],
        top: int,
        off_topic: bool = False,
        choices_from: float | None = None,
    ) -> AskResult:
        """The reply for `decision`; "did you mean" offers entries scoring `choices_from`
        (default: suggest; lower for a long story), and a decline of an `off_topic` question
        says it is outside what the assistant answers."""
        score = round(candidates[0].score, 3) if candidates else 0.0
        floor = self.thresholds.suggest
        if decision == "not_in_guide":  # "the guide does not say" + where to ask, and what is near
            entry = matcher.entries[candidates[0].index]
            close = max(floor, candidates[0].score - self.thresholds.margin)  # a near tie
            offered = [_suggestion(matcher, c, lang) for c in candidates[1:]
                       if c.score >= close and matcher.entries[c.index].kind == "answer"]
            for other in entry.related:
                index = matcher.ids.get(other)
                if (index is None or matcher.entries[index].kind != "answer"
                        or any(s.entry_id == other for s in offered)):
                    continue
                offered.append(Suggestion(entry_id=other, score=0.0,
                                          question=question_in(matcher.entries[index], lang)))
            return AskResult(
                answered=False, entry_id=None, score=score,
                answer=fill_placeholders(entry.answer.text(lang), values),
                suggestions=offered[:top], decision="not_in_guide",
                unset_contacts=unset_contacts(entry.answer.text(lang), values),
            )
        candidates = [c for c in candidates if matcher.entries[c.index].kind == "answer"]
        if decision == "answer":
            entry = matcher.entries[candidates[0].index]
            others = [c for c in candidates[1:] if c.score >= floor][:top]
            return AskResult(
                answered=True, entry_id=entry.id, score=score,
                answer=fill_placeholders(entry.answer.text(lang), values),
                suggestions=[_suggestion(matcher, c, lang) for c in others],
                decision="answer", related=[r for r in entry.related if r in matcher.ids],
                unset_contacts=unset_contacts(entry.answer.text(lang), values),
            )
        if choices_from is not None:
            floor = choices_from
        if candidates:  # near the best, not only above the floor: 0.18 beside 0.24 is a choice
            floor = min(floor, max(self.thresholds.story_clarify,
                                   NEAR_BEST * candidates[0].score))
        offered = [_suggestion(matcher, c, lang) for c in candidates[:top] if c.score >= floor]
        if decision == "clarify" and offered:
            choices = numbered_list(offered)
            text = MESSAGES["clarify"][lang].replace("{choices}", choices)
        else:  # a question about loans or films is not "unsure": it is not ours to answer
            decision = "decline"
            text = MESSAGES["off_topic" if off_topic else "decline"][lang]
        return AskResult(answered=False, entry_id=None, score=score,
                         answer=fill_placeholders(text, values), suggestions=offered,
                         decision=decision)

    def _topic_result(self, matcher: Matcher, opening: list[int], lang: str,
                      values: Mapping[str, str]) -> AskResult:
        """"Did you mean" the entries that open a topic; not a gap in the knowledge base."""
        offered = [Suggestion(entry_id=matcher.entries[index].id, score=0.0,
                              question=question_in(matcher.entries[index], lang))
                   for index in opening]
        text = MESSAGES["clarify"][lang].replace("{choices}", numbered_list(offered))
        return AskResult(answered=False, entry_id=None, score=0.0,
                         answer=fill_placeholders(text, values), suggestions=offered,
                         decision="clarify")

    def _family(self, matcher: Matcher) -> Callable[[int, int], bool] | None:
        return answer_family(matcher, self.thresholds)

    def _log_unanswered(self, question: str, lang: str, result: AskResult,
                        best: str | None = None) -> None:
        if self.log is None:
            return
        if best is None and result.suggestions:
            best = result.suggestions[0].entry_id
        try:
            self.log.record_unanswered(
                question, normalize(question), lang=lang, decision=result.decision,
                best_entry_id=best, score=result.score, at=self._now(),
            )
        except Exception:  # the person still gets the answer; the log is best effort
            logger.exception("could not record an unanswered question")

    def feedback(self, entry_id: str, helpful: bool, question: str | None = None) -> None:
        """Store whether an answer helped; raises KeyError for an unknown entry."""
        if self.entry(entry_id) is None:
            raise KeyError(entry_id)
        if self.log is not None:
            self.log.record_feedback(entry_id, helpful, question=question, at=self._now())


def _suggestion(matcher: Matcher, candidate: Candidate, lang: str) -> Suggestion:
    entry = matcher.entries[candidate.index]
    return Suggestion(entry_id=entry.id, question=question_in(entry, lang),
                      score=round(candidate.score, 3))


def numbered_list(suggestions: list[Suggestion]) -> str:
    """Suggestions as "1. …" lines: the list a person answers with a number."""
    return "\n".join(f"{i}. {s.question}" for i, s in enumerate(suggestions, start=1))


def question_in(entry: Entry, lang: str) -> str:
    """The entry's first phrasing written in `lang` (else its canonical question)."""
    return _question_in(tuple(entry.questions), lang)


@lru_cache(maxsize=8192)
def _question_in(questions: tuple[str, ...], lang: str) -> str:
    for question in questions:
        if detect_lang(question, default="zh") == lang:
            return question
    return questions[0]
