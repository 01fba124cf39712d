"""Message catalogues: every text a person sees exists in zh-CN and English."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

Catalogue = Mapping[str, Mapping[str, str]]


class _Keep(dict[str, object]):
    """format_map helper: leaves unknown {placeholders} as they are instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(catalogue: Catalogue, key: str, lang: str, params: Mapping[str, object] | None = None) -> str:
    """Look up `key` in `lang` (falling back to zh) and fill in its parameters."""
    texts = catalogue.get(key)
    if texts is None:
        return key
    template = texts.get(lang) or texts["zh"]
    return template.format_map(_Keep(params or {}))


def normalise_lang(value: str | None) -> Lang:
    """Map a platform language tag (zh-hans, en-US, ...) to one of ours; Chinese first."""
    if value and value.lower().startswith("en"):
        return "en"
    return "zh"
