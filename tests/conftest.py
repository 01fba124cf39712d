"""Shared fixtures: a real SQLite file per test, a clock each test can move, settings, actors,
an `Issuance` factory and `complete_draft` for a valid special invoice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from core.clock import CHINA
from core.issuance import Issuance
from core.models import Actor, Draft, InvoiceType, Line
from core.money import split_line
from core.settings import Settings
from core.storage import SqliteRepository, open_repository

DEFAULT_NOW = datetime(2026, 3, 2, 10, 0, tzinfo=CHINA)

BUYER = {
    "buyer_name": "华为技术有限公司",
    "buyer_tax_id": "914403001922038216",
    "buyer_address_phone": "深圳市龙岗区坂田华为基地 0755-28780808",
    "buyer_bank_account": "招商银行深圳分行营业部 755900000000001",
}


class SettableClock:
    """A clock that says one instant until a test moves it: `set(...)` or `advance(...)`."""

    def __init__(self, instant: datetime = DEFAULT_NOW) -> None:
        self.now = instant

    def __call__(self) -> datetime:
        return self.now

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("a clock tells aware times only")
        self.now = instant

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def make_line(
    name: str = "软件开发服务",
    category: str | None = "信息技术服务",
    quantity: str = "1",
    unit_price: str = "10600",
    rate: str = "6%",
    *,
    includes_tax: bool = True,
) -> Line:
    """One line with its amount and tax separated by core.money.split_line."""
    qty, price = Decimal(quantity), Decimal(unit_price)
    amount, tax = split_line(qty, price, rate, includes_tax=includes_tax)
    return Line(
        name=name,
        category=category,
        quantity=qty,
        unit_price=price,
        tax_rate=rate,
        amount=amount,
        tax=tax,
    )


def complete_draft(issuance: Issuance, actor: Actor, **overrides: object) -> Draft:
    """A stored draft of a valid special invoice for 华为技术有限公司 (10 600.00 incl. 6% tax)."""
    fields: dict[str, object] = {
        "invoice_type": InvoiceType.SPECIAL,
        "buyer_kind": "organisation",
        **BUYER,
        "prices_include_tax": True,
        "lines": [make_line()],
    }
    fields.update(overrides)
    return issuance.new_draft(actor, **fields)


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock()


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "sifbot.db"


@pytest.fixture
def repo(db_path: Path) -> Iterator[SqliteRepository]:
    repository = open_repository(db_path)
    yield repository
    repository.close()


@pytest.fixture
def make_issuance(
    repo: SqliteRepository, settings: Settings, clock: SettableClock
) -> Callable[..., Issuance]:
    """Build an Issuance; keyword arguments replace the repository, settings or clock."""

    def build(**overrides: Any) -> Issuance:
        return Issuance(
            overrides.get("repo", repo),
            overrides.get("settings", settings),
            overrides.get("clock", clock),
        )

    return build


@pytest.fixture
def issuance(make_issuance: Callable[..., Issuance]) -> Issuance:
    return make_issuance()


@pytest.fixture
def customer() -> Actor:
    return Actor(user="tg:42", role="customer", platform="telegram")


@pytest.fixture
def other_customer() -> Actor:
    return Actor(user="tg:77", role="customer", platform="telegram")


@pytest.fixture
def employee() -> Actor:
    return Actor(user="slack:U0EMP", role="employee", platform="slack")


@pytest.fixture
def finance() -> Actor:
    return Actor(user="slack:U0FIN", role="finance", platform="slack")
