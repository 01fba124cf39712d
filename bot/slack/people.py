"""Who is talking on Slack: each person's language from their Slack locale (users.info),
looked up once an hour. A lookup that fails falls back to Chinese and is tried again soon."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from core.i18n import Lang, normalise_lang

logger = logging.getLogger(__name__)

KEEP = 3600.0  # seconds a looked-up language is trusted
RETRY = 60.0  # seconds before a failed lookup is tried again
MAX_PEOPLE = 100_000


class People:
    def __init__(self, client: AsyncWebClient,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.clock = clock
        self._langs: dict[str, tuple[Lang, float]] = {}

    async def lang(self, user: str) -> Lang:
        known = self._langs.get(user)
        now = self.clock()
        if known is not None and known[1] > now:
            return known[0]
        try:
            answer = await self.client.users_info(user=user, include_locale=True)
            person = answer.get("user") or {}
            lang, until = normalise_lang(person.get("locale")), now + KEEP
        except (SlackApiError, SlackClientError, ClientError, OSError, TimeoutError) as error:
            logger.info("users.info failed for a person: %s", type(error).__name__)
            lang, until = (known[0] if known else "zh"), now + RETRY
        if len(self._langs) >= MAX_PEOPLE:
            self._langs.clear()
        self._langs[user] = (lang, until)
        return lang
