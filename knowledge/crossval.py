"""Cross-validation over the knowledge base's own phrasings: which entries people ask about in
the same words.

Every phrasing but an entry's canonical one is left out once (in one of `folds` folds, chosen
by a checksum of its text, so a fold does not change when other phrasings are added); the
matcher is built without it and the phrasing is asked like a question. A phrasing is

- right when its own entry answers (or, for a not-in-guide entry, says "the guide does not
  say"), or an entry whose answer states the same facts (`SAME_ANSWER`);
- wrong when another entry answers confidently;
- unsure otherwise ("did you mean", a decline, or an honest "the guide does not say").

The pairs of entries that lose phrasings to each other are where authors should sharpen the
phrasings (or the answers) - `sifbot kb confusions` prints them. This needs no test set of
anyone's: it is the knowledge base measuring itself, and it rewards near-duplicate phrasings,
so it guides writing and is no substitute for unseen questions (benchmarks/faq.py).
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from knowledge.kb import Entry
from knowledge.matcher import Matcher, Weights
from knowledge.service import RIVALS, Thresholds, answer_family, decide

SAME_ANSWER = 0.6  # answers this similar (cosine of their terms) state the same facts
FOLDS = 5


@dataclass(frozen=True)
class Confusion:
    first: str  # the two entry ids, sorted
    second: str
    count: int  # left-out phrasings of either that were lost between the two


@dataclass(frozen=True)
class CrossValidation:
    asked: int
    right: int
    wrong: int
    first_ranked: int  # the phrasing's own entry (or its answer twin) ranked first
    confusions: list[Confusion] = field(default_factory=list)

    @property
    def unsure(self) -> int:
        return self.asked - self.right - self.wrong

    def line(self) -> str:
        share = (lambda n: n / self.asked) if self.asked else (lambda n: 0.0)
        return (f"{self.asked} phrasings left out: first-ranked {share(self.first_ranked):.1%}, "
                f"answered right {share(self.right):.1%}, answered wrong {share(self.wrong):.1%}, "
                f"unsure {share(self.unsure):.1%}")


def fold_of(text: str, folds: int = FOLDS) -> int:
    return zlib.crc32(text.encode("utf-8")) % folds


def cross_validate(
    entries: Sequence[Entry],
    *,
    folds: int = FOLDS,
    thresholds: Thresholds | None = None,
    weights: Weights | None = None,
) -> CrossValidation:
    thresholds = thresholds or Thresholds()
    tally: Counter[str] = Counter()
    lost: Counter[tuple[str, str]] = Counter()
    for fold in range(folds):
        kept = [entry.model_copy(update={"questions": [
            q for i, q in enumerate(entry.questions) if i == 0 or fold_of(q, folds) != fold]})
            for entry in entries]
        matcher = Matcher(kept, weights=weights)
        for own, entry in enumerate(entries):
            for question in entry.questions[1:]:
                if fold_of(question, folds) == fold:
                    _ask(matcher, own, question, thresholds, tally, lost)
    confusions = [Confusion(a, b, n) for (a, b), n in lost.most_common()]
    return CrossValidation(tally["asked"], tally["right"], tally["wrong"], tally["first"],
                           confusions)


def _ask(matcher: Matcher, own: int, question: str, thresholds: Thresholds,
         tally: Counter[str], lost: Counter[tuple[str, str]]) -> None:
    """Ask one left-out phrasing of entry `own`; count the outcome and the pair it was lost in."""

    family = answer_family(matcher, thresholds)
    candidates = matcher.rank(question, limit=RIVALS)
    top = candidates[0].index
    decision = decide(candidates, thresholds, family)
    hit = top == own or matcher.answer_similarity(top, own) >= SAME_ANSWER
    tally["asked"] += 1
    tally["first"] += hit
    if hit and decision == "answer":
        tally["right"] += 1
        return
    # A confident wrong answer; a not-in-guide entry on top is an honest "I don't know".
    tally["wrong"] += decision == "answer" and matcher.entries[top].kind == "answer"
    rival = top if not hit else next(
        (c.index for c in candidates[1:] if family is None or not family(top, c.index)), None)
    if rival is not None and rival != own:
        first, second = sorted((matcher.entries[own].id, matcher.entries[rival].id))
        lost[(first, second)] += 1
