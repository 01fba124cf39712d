"""The Slack front end's pure translations: neutral replies -> Block Kit actions, a pressed
message -> its update, Slack's message markup -> what the person typed, the environment ->
SlackConfig, a Slack locale -> our language."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.errors import SlackApiError

from bot.handlers.events import Choice, Reply
from bot.platform.ledger import TOKEN_PREFIX
from bot.slack.app import SLACK_FILE_HOSTS, SlackConfig, SlackConfigError, _chat_of
from bot.slack.handlers import plain_text
from bot.slack.outgoing import (
    BLOCKS_PER_MESSAGE,
    BUTTONS_PER_BLOCK,
    LABEL_LIMIT,
    SECTION_LIMIT,
    VALUE_LIMIT,
    pressed_label,
    pressed_update,
    reply_actions,
)
from bot.slack.people import KEEP, RETRY, People

BOT = "xoxb-1-2-abc"
APP = "xapp-1-A1-2-def"


# -- fakes and helpers ----------------------------------------------------------------------
class Remembered:
    """The ledger's `remember`, as a list of what it was asked to keep."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def __call__(self, token: str, choice_id: str) -> None:
        self.calls.append((token, choice_id))


class FakeUsers:
    """Just enough of AsyncWebClient for People: users.info answers from a script."""

    def __init__(self, *answers: dict[str, Any] | Exception) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, bool]] = []

    async def users_info(self, user: str, include_locale: bool) -> dict[str, Any]:
        self.calls.append((user, include_locale))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def person(locale: str) -> dict[str, Any]:
    return {"ok": True, "user": {"id": "U1", "locale": locale}}


def refused(code: str = "user_not_found") -> SlackApiError:
    return SlackApiError(f"The request to the Slack API failed. ({code})",
                         {"ok": False, "error": code})


def posts(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [action for action in actions if action["op"] == "post"]


def of_type(blocks: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [block for block in blocks if block["type"] == kind]


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [element for block in of_type(blocks, "actions") for element in block["elements"]]


def section_texts(actions: list[dict[str, Any]]) -> list[str]:
    return [block["text"]["text"] for post in posts(actions)
            for block in of_type(post["blocks"], "section")]


def every_text_object(value: Any) -> list[dict[str, Any]]:
    """Every Block Kit text object ({"type": ..., "text": str}) anywhere in `value`."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        if isinstance(value.get("text"), str) and "type" in value:
            found.append(value)
        for inner in value.values():
            found += every_text_object(inner)
    elif isinstance(value, list):
        for inner in value:
            found += every_text_object(inner)
    return found


def no_blanks(text: str) -> str:
    return "".join(text.split())


# -- a reply becomes a message --------------------------------------------------------------
def test_a_short_reply_is_one_post_with_one_plain_section_and_its_buttons() -> None:
    reply = Reply(text="Which invoice?", choices=[Choice(id="special", label="Special"),
                                                  Choice(id="normal", label="Normal")])
    actions = reply_actions([reply], Remembered())
    assert [action["op"] for action in actions] == ["post"]
    blocks = actions[0]["blocks"]
    assert [block["type"] for block in blocks] == ["section", "actions"]
    assert blocks[0]["text"] == {"type": "plain_text", "text": "Which invoice?", "emoji": True}
    assert actions[0]["text"] == "Which invoice?"
    assert [(b["text"]["text"], b["value"]) for b in buttons(blocks)] == [
        ("Special", "special"), ("Normal", "normal")]


def test_a_reply_without_choices_has_no_actions_block() -> None:
    actions = reply_actions([Reply(text="Done.")], Remembered())
    assert [block["type"] for block in actions[0]["blocks"]] == ["section"]


def test_navigation_buttons_get_their_own_row_after_the_answers() -> None:
    reply = Reply(text="Pick", choices=[Choice(id="nav:back", label="Back"),
                                        Choice(id="a", label="A"),
                                        Choice(id="nav:cancel", label="Cancel"),
                                        Choice(id="b", label="B")])
    rows = of_type(reply_actions([reply], Remembered())[0]["blocks"], "actions")
    assert [[b["value"] for b in row["elements"]] for row in rows] == [
        ["a", "b"], ["nav:back", "nav:cancel"]]


def test_more_than_25_choices_spread_over_rows_with_action_ids_unique_in_the_message() -> None:
    choices = [Choice(id=f"c{n}", label=f"Choice {n}") for n in range(60)]
    choices += [Choice(id="nav:back", label="Back")]
    blocks = reply_actions([Reply(text="Many", choices=choices)], Remembered())[0]["blocks"]
    rows = of_type(blocks, "actions")
    assert [len(row["elements"]) for row in rows] == [25, 25, 10, 1]
    assert all(len(row["elements"]) <= BUTTONS_PER_BLOCK for row in rows)
    every = buttons(blocks)
    assert [b["value"] for b in every] == [f"c{n}" for n in range(60)] + ["nav:back"]
    action_ids = [b["action_id"] for b in every]
    assert len(set(action_ids)) == len(action_ids) == 61
    block_ids = [row["block_id"] for row in rows]
    assert len(set(block_ids)) == len(block_ids)


def test_a_long_label_is_cut_to_the_slack_limit() -> None:
    label = "x" * 74 + "ENDS-HERE"
    reply = Reply(text="Pick", choices=[Choice(id="a", label=label)])
    shown = buttons(reply_actions([reply], Remembered())[0]["blocks"])[0]["text"]["text"]
    assert shown == label[:LABEL_LIMIT]
    assert len(shown) == LABEL_LIMIT == 75


def test_a_choice_id_over_the_value_limit_travels_as_a_remembered_token() -> None:
    long_id = "ticket:" + "9" * VALUE_LIMIT
    remembered = Remembered()
    reply = Reply(text="Pick", choices=[Choice(id=long_id, label="Open"),
                                        Choice(id="short", label="Short")])
    first = buttons(reply_actions([reply], remembered)[0]["blocks"])
    token = first[0]["value"]
    assert token.startswith(TOKEN_PREFIX)
    assert len(token) < VALUE_LIMIT
    assert first[1]["value"] == "short"
    assert remembered.calls == [(token, long_id)]
    again = buttons(reply_actions([reply], remembered)[0]["blocks"])
    assert again[0]["value"] == token


def test_different_long_ids_get_different_tokens() -> None:
    one, two = "a" * (VALUE_LIMIT + 1), "b" * (VALUE_LIMIT + 1)
    reply = Reply(text="Pick", choices=[Choice(id=one, label="1"), Choice(id=two, label="2")])
    values = [b["value"] for b in buttons(reply_actions([reply], Remembered())[0]["blocks"])]
    assert values[0] != values[1]


def test_a_text_over_the_section_limit_is_cut_at_line_breaks_into_full_sections() -> None:
    lines = [f"line {n:04d} " + "word " * 12 for n in range(400)]
    text = "\n".join(lines)
    assert len(text) > 3 * SECTION_LIMIT
    texts = section_texts(reply_actions([Reply(text=text)], Remembered()))
    assert len(texts) > 1
    assert all(0 < len(piece) <= SECTION_LIMIT for piece in texts)
    assert all(piece.strip() for piece in texts)
    assert no_blanks("".join(texts)) == no_blanks(text)
    for piece in texts:  # each piece ends where a line ended, none starts mid-line
        assert piece.startswith("line ")
        assert piece.split("\n")[-1] in lines


@given(st.lists(st.text(alphabet="ab \n", max_size=700), max_size=25))
def test_any_long_text_keeps_every_word_in_sections_under_the_limit(parts: list[str]) -> None:
    text = "\n".join(parts) * 3
    texts = section_texts(reply_actions([Reply(text=text)], Remembered()))
    assert all(0 < len(piece) <= SECTION_LIMIT and piece.strip() for piece in texts)
    assert no_blanks("".join(texts)) == no_blanks(text)


@pytest.mark.parametrize("line_count", [1470, 2000, 3000])
def test_a_huge_text_is_spread_over_messages_of_at_most_50_blocks_buttons_on_the_last(
    line_count: int,
) -> None:
    # 30 lines of 99 characters fill a section: 49, 67 and 100 sections, ~150k to ~300k chars
    text = "\n".join(f"{n:06d} " + "z" * 92 for n in range(line_count))
    choices = [Choice(id=f"c{n}", label=str(n)) for n in range(30)]
    choices.append(Choice(id="nav:back", label="Back"))
    messages = posts(reply_actions([Reply(text=text, choices=choices)], Remembered()))
    assert len(messages) >= 2
    assert all(len(message["blocks"]) <= BLOCKS_PER_MESSAGE for message in messages)
    assert all(not of_type(message["blocks"], "actions") for message in messages[:-1])
    assert len(buttons(messages[-1]["blocks"])) == 31
    assert no_blanks("".join(section_texts(messages))) == no_blanks(text)


def test_a_single_long_line_is_cut_between_words() -> None:
    words = [f"w{n}x" for n in range(2000)]
    texts = section_texts(reply_actions([Reply(text=" ".join(words))], Remembered()))
    assert len(texts) > 1
    assert all(len(piece) <= SECTION_LIMIT for piece in texts)
    assert [word for piece in texts for word in piece.split()] == words


def test_files_are_sent_after_their_reply_in_order() -> None:
    replies = [Reply(text="Your invoice", files=["/tmp/a.pdf", "/tmp/b.xml"]),
               Reply(text="Anything else?")]
    actions = reply_actions(replies, Remembered())
    assert [(a["op"], a.get("path") or a.get("text")) for a in actions] == [
        ("post", "Your invoice"), ("file", "/tmp/a.pdf"), ("file", "/tmp/b.xml"),
        ("post", "Anything else?")]


def test_a_reply_offering_too_many_choices_shows_the_first_hundred_with_its_text() -> None:
    choices = [Choice(id=f"pick:{n}", label=f"#{n}") for n in range(2000)]
    [post] = reply_actions([Reply(text="Pick one", choices=choices)], Remembered())
    values = [b["value"] for block in post["blocks"] if block["type"] == "actions"
              for b in block["elements"]]
    assert values == [f"pick:{n}" for n in range(100)]
    assert post["blocks"][0]["text"]["text"] == "Pick one"


def test_a_reply_with_only_choices_still_gets_a_message_to_carry_them() -> None:
    reply = Reply(text="", choices=[Choice(id="a", label="A")])
    actions = reply_actions([reply], Remembered())
    assert len(actions) == 1
    sections = of_type(actions[0]["blocks"], "section")
    assert len(sections) == 1
    assert sections[0]["text"]["text"].strip()
    assert actions[0]["text"].strip()
    assert [b["value"] for b in buttons(actions[0]["blocks"])] == ["a"]


def test_an_empty_reply_with_no_choices_sends_nothing() -> None:
    assert reply_actions([Reply(text="  \n ")], Remembered()) == []


def test_no_text_is_ever_mrkdwn_so_what_people_typed_shows_as_typed() -> None:
    replies = [Reply(text="*bold* <!channel> _x_ " + "y\n" * 2000,
                     choices=[Choice(id=f"c{n}", label=f"*{n}*") for n in range(30)]),
               Reply(text="", choices=[Choice(id="nav:back", label="Back")])]
    objects = every_text_object(reply_actions(replies, Remembered()))
    assert len(objects) > 30
    assert {obj["type"] for obj in objects} == {"plain_text"}
    assert "<!channel>" in section_texts(reply_actions(replies, Remembered()))[0]


# -- a pressed message loses its buttons ---------------------------------------------------
PRESSED = {
    "ts": "1700000000.000100",
    "text": "Which invoice?",
    "blocks": [
        {"type": "section", "text": {"type": "plain_text", "text": "Which invoice?"}},
        {"type": "actions", "block_id": "choices-0", "elements": [
            {"type": "button", "action_id": "sif-0", "value": "special",
             "text": {"type": "plain_text", "text": "Special"}},
            {"type": "button", "action_id": "sif-1", "value": "normal",
             "text": {"type": "plain_text", "text": "Normal"}}]},
        {"type": "section", "text": {"type": "plain_text", "text": "Second part"}},
        {"type": "actions", "block_id": "nav-0", "elements": [
            {"type": "button", "action_id": "sif-2", "value": "nav:back",
             "text": {"type": "plain_text", "text": "Back"}}]},
    ],
}


def test_a_pressed_message_keeps_its_text_loses_its_buttons_and_says_what_was_chosen() -> None:
    update = pressed_update(PRESSED, "D123", "Special", "You chose: Special")
    assert update["op"] == "update"
    assert (update["channel"], update["ts"]) == ("D123", "1700000000.000100")
    assert update["text"] == "Which invoice?"
    assert [block["type"] for block in update["blocks"]] == ["section", "section", "context"]
    assert update["blocks"][:2] == [PRESSED["blocks"][0], PRESSED["blocks"][2]]
    assert update["blocks"][-1]["elements"][0]["text"] == "You chose: Special"
    assert update["blocks"][-1]["elements"][0]["type"] == "plain_text"
    assert len(PRESSED["blocks"]) == 4  # the event's message itself is left alone


def test_a_pressed_message_without_text_falls_back_to_the_label() -> None:
    message = {"ts": "1.2", "blocks": PRESSED["blocks"]}
    assert pressed_update(message, "D1", "Normal", "chose Normal")["text"] == "Normal"


def test_the_pressed_label_is_found_by_action_id_in_any_row() -> None:
    assert pressed_label(PRESSED, "sif-1") == "Normal"
    assert pressed_label(PRESSED, "sif-2") == "Back"


@pytest.mark.parametrize("message", [PRESSED, {}, {"blocks": None}])
def test_an_unknown_action_id_has_no_label(message: dict[str, Any]) -> None:
    assert pressed_label(message, "sif-99") == ""


# -- Slack's markup becomes what the person typed ------------------------------------------
@pytest.mark.parametrize(("slack", "typed"), [
    ("a &lt;b&gt; &amp; c", "a <b> & c"),
    ("&amp;lt;", "&lt;"),
    ("see <https://x.example|the guide>", "see the guide"),
    ("see <https://x.example/?a=1&amp;b=2>", "see https://x.example/?a=1&b=2"),
    ("mail <mailto:a@b.c|a@b.c>", "mail a@b.c"),
    ("mail <mailto:a@b.c>", "mail a@b.c"),
    ("<@UBOT> hello", "hello"),
    ("hello <@UBOT>", "hello"),
    ("hi <@UBOT> there", "hi there"),
    ("in <#C123|general> please", "in #general please"),
    ("ask <@U123> please", "ask @U123 please"),
    ("<!channel> lunch", "@channel lunch"),
    ("<!here> lunch", "@here lunch"),
    ("cc <!subteam^S123|@finance>", "cc @finance"),
    ("  \n spaced out \t ", "spaced out"),
])
def test_slack_markup_becomes_what_the_person_typed(slack: str, typed: str) -> None:
    assert plain_text(slack, "UBOT") == typed


def test_another_bots_mention_is_kept_when_we_are_not_it() -> None:
    assert plain_text("<@UBOT> hi", "UOTHER") == "@UBOT hi"
    assert plain_text("<@UBOT> hi", None) == "@UBOT hi"


@given(st.text(alphabet=st.characters(blacklist_characters="<>&")))
def test_text_without_markup_is_only_stripped(text: str) -> None:
    assert plain_text(text, None) == text.strip()


# -- the environment becomes a SlackConfig -------------------------------------------------
def test_socket_mode_takes_the_bot_and_app_tokens() -> None:
    config = SlackConfig.from_env(False, {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP})
    assert (config.bot_token, config.app_token, config.signing_secret) == (BOT, APP, None)
    assert config.api_base is None
    assert config.file_hosts == SLACK_FILE_HOSTS == ("files.slack.com",)


def test_http_mode_takes_the_signing_secret_and_not_the_app_token() -> None:
    config = SlackConfig.from_env(True, {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP,
                                         "SLACK_SIGNING_SECRET": "s3cret"})
    assert (config.app_token, config.signing_secret) == (None, "s3cret")


@pytest.mark.parametrize(("http", "env", "variable"), [
    (False, {"SLACK_APP_TOKEN": APP}, "SLACK_BOT_TOKEN"),
    (False, {"SLACK_BOT_TOKEN": "  ", "SLACK_APP_TOKEN": APP}, "SLACK_BOT_TOKEN"),
    (False, {"SLACK_BOT_TOKEN": "xoxp-user-token", "SLACK_APP_TOKEN": APP}, "SLACK_BOT_TOKEN"),
    (False, {"SLACK_BOT_TOKEN": BOT}, "SLACK_APP_TOKEN"),
    (False, {"SLACK_BOT_TOKEN": BOT, "SLACK_SIGNING_SECRET": "s"}, "SLACK_APP_TOKEN"),
    (False, {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": "xoxb-not-app"}, "SLACK_APP_TOKEN"),
    (True, {"SLACK_BOT_TOKEN": BOT}, "SLACK_SIGNING_SECRET"),
    (True, {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP}, "SLACK_SIGNING_SECRET"),
    (False, {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP,
             "SLACK_API_BASE": "ftp://127.0.0.1/api/"}, "SLACK_API_BASE"),
    (False, {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP,
             "SLACK_API_BASE": "127.0.0.1:8082/api/"}, "SLACK_API_BASE"),
    (False, {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP,
             "SLACK_API_BASE": "http://"}, "SLACK_API_BASE"),
])
def test_an_unusable_environment_is_refused_naming_the_variable(
    http: bool, env: dict[str, str], variable: str,
) -> None:
    with pytest.raises(SlackConfigError, match=variable):
        SlackConfig.from_env(http, env)


@pytest.mark.parametrize(("base", "kept", "host"), [
    ("http://127.0.0.1:8082/api", "http://127.0.0.1:8082/api/", "127.0.0.1"),
    ("http://127.0.0.1:8082/api/", "http://127.0.0.1:8082/api/", "127.0.0.1"),
    ("https://fake.example", "https://fake.example/", "fake.example"),
])
def test_an_api_base_gets_a_trailing_slash_and_is_the_only_file_host(
    base: str, kept: str, host: str,
) -> None:
    config = SlackConfig.from_env(False, {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP,
                                          "SLACK_API_BASE": base})
    assert config.api_base == kept
    assert config.file_hosts == (host,)
    assert "files.slack.com" not in config.file_hosts


def test_an_api_base_without_a_host_is_refused() -> None:
    with pytest.raises(SlackConfigError, match="SLACK_API_BASE"):
        SlackConfig.from_env(False, {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP,
                                     "SLACK_API_BASE": "http://:8082/api/"})


@pytest.mark.parametrize(("person_or_channel", "chat"), [
    ("U0123ABCD", "U0123ABCD"), ("W0123ABCD", "W0123ABCD"), ("C0SUPPORT", "C0SUPPORT"),
    ("D0DIRECT1", "D0DIRECT1"), ("12345", None), ("u0123abcd", None), ("U0123 ABCD", None),
    ("", None),
])
def test_a_notice_goes_to_a_slack_id_and_nothing_else(person_or_channel: str,
                                                      chat: str | None) -> None:
    assert _chat_of(person_or_channel) == chat


# -- a person's language -------------------------------------------------------------------
@pytest.mark.parametrize(("locale", "lang"), [
    ("en-US", "en"), ("en-GB", "en"), ("zh-CN", "zh"), ("zh-TW", "zh"), ("ja-JP", "zh"),
])
async def test_the_language_follows_the_slack_locale(locale: str, lang: str) -> None:
    client = FakeUsers(person(locale))
    assert await People(client, Clock()).lang("U1") == lang  # type: ignore[arg-type]
    assert client.calls == [("U1", True)]


async def test_a_person_without_a_locale_is_spoken_to_in_chinese() -> None:
    client = FakeUsers({"ok": True, "user": {"id": "U1"}})
    assert await People(client, Clock()).lang("U1") == "zh"  # type: ignore[arg-type]


async def test_a_language_is_looked_up_once_until_keep_seconds_pass() -> None:
    client, clock = FakeUsers(person("en-US"), person("zh-CN")), Clock()
    people = People(client, clock)  # type: ignore[arg-type]
    assert await people.lang("U1") == "en"
    clock.now += KEEP - 1
    assert await people.lang("U1") == "en"
    assert len(client.calls) == 1
    clock.now += 1
    assert await people.lang("U1") == "zh"
    assert len(client.calls) == 2


async def test_each_person_is_looked_up_on_their_own() -> None:
    client = FakeUsers(person("en-US"), person("zh-CN"))
    people = People(client, Clock())  # type: ignore[arg-type]
    assert (await people.lang("U1"), await people.lang("U2")) == ("en", "zh")
    assert [user for user, _ in client.calls] == ["U1", "U2"]


async def test_a_failed_lookup_means_chinese_and_is_tried_again_after_retry_seconds() -> None:
    client, clock = FakeUsers(refused(), person("en-US")), Clock()
    people = People(client, clock)  # type: ignore[arg-type]
    assert await people.lang("U1") == "zh"
    clock.now += RETRY - 1
    assert await people.lang("U1") == "zh"
    assert len(client.calls) == 1
    clock.now += 1
    assert await people.lang("U1") == "en"
    assert len(client.calls) == 2


async def test_a_failed_lookup_keeps_the_language_known_before() -> None:
    client, clock = FakeUsers(person("en-US"), refused("ratelimited"), person("en-US")), Clock()
    people = People(client, clock)  # type: ignore[arg-type]
    assert await people.lang("U1") == "en"
    clock.now += KEEP
    assert await people.lang("U1") == "en"
    assert len(client.calls) == 2
    clock.now += RETRY - 1
    assert await people.lang("U1") == "en"
    assert len(client.calls) == 2
    clock.now += 1
    assert await people.lang("U1") == "en"
    assert len(client.calls) == 3


async def test_a_dropped_connection_is_a_failed_lookup_too() -> None:
    client = FakeUsers(aiohttp.ServerDisconnectedError())
    assert await People(client, Clock()).lang("U1") == "zh"  # type: ignore[arg-type]
