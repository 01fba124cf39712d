"""Ranks knowledge-base entries for a question: a lexical (BM25-like) score plus a fuzzy one.

- Lexical: jieba tokens (domain dictionary, synonyms, stop words) weighted by BM25 saturation and
  IDF, normalised by the question's own weight, so it reads as "how much of what was asked this
  entry covers" (0..1). A question word weighs its IDF times its specificity: a domain term
  counts fully, an everyday word less, story filler (上周, 老板, 结果 ...) almost nothing, so a
  long story-style question is scored by its invoice words. Unknown content words count against
  every entry, words of another domain (dict/offtopic.txt: 贷款, 印花税, QuickBooks ...) three
  times as much: that is what lets questions about loans or movies fall below the threshold.
- Fuzzy: rapidfuzz similarity of the normalised question to the phrasings of the best lexical
  candidates (`process.cdist`, best phrasing per entry), scaled by the share of the question
  the knowledge base knows.
- Optional channels, off by default and explored by `benchmarks/faq.py --tune`: phrasing
  coverage (the largest share of one phrasing inside the question) and Chinese character pairs.
- Typos a Pinyin IME makes ("明系" for 明细) and whole-pinyin questions ("fapiao zenme kai") are
  mapped back onto the knowledge base's own words by their toneless pinyin; an unknown word made
  of known ones ("报销单据") is split into them; English word forms meet on a crude stem.
- `answer_similarity` tells near-duplicate answers apart from rivals (service.decide).
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from knowledge.intent import KINDS, kind_of_clean, question_kind
from knowledge.kb import Entry
from knowledge.normalize import (
    DICT_DIR,
    clean,
    english_stem,
    fewest_pieces,
    has_cjk,
    latin_words,
    looks_like_pinyin,
    normalize,
    pinyin_key,
    read_lines,
    split_pinyin,
)

logger = logging.getLogger(__name__)

FULL_FUZZY_LIMIT = 300  # phrasings; above this the fuzzy pass only sees the lexical candidates
FUZZY_CUTOFF = 30  # below 30% similar is noise; skipping it keeps long questions fast


@dataclass(frozen=True)
class Weights:
    """How the scores are built and mixed (chosen by `benchmarks/faq.py --tune`)."""

    lexical: float = 0.7  # share of the lexical score in the final one; the rest is fuzzy
    coverage: float = 1.0  # share of question coverage in the lexical score; the rest: phrasing
    k1: float = 0.6
    b: float = 0.3
    answer_weight: float = 0.5  # a word in the answer counts this much of one in a phrasing
    candidates: int = 8  # entries (best lexical ones) that get the fuzzy pass (16 and 32 measured the same)
    single_char: float = 0.3  # weight of a one-character Chinese term (多, 高, 开 ...)
    filler: float = 0.1  # weight of story filler (上周, 老板, 结果, 已经 ...) in a question
    common: float = 0.3  # weight of an everyday word, rising to 1 for a rare one (jieba counts)
    unknown: float = 0.6  # an unknown content word weighs this many times the rarest known one
    offtopic: float = 3.0  # ... and a word of another domain (贷款, 印花税, QuickBooks) this many
    bigram: float = 0.5  # share of the character-bigram score in the lexical one (word splits vary)
    bigram_unknown: float = 0.3  # an unknown bigram weighs this share of an unknown word
    intent: float = 0.3  # an entry all of whose phrasings ask what the question asks (how long,
    # where, why ... knowledge/intent.py) scores this much more; half of them, half as much


@dataclass(frozen=True)
class Analysis:
    """A question as the matcher reads it."""

    text: str  # for the fuzzy score
    terms: list[str]  # for the lexical score
    kind: int | None  # what it asks for (intent.KINDS)


@dataclass(frozen=True)
class Candidate:
    index: int  # position of the entry in the matcher's entry list
    score: float
    lexical: float
    fuzzy: float


class Analyzer:
    """normalize -> jieba (with the domain dictionary) -> tokens; jieba starts on first use.

    `specificity` says how much a word of a question can tell about its topic: 1 for the
    domain's own terms and rare words, little for everyday ones, nothing for story filler.
    """

    def __init__(self, dict_dir: Path = DICT_DIR) -> None:
        self._dict_dir = dict_dir
        self._jieba: object | None = None
        self._tagged_filler: frozenset[str] | None = None
        self._specificity: dict[str, float] = {}
        self._offtopic_memo: dict[str, bool] = {}
        self.stopwords = frozenset(
            word for line in read_lines(dict_dir / "stopwords.txt") for word in line.split()
        )
        self.filler_words = frozenset(
            _stem(word)
            for name in ("filler.txt", "english_common.txt")
            for line in read_lines(dict_dir / name)
            for word in line.split()
        )
        self.domain_words = _domain_words(dict_dir)
        self.offtopic_words = frozenset(
            _stem(word) for line in read_lines(dict_dir / "offtopic.txt") for word in line.split()
        )
        self.topics = {
            line.split()[0]: tuple(line.split()[1:]) for line in read_lines(dict_dir / "topics.txt")
        }

    def _tokenizer(self) -> object:
        if self._jieba is None:
            jieba = jieba_module()  # imported here: jieba logs and builds its model on first use
            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            tokenizer.load_userdict(str(self._dict_dir / "domain.txt"))
            for word in self.offtopic_words:  # so "加计扣除" stays one word
                if has_cjk(word) and len(word) > 1 and word not in tokenizer.FREQ:
                    tokenizer.add_word(word, 100)
            self._jieba = tokenizer
        return self._jieba

    def words(self, normalized: str) -> list[str]:
        """Every word of an already normalised text, stop words included."""
        cut = self._tokenizer().lcut(normalized, HMM=False)  # type: ignore[attr-defined]
        return [w if w in self.stopwords else _stem(w) for w in cut if w.strip()]

    def terms(self, words: Sequence[str]) -> list[str]:
        return [w for w in words if w not in self.stopwords]

    def rarity(self, word: str) -> float:
        """0..1: how rare a word is in everyday Chinese (jieba's word counts); unseen -> 1."""
        tokenizer = self._tokenizer()
        count = tokenizer.FREQ.get(word, 0)  # type: ignore[attr-defined]
        if not count:
            return 1.0
        surprise = math.log(tokenizer.total / count)  # type: ignore[attr-defined]
        return min(1.0, max(0.0, (surprise - _EVERYDAY) / (_RARE - _EVERYDAY)))

    def is_word(self, text: str) -> bool:
        """True when jieba's dictionary has `text` as a word of its own (not only a prefix)."""
        return bool(self._tokenizer().FREQ.get(text, 0))  # type: ignore[attr-defined]

    def is_filler(self, word: str) -> bool:
        """Story filler: time words, pronouns, adverbs, people and hedges (and amounts)."""
        if word in self.filler_words or _NUMBER.fullmatch(word):
            return True
        if self._tagged_filler is None:
            self._tagged_filler = _jieba_filler_words()
        return word in self._tagged_filler

    def is_offtopic(self, word: str) -> bool:
        """A word of another domain, or an unknown word built on one ("银行贷款")."""
        if word in self.offtopic_words:
            return True
        if len(word) < 3 or not has_cjk(word):
            return False
        found = self._offtopic_memo.get(word)
        if found is None:
            found = any(len(o) > 1 and o in word for o in self.offtopic_words)
            if len(self._offtopic_memo) < 100_000:
                self._offtopic_memo[word] = found
        return found

    def specificity(self, word: str) -> float:
        """1 for a domain term or a rare word, down to 0 for an everyday one; -1 for filler."""
        found = self._specificity.get(word)
        if found is None:
            if word in self.domain_words:
                found = 1.0
            elif self.is_filler(word):
                found = -1.0
            elif word.isascii():
                found = 1.0  # English words not in english_common.txt are content words
            else:
                found = self.rarity(word)
            if len(self._specificity) < 100_000:
                self._specificity[word] = found
        return found


# jieba's part-of-speech tags of words that never carry a topic: pronouns, time words, adverbs,
# conjunctions, prepositions, particles, interjections, onomatopoeia, directions, numerals and
# measure words (一张, 几个).
_FILLER_TAGS = frozenset({
    "r", "t", "d", "c", "p", "u", "y", "e", "o", "ad", "f", "tg", "rr", "rz", "dg", "df", "uj",
    "ul", "uz", "ug", "ud", "uv", "k", "m", "q", "mq",
})
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def jieba_module() -> Any:
    """jieba_fast where it is installed (Linux, CPython 3.11: see pyproject), else jieba. Both
    cut the same words from the same dictionary; jieba_fast runs the hot loops in C, which
    halves the time of a long question (jieba was 30% of a lookup)."""
    try:
        import jieba_fast
    except ImportError:
        import jieba

        return jieba
    return jieba_fast


def _jieba_filler_words() -> frozenset[str]:
    path = Path(jieba_module().__file__).with_name("dict.txt")
    found = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) == 3 and parts[2] in _FILLER_TAGS:
                found.add(parts[0])
    return frozenset(found)


def _domain_words(dict_dir: Path) -> frozenset[str]:
    """The domain dictionary's words and the canonical forms the synonym tables map onto."""
    words = {line.split()[0] for line in read_lines(dict_dir / "domain.txt")}
    for line in read_lines(dict_dir / "synonyms.txt"):
        words.add(line.split("=")[0].strip().lower())
    for line in read_lines(dict_dir / "en_zh.txt"):
        words.update(line.partition("=")[2].split())
    return frozenset(words)


_EVERYDAY, _RARE = 7.0, 13.0  # -log(p) of a word in jieba's counts: 参加 7.9, 印花税 14.4


def _stem(word: str) -> str:
    """English words -> a crude stem (invoices, invoiced -> invoic); other words unchanged."""
    return english_stem(word) if word.isascii() else word


@cache
def default_analyzer() -> Analyzer:
    return Analyzer(DICT_DIR)


class Matcher:
    """An immutable index over a list of entries."""

    def __init__(
        self,
        entries: Sequence[Entry],
        analyzer: Analyzer | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.entries = list(entries)
        self.analyzer = analyzer or default_analyzer()
        self.weights = weights or Weights()
        self._memo: dict[str, tuple[str, list[str]]] = {}
        self._last_question: tuple[str, Analysis] | None = None
        self._weights_memo: dict[str, float] = {}
        self._build_phrases()
        self._build_postings()
        self._build_bigrams()
        self._build_phrase_postings()
        self._build_pinyin()
        self._build_kinds()
        self._answer_vectors: dict[int, tuple[dict[str, float], float]] = {}
        self._memo.clear()

    # -- building -------------------------------------------------------------------------
    def _analyze(self, text: str) -> tuple[str, list[str]]:
        found = self._memo.get(text)
        if found is None:
            normalized = normalize(text)
            found = (normalized, self.analyzer.words(normalized))
            self._memo[text] = found
        return found

    def _build_phrases(self) -> None:
        phrases: list[str] = []
        starts: list[int] = []
        for entry in self.entries:
            starts.append(len(phrases))
            phrases.extend(self._fuzzy_text(self._analyze(q)[1]) for q in entry.questions)
        self.phrases = phrases
        self.phrase_starts = np.array(starts, dtype=np.int64)
        self.phrase_counts = np.diff([*starts, len(phrases)])
        self.phrase_entry = np.repeat(np.arange(len(self.entries)), self.phrase_counts)
        self.entry_phrases = [phrases[start : start + count]
                              for start, count in zip(starts, self.phrase_counts, strict=True)]
        self.ids = {entry.id: index for index, entry in enumerate(self.entries)}
        # A question that is one of the phrasings, as the analyzer reads it: always found, even
        # when its words are so common that the entry is not among the fuzzy pass's candidates
        # ("发票怎么开" is 发票 + 开, which dozens of entries hold more often).
        self.exact: dict[str, list[int]] = {}
        for phrase, index in zip(phrases, self.phrase_entry.tolist(), strict=True):
            holders = self.exact.setdefault(phrase, [])
            if index not in holders:
                holders.append(index)

    def _entry_tf(self, entry: Entry) -> dict[str, float]:
        """Term weight in an entry: phrasings that use it, plus a share for the answer's words."""
        tf: dict[str, float] = {}
        for question in entry.questions:
            for term in set(self.analyzer.terms(self._analyze(question)[1])):
                tf[term] = tf.get(term, 0.0) + 1.0
        others = [entry.answer.zh, entry.answer.en, " ".join(entry.tags)]
        for text in others:
            for term in self.analyzer.terms(self._analyze(text)[1]):
                tf[term] = tf.get(term, 0.0) + self.weights.answer_weight
        return tf

    def _build_postings(self) -> None:
        w = self.weights
        tfs = [self._entry_tf(entry) for entry in self.entries]
        lengths = np.array([sum(tf.values()) for tf in tfs], dtype=np.float64)
        norms = w.k1 * (1 - w.b + w.b * lengths / max(lengths.mean(), 1e-9))
        rows: dict[str, tuple[list[int], list[float]]] = {}
        for index, tf in enumerate(tfs):
            for term, count in tf.items():
                ids, sats = rows.setdefault(term, ([], []))
                ids.append(index)
                sats.append(count / (count + norms[index]))
        total = len(self.entries)
        self.vocab = {term: i for i, term in enumerate(rows)}
        self.postings = [
            (np.array(ids, dtype=np.int64), np.array(sats, dtype=np.float64))
            for ids, sats in rows.values()
        ]
        self.idf = np.array([_idf(total, len(ids)) for ids, _ in rows.values()])
        self.unknown_idf = _idf(total, 0)

    def _build_bigrams(self) -> None:
        """BM25 postings of Chinese character pairs: "开票员" still shares "开票" with 开票."""
        w = self.weights
        tfs = []
        for entry in self.entries:
            tf: dict[str, float] = {}
            for question in entry.questions:
                for gram in _bigrams(self._analyze(question)[0]):
                    tf[gram] = tf.get(gram, 0.0) + 1.0
            for gram in _bigrams(normalize(entry.answer.zh)):
                tf[gram] = tf.get(gram, 0.0) + w.answer_weight
            tfs.append(tf)
        lengths = np.array([sum(tf.values()) for tf in tfs], dtype=np.float64)
        norms = w.k1 * (1 - w.b + w.b * lengths / max(lengths.mean(), 1e-9))
        rows: dict[str, tuple[list[int], list[float]]] = {}
        for index, tf in enumerate(tfs):
            for gram, count in tf.items():
                ids, sats = rows.setdefault(gram, ([], []))
                ids.append(index)
                sats.append(count / (count + norms[index]))
        total = len(self.entries)
        self.bigram_postings = {
            gram: (np.array(ids, dtype=np.int64), np.array(sats), _idf(total, len(ids)))
            for gram, (ids, sats) in rows.items()
        }

    def bigram_scores(self, text: str) -> np.ndarray:
        """Per entry, the weighted share of the question's character pairs it holds (0..1);
        summed by one bincount, like the terms (a long question has a hundred pairs)."""
        size = len(self.entries)
        mass = 0.0
        unknown = self.unknown_idf * self.weights.unknown * self.weights.bigram_unknown
        entry_ids: list[np.ndarray] = []
        gains: list[np.ndarray] = []
        for gram in set(_bigrams(text)):
            found = self.bigram_postings.get(gram)
            if found is None:
                mass += unknown
                continue
            ids, sats, idf = found
            mass += idf
            entry_ids.append(ids)
            gains.append(idf * sats)
        if not entry_ids or not mass:
            return np.zeros(size)
        return np.bincount(np.concatenate(entry_ids), np.concatenate(gains), minlength=size) / mass

    def _build_phrase_postings(self) -> None:
        """Per term, the phrasings that use it and its weight there (for the phrasing coverage in `_term_scores`)."""
        rows: dict[str, list[int]] = {}
        for phrase, question in enumerate(self._all_questions()):
            for term in set(self.analyzer.terms(self._analyze(question)[1])):
                rows.setdefault(term, []).append(phrase)
        mass = np.zeros(len(self.phrases))
        self.phrase_postings: dict[str, np.ndarray] = {}
        for term, phrases in rows.items():
            ids = np.array(phrases, dtype=np.int64)
            self.phrase_postings[term] = ids
            np.add.at(mass, ids, self.term_weight(term))
        self.phrase_mass = np.maximum(mass, 1e-9)

    def answer_similarity(self, first: int, second: int) -> float:
        """Cosine of two entries' answers over weighted terms: near 1 for near-duplicates."""
        (a, norm_a), (b, norm_b) = self._answer_vector(first), self._answer_vector(second)
        if len(b) < len(a):
            a, b = b, a
        dot = sum(weight * b[term] for term, weight in a.items() if term in b)
        return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0

    def _answer_vector(self, index: int) -> tuple[dict[str, float], float]:
        found = self._answer_vectors.get(index)
        if found is None:
            text = self.entries[index].answer.zh or self.entries[index].answer.en
            terms = set(self.analyzer.terms(self.analyzer.words(normalize(text))))
            vector = {term: self.term_weight(term) for term in terms}
            found = (vector, math.sqrt(sum(w * w for w in vector.values())))
            self._answer_vectors[index] = found
        return found

    def _all_questions(self) -> list[str]:
        return [q for entry in self.entries for q in entry.questions]

    def _build_kinds(self) -> None:
        """Per entry, the share of its phrasings that ask each kind of thing (intent.py)."""
        self.kind_share = np.zeros((len(self.entries), len(KINDS)))
        for index, entry in enumerate(self.entries):
            for phrasing in entry.questions:
                kind = question_kind(phrasing)
                if kind is not None:
                    self.kind_share[index, kind] += 1 / len(entry.questions)

    def _build_pinyin(self) -> None:
        """Toneless pinyin -> the knowledge base's most frequent word that reads so."""
        counts: Counter[str] = Counter()
        for entry in self.entries:
            for question in entry.questions:
                counts.update(w for w in self._analyze(question)[1] if has_cjk(w))
        self.pinyin_words: dict[str, str] = {}
        for word, _ in counts.most_common():
            self.pinyin_words.setdefault(pinyin_key(word), word)

    def _fuzzy_text(self, words: Sequence[str]) -> str:
        """Chinese words run together (word splits vary), English words kept apart."""
        return " ".join("".join(w if has_cjk(w) else f" {w} " for w in words).split())

    # -- querying -------------------------------------------------------------------------
    def analyze_question(self, question: str) -> tuple[str, list[str]]:
        """(fuzzy text, lexical terms) of a question, with pinyin and IME typos resolved. The
        last one is remembered: the service looks at a declined question's words again."""
        analysis = self._analysis(question)
        return analysis.text, list(analysis.terms)

    def question_kind(self, question: str) -> int | None:
        """What the question asks for (an index in intent.KINDS), or None."""
        return self._analysis(question).kind

    def _analysis(self, question: str) -> Analysis:
        last = self._last_question  # read once: another thread may replace it meanwhile
        if last is None or last[0] != question:
            last = self._last_question = (question, self._analyze_question(question))
        return last[1]

    def _analyze_question(self, question: str) -> Analysis:
        if not has_cjk(question):
            words_in = latin_words(question)
            if words_in and looks_like_pinyin(words_in):
                question = self._from_pinyin(words_in)
        cleaned = clean(question)  # once: the question words are read before filler goes
        normalized = normalize(cleaned, cleaned=True)
        words = self._fix_typos(self.analyzer.words(normalized))
        return Analysis(self._fuzzy_text(words), self.analyzer.terms(words),
                        kind_of_clean(cleaned))

    def question_mass(self, question: str) -> float:
        """How much the question's content words weigh together (`term_weight`, each word
        once; story filler such as 今天, 谁 not at all): how much it says that could tell one
        entry from another."""
        return sum(self.term_weight(term) for term in set(self.analyze_question(question)[1])
                   if self.analyzer.specificity(term) >= 0)

    def topic_entries(self, question: str) -> list[int]:
        """The entries that open a topic (dict/topics.txt) when the question is that one broad
        word and nothing else ("发票", "invoice", not "什么是发票"); else none."""
        terms = set(self.analyze_question(question)[1])
        if len(terms) != 1 or self.question_kind(question) is not None:
            return []  # "什么是专票" asks what it is: that is an entry's question
        ids = self.analyzer.topics.get(terms.pop(), ())
        return [self.ids[entry_id] for entry_id in ids if entry_id in self.ids][:3]

    def is_off_topic(self, question: str) -> bool:
        """Whether the question uses a word of another domain (dict/offtopic.txt: 贷款, 电影,
        QuickBooks ...): declined, it is told so rather than "I'm not sure"."""
        return any(self.analyzer.is_offtopic(term) for term in self.analyze_question(question)[1])

    def _from_pinyin(self, words: list[str]) -> str:
        """Pinyin words as the knowledge base's own words, longest first; a word may span what
        was typed apart ("cao zuo" is 操作, as "caozuo" is)."""
        syllables = [s for word in words for s in (split_pinyin(word) or [word])]
        out: list[str] = []
        start = 0
        while start < len(syllables):
            for end in range(len(syllables), start, -1):
                found = self.pinyin_words.get("".join(syllables[start:end]))
                if found:
                    out.append(found)
                    start = end
                    break
            else:
                out.append(syllables[start])
                start += 1
        return "".join(out)

    def _fix_typos(self, words: list[str]) -> list[str]:
        """Replace unknown words (or runs of short ones) that read like a known word."""
        out: list[str] = []
        i = 0
        while i < len(words):
            word = words[i]
            if self._no_slip(word):
                out.append(word)
                i += 1
                continue
            size, word = self._known_reading(words, i)
            if size == 1 and word not in self.vocab and len(word) >= 3 and has_cjk(word):
                out.extend(self._known_pieces(word))
            else:
                out.append(word)
            i += size
        return out

    def _no_slip(self, word: str) -> bool:
        """The common cases, kept as they are: a stop word, a word the knowledge base knows, or
        a real word of the story around the question (上个月, 老板): an IME slip makes no real
        word. Longer unknown words may still be compounds of known ones (报销单据)."""
        if word in self.analyzer.stopwords:
            return True
        if len(word) < 2:
            return False
        return (word in self.vocab or word in self.analyzer.offtopic_words
                or (len(word) < 5 and self.analyzer.is_word(word)))

    def _known_pieces(self, word: str) -> list[str]:
        """An unknown word that is made of known ones ("报销单据" -> 报销 单据), else itself."""
        return fewest_pieces(word, self.vocab, shortest=2, longest=8) or [word]

    def _known_reading(self, words: list[str], i: int) -> tuple[int, str]:
        """The longest run of 1-3 words from `i` that reads like one known word."""
        for size in (3, 2, 1):
            pieces = words[i : i + size]
            piece = "".join(pieces)
            if len(pieces) < size or not 2 <= len(piece) <= 4 or not has_cjk(piece):
                continue
            if all(len(p) > 1 and p in self.vocab for p in pieces):
                continue  # already known words: nothing to repair
            if self.analyzer.is_word(piece):
                continue  # a real word that reads alike is no slip: 省事 is not 省市, 超时 not 超市
            known = self.pinyin_words.get(pinyin_key(piece))
            # An IME slip changes one character: "这周" is not a typo of "褶皱"; and repairing
            # into a word that carries no topic (出了 -> 除了) gains nothing.
            if (known and len(set(known) & set(piece)) >= len(piece) - 1
                    and known not in self.analyzer.stopwords
                    and self.analyzer.specificity(known) >= 0):
                return size, known
        return 1, words[i]

    def term_weight(self, term: str) -> float:
        """How much a term of a question counts: its rarity in the knowledge base (IDF) times
        how specific it is (domain term 1, everyday word `common`, story filler `filler`)."""
        found = self._weights_memo.get(term)
        if found is not None:
            return found
        w = self.weights
        if self.analyzer.is_offtopic(term):
            found = float(self.unknown_idf * w.offtopic)
            self._weights_memo[term] = found
            return found
        row = self.vocab.get(term)
        idf = self.idf[row] if row is not None else self.unknown_idf * w.unknown
        if len(term) == 1 and has_cjk(term):
            idf *= w.single_char
        spec = self.analyzer.specificity(term)
        if spec < 0 and row is not None and _NUMBER.fullmatch(term):
            spec = 1.0  # an amount or a limit the knowledge base itself states (5000, 24)
        found = float(idf * (w.filler if spec < 0 else w.common + (1 - w.common) * spec))
        if len(self._weights_memo) < 50_000:
            self._weights_memo[term] = found
        return found

    def _term_scores(
        self, terms: Sequence[str], coverage: bool
    ) -> tuple[np.ndarray, float, np.ndarray | None]:
        """One pass over the question's terms. Returns, per entry, the share of the question's
        weighted terms it covers (0..1); the share of the question's weight carried by words
        the knowledge base knows; and (when asked) per entry the largest share of one of its
        phrasings that the question contains - a long question that tells a story around
        "抬头少了有限公司" still holds that phrasing. The postings are gathered and summed by one
        bincount each, not added term by term (a long question has 40 terms)."""
        entry_ids: list[np.ndarray] = []
        entry_gains: list[np.ndarray] = []
        phrase_ids: list[np.ndarray] = []
        phrase_gains: list[float] = []
        mass = known = 0.0
        for term in set(terms):
            weight = self.term_weight(term)
            mass += weight
            row = self.vocab.get(term)
            if row is None or self.analyzer.is_offtopic(term):
                continue
            known += weight
            ids, sats = self.postings[row]
            entry_ids.append(ids)
            entry_gains.append(weight * sats)
            if coverage:
                found = self.phrase_postings.get(term)
                if found is not None:
                    phrase_ids.append(found)
                    phrase_gains.append(weight)
        size = len(self.entries)
        if entry_ids and mass:
            lexical = np.bincount(np.concatenate(entry_ids), np.concatenate(entry_gains),
                                  minlength=size) / mass
        else:
            lexical = np.zeros(size)
        covered = None
        if coverage:
            per_phrase: np.ndarray = np.zeros(len(self.phrases))
            if phrase_ids:
                gains = np.repeat(phrase_gains, [len(ids) for ids in phrase_ids])
                per_phrase = np.bincount(np.concatenate(phrase_ids), gains,
                                         minlength=len(self.phrases))
            covered = np.maximum.reduceat(per_phrase / self.phrase_mass, self.phrase_starts)
        return lexical, (known / mass if mass else 0.0), covered

    def fuzzy_scores(self, text: str, lexical: np.ndarray) -> np.ndarray:
        if not text:
            return np.zeros(len(self.entries))
        if len(self.phrases) <= FULL_FUZZY_LIMIT:
            sims = process.cdist([text], self.phrases, scorer=fuzz.ratio, dtype=np.uint8,
                                 score_cutoff=FUZZY_CUTOFF)[0]
            return np.maximum.reduceat(sims, self.phrase_starts).astype(np.float64) / 100.0
        return self._fuzzy_candidates(text, lexical)

    def _fuzzy_candidates(self, text: str, lexical: np.ndarray) -> np.ndarray:
        keep = min(self.weights.candidates, len(self.entries))
        best = np.argpartition(-lexical, keep - 1)[:keep]
        phrases = list(chain.from_iterable(self.entry_phrases[i] for i in best))
        sims = process.cdist([text], phrases, scorer=fuzz.ratio, dtype=np.uint8,
                             score_cutoff=FUZZY_CUTOFF)[0]
        counts = self.phrase_counts[best]
        per_entry = np.zeros(len(self.entries))
        per_entry[best] = np.maximum.reduceat(sims, np.cumsum(counts) - counts) / 100.0
        per_entry[self.exact.get(text, [])] = 1.0
        return per_entry

    def channels(
        self, question: str, phrasing: bool = False
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """Per entry: the lexical score (words, and character pairs), the phrasing coverage
        (when asked for) and the fuzzy score of a question."""
        text, terms = self.analyze_question(question)
        lexical, known, covered = self._term_scores(terms, coverage=phrasing)
        # Character pairs, phrasing coverage and string likeness count as far as the question
        # is about things the knowledge base knows: "reset my Netflix password" holds "reset
        # password" too.
        if self.weights.bigram > 0:
            share = self.weights.bigram
            lexical = (1 - share) * lexical + share * self.bigram_scores(text) * known
        if covered is not None:
            covered = covered * known
        fuzzy = self.fuzzy_scores(text, lexical) * known
        return lexical, covered, fuzzy

    def rank(self, question: str, limit: int = 5) -> list[Candidate]:
        """The best `limit` entries for `question`, best first."""
        w = self.weights
        lexical, covered, fuzzy = self.channels(question, phrasing=w.coverage < 1)
        if covered is not None:
            lexical = w.coverage * lexical + (1 - w.coverage) * covered
        combined = w.lexical * lexical + (1 - w.lexical) * fuzzy
        kind = self.question_kind(question) if w.intent else None
        if kind is not None:  # "多久" lifts the entries people ask "how long" of
            combined = combined * (1 + w.intent * self.kind_share[:, kind])
        limit = min(limit, len(self.entries))
        top = np.argpartition(-combined, limit - 1)[:limit]
        top = top[np.argsort(-combined[top], kind="stable")]
        return [
            Candidate(int(i), float(combined[i]), float(lexical[i]), float(fuzzy[i])) for i in top
        ]


_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


def _bigrams(text: str) -> list[str]:
    """Adjacent Chinese character pairs of a normalised text."""
    return [run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]


def _idf(total: int, containing: int) -> float:
    return math.log(1 + (total - containing + 0.5) / (containing + 0.5))
