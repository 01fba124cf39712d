"""What "did you mean" offers: the entries near the best one, not only those above a fixed
floor."""

from __future__ import annotations

from pathlib import Path

from knowledge.service import NEAR_BEST, KnowledgeBase, Thresholds
from tests.unit.test_not_in_guide import kb_folder


def test_an_entry_near_the_best_is_offered_even_below_the_suggestion_floor(
        tmp_path: Path) -> None:
    folder = kb_folder(tmp_path)
    # Nothing answers; every offer is "did you mean"; the fixed floor is above every score.
    unsure = Thresholds(answer=2.0, sure=2.0, floor=2.0, clarify=0.05, suggest=1.5)
    kb = KnowledgeBase(folder, thresholds=unsure)
    question = "纸质发票丢了，还能申请吗"  # both real entries hold some of it
    ranked = kb.matcher.rank(question, limit=3)
    near = [kb.matcher.entries[c.index].id for c in ranked
            if c.score >= NEAR_BEST * ranked[0].score
            and kb.matcher.entries[c.index].kind == "answer"]
    result = kb.ask(question)
    assert result.decision == "clarify" and len(near) >= 2, (result, ranked)
    assert [s.entry_id for s in result.suggestions] == near
