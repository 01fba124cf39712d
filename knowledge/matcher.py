"""Ranks knowledge-base entries for a question: a lexical (BM25-like) score plus a fuzzy one.

- Lexical: jieba tokens (domain dictionary, synonyms, stop words) weighted by BM25 saturation and
  IDF, normalised by the question's own IDF mass, so it reads as "how much of what was asked
  this entry covers" (0..1). Unknown words count against every entry: that is what lets
  questions about loans or movies fall below the threshold.
- Fuzzy: rapidfuzz similarity of the normalised question to every phrasing at once
  (`process.cdist`), best phrasing per entry. On a very large knowledge base only the best
  lexical candidates get the fuzzy pass, to keep a lookup within a few milliseconds.
- Typos a Pinyin IME makes ("明系" for 明细) and whole-pinyin questions ("fapiao zenme kai") are
  mapped back onto the knowledge base's own words by their toneless pinyin.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from knowledge.kb import Entry
from knowledge.normalize import (
    DICT_DIR,
    has_cjk,
    latin_words,
    looks_like_pinyin,
    normalize,
    pinyin_key,
    read_lines,
    split_pinyin,
)

logger = logging.getLogger(__name__)

FULL_FUZZY_LIMIT = 6000
FUZZY_CUTOFF = 30  # below 30% similar is noise; skipping it keeps long questions fast  # phrasings; above this the fuzzy pass only sees lexical candidates


@dataclass(frozen=True)
class Weights:
    """How the two scores are built and mixed (chosen on the tuning half of faq-dev)."""

    lexical: float = 0.7  # share of the lexical score in the final one; the rest is fuzzy
    k1: float = 0.6
    b: float = 0.3
    answer_weight: float = 0.5  # a word in the answer counts this much of one in a phrasing
    candidates: int = 64  # entries that get the fuzzy pass on a large knowledge base
    single_char: float = 0.3  # weight of a one-character Chinese term (多, 高, 开 ...)
    filler: float = 0.1  # weight of story filler (上周, 老板, 结果, 已经 ...) in a question
    common: float = 0.3  # weight of an everyday word, rising to 1 for a rare one (jieba counts)
    unknown: float = 1.0  # an unknown content word weighs this many times the rarest known one


@dataclass(frozen=True)
class Candidate:
    index: int  # position of the entry in the matcher's entry list
    score: float
    lexical: float
    fuzzy: float


class Analyzer:
    """normalize -> jieba (with the domain dictionary) -> tokens; jieba starts on first use."""

    def __init__(self, dict_dir: Path = DICT_DIR) -> None:
        self._dict_dir = dict_dir
        self._jieba: object | None = None
        self.stopwords = frozenset(
            word for line in read_lines(dict_dir / "stopwords.txt") for word in line.split()
        )

    def _tokenizer(self) -> object:
        if self._jieba is None:
            import jieba  # imported here: jieba logs and builds its model on first use

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            tokenizer.load_userdict(str(self._dict_dir / "domain.txt"))
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


_EVERYDAY, _RARE = 7.0, 13.0  # -log(p) of a word in jieba's counts: 参加 7.9, 印花税 14.4


def _stem(word: str) -> str:
    """Plural English nouns -> singular (invoices -> invoice); other words unchanged."""
    if word.isascii() and len(word) > 4 and word.endswith("s") and word[-2] not in "siu":
        return word[:-1]
    return word


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
        self._build_phrases()
        self._build_postings()
        self._build_pinyin()
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
        self.ids = {entry.id: index for index, entry in enumerate(self.entries)}

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
        """(fuzzy text, lexical terms) of a question, with pinyin and IME typos resolved."""
        if not has_cjk(question):
            words_in = latin_words(question)
            if words_in and looks_like_pinyin(words_in):
                question = "".join(self._from_pinyin(word) for word in words_in)
        normalized = normalize(question)
        words = self._fix_typos(self.analyzer.words(normalized))
        return self._fuzzy_text(words), self.analyzer.terms(words)

    def _from_pinyin(self, word: str) -> str:
        syllables = split_pinyin(word) or [word]
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
            if len(word) > 1 and (word in self.vocab or word in self.analyzer.stopwords):
                out.append(word)  # the common case: a word the knowledge base knows
                i += 1
                continue
            size, word = self._known_reading(words, i)
            out.append(word)
            i += size
        return out

    def _known_reading(self, words: list[str], i: int) -> tuple[int, str]:
        """The longest run of 1-3 words from `i` that reads like one known word."""
        for size in (3, 2, 1):
            pieces = words[i : i + size]
            piece = "".join(pieces)
            if len(pieces) < size or not 2 <= len(piece) <= 4 or not has_cjk(piece):
                continue
            if all(len(p) > 1 and p in self.vocab for p in pieces):
                continue  # already known words: nothing to repair
            known = self.pinyin_words.get(pinyin_key(piece))
            # An IME slip changes one character: "这周" is not a typo of "褶皱".
            if known and len(set(known) & set(piece)) >= len(piece) - 1:
                return size, known
        return 1, words[i]

    def lexical_scores(self, terms: Sequence[str]) -> np.ndarray:
        scores = np.zeros(len(self.entries))
        mass = 0.0
        for term in set(terms):
            weight = self.weights.single_char if len(term) == 1 and has_cjk(term) else 1.0
            row = self.vocab.get(term)
            if row is None:
                floor = self.weights.unknown_floor
                mass += weight * self.unknown_idf * max(floor, self.analyzer.rarity(term))
                continue
            idf = weight * self.idf[row]
            mass += idf
            ids, sats = self.postings[row]
            scores[ids] += idf * sats
        return scores / mass if mass else scores

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
        starts, counts = self.phrase_starts[best], self.phrase_counts[best]
        offsets = np.repeat(np.cumsum(counts) - counts, counts)
        rows = np.repeat(starts, counts) + np.arange(int(counts.sum())) - offsets
        phrases = [self.phrases[r] for r in rows]
        sims = process.cdist([text], phrases, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)[0]
        per_entry = np.zeros(len(self.entries))
        np.maximum.at(per_entry, self.phrase_entry[rows], sims / 100.0)
        return per_entry

    def rank(self, question: str, limit: int = 5) -> list[Candidate]:
        """The best `limit` entries for `question`, best first."""
        text, terms = self.analyze_question(question)
        lexical = self.lexical_scores(terms)
        fuzzy = self.fuzzy_scores(text, lexical)
        share = self.weights.lexical
        combined = share * lexical + (1 - share) * fuzzy
        limit = min(limit, len(self.entries))
        top = np.argpartition(-combined, limit - 1)[:limit]
        top = top[np.argsort(-combined[top], kind="stable")]
        return [
            Candidate(int(i), float(combined[i]), float(lexical[i]), float(fuzzy[i])) for i in top
        ]


def _idf(total: int, containing: int) -> float:
    return math.log(1 + (total - containing + 0.5) / (containing + 0.5))
