"""What the knowledge base could not answer, and whether its answers helped.

`gaps()` groups unanswered questions by their normalised text, most frequent first: the list an
operator reads to decide which entry to write next. People paste their tax ID, account or
phone number into a question; the log keeps them masked (core.privacy), since knowledge-base
authors are not the people they belong to.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlite_utils import Database

from core.privacy import mask_text

logger = logging.getLogger(__name__)

UNANSWERED = "kb_unanswered"
FEEDBACK = "kb_feedback"


@dataclass(frozen=True)
class Gap:
    """One normalised question the knowledge base keeps failing on."""

    normalized: str
    count: int
    example: str  # the latest wording a person used
    last_asked: str
    best_entry_id: str | None  # the closest entry offered, if any


@dataclass(frozen=True)
class Rating:
    """What people said of one entry's answer."""

    entry_id: str
    helpful: int
    not_helpful: int
    unhelpful_questions: list[str]  # the latest questions it did not help with, newest first


class QuestionLog(Protocol):
    def record_unanswered(
        self,
        question: str,
        normalized: str,
        *,
        lang: str,
        decision: str,
        best_entry_id: str | None,
        score: float,
        at: datetime,
    ) -> None: ...

    def record_feedback(
        self, entry_id: str, helpful: bool, *, question: str | None, at: datetime
    ) -> None: ...

    def gaps(self, limit: int = 20) -> list[Gap]: ...


_TABLES = (
    f"CREATE TABLE IF NOT EXISTS {UNANSWERED} (id INTEGER PRIMARY KEY, question TEXT, "
    "normalized TEXT, lang TEXT, decision TEXT, best_entry_id TEXT, score FLOAT, asked_at TEXT)",
    f"CREATE INDEX IF NOT EXISTS idx_{UNANSWERED}_normalized ON {UNANSWERED} (normalized)",
    f"CREATE TABLE IF NOT EXISTS {FEEDBACK} (id INTEGER PRIMARY KEY, entry_id TEXT, "
    "helpful INTEGER, question TEXT, at TEXT)",
)


class SqliteQuestionLog:
    """QuestionLog in a SQLite file (tables kb_unanswered and kb_feedback)."""

    def __init__(self, path: Path | str, *, database: Database | None = None) -> None:
        """`database`: share an open connection (the bot's own), so a question logged during
        a turn joins that turn's transaction instead of waiting for its lock."""
        self.path = Path(path)
        self._db: Database | None = database
        self._owns_db = database is None
        self._ready = False
        if database is not None:
            self._ensure_tables(database)
            self._ready = True

    def _database(self) -> Database:
        if self._db is None:
            self._db = Database(self.path)
        if not self._ready:
            self._ensure_tables(self._db)
            self._ready = True
        return self._db

    @staticmethod
    def _ensure_tables(db: Database) -> None:
        """Create the tables under BEGIN IMMEDIATE. Plain autocommit DDL is not enough: in WAL
        mode a statement that began as a read and then needs to write, while another process
        (a second bot starting on the same new file) has just written, fails at once with
        "database is locked" - the busy timeout does not apply to it."""
        conn = db.conn
        if conn.in_transaction:  # the caller's transaction already holds the write lock
            for statement in _TABLES:
                conn.execute(statement)
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _TABLES:
                conn.execute(statement)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def record_unanswered(
        self,
        question: str,
        normalized: str,
        *,
        lang: str,
        decision: str,
        best_entry_id: str | None,
        score: float,
        at: datetime,
    ) -> None:
        row = {"question": mask_text(question),
               "normalized": mask_text(normalized or question.strip()), "lang": lang,
               "decision": decision, "best_entry_id": best_entry_id, "score": score,
               "asked_at": at.isoformat()}
        self._database().table(UNANSWERED).insert(row)

    def record_feedback(
        self, entry_id: str, helpful: bool, *, question: str | None, at: datetime
    ) -> None:
        row = {"entry_id": entry_id, "helpful": int(helpful),
               "question": None if question is None else mask_text(question),
               "at": at.isoformat()}
        self._database().table(FEEDBACK).insert(row)

    def gaps(self, limit: int = 20) -> list[Gap]:
        sql = f"""
            select normalized, count(*) as n, max(asked_at) as last_asked,
              (select question from {UNANSWERED} u2 where u2.normalized = u.normalized
                 order by asked_at desc, id desc limit 1) as example,
              (select best_entry_id from {UNANSWERED} u3 where u3.normalized = u.normalized
                 and best_entry_id is not null group by best_entry_id
                 order by count(*) desc limit 1) as best
            from {UNANSWERED} u group by normalized
            order by n desc, last_asked desc limit ?
        """
        rows = self._database().execute(sql, [limit]).fetchall()
        return [Gap(normalized, n, example, last, best) for normalized, n, last, example, best in rows]

    def feedback_counts(self) -> dict[str, tuple[int, int]]:
        """entry id -> (helpful, not helpful)."""
        sql = f"select entry_id, sum(helpful), sum(1 - helpful) from {FEEDBACK} group by entry_id"
        rows = self._database().execute(sql).fetchall()
        return {entry_id: (int(yes), int(no)) for entry_id, yes, no in rows}

    def ratings(self, limit: int = 20, examples: int = 3) -> list[Rating]:
        """Entries by how often their answer did not help (then by how often it did), each with
        the latest questions it did not help with: where an author looks first."""
        counts = sorted(self.feedback_counts().items(), key=lambda item: (-item[1][1], -item[1][0],
                                                                           item[0]))[:limit]
        sql = (f"select question from {FEEDBACK} where entry_id = ? and helpful = 0 "
               "and question is not null order by at desc, id desc limit ?")
        database = self._database()
        return [Rating(entry_id, yes, no,
                       [row[0] for row in database.execute(sql, [entry_id, examples]).fetchall()])
                for entry_id, (yes, no) in counts]

    def close(self) -> None:
        if self._db is not None and self._owns_db:
            self._db.close()
            self._db = None
            self._ready = False
