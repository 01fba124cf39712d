"""`sifbot run telegram [--webhook-url URL --port N --secret S]` and
`sifbot run slack [--http --port N [--host H]]`."""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys

from bot.bootstrap import build
from bot.cli import UsageError

logger = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("run", help="start a chat platform front end")
    platforms = parser.add_subparsers(dest="platform", required=True)
    telegram = platforms.add_parser(
        "telegram", parents=[common], help="Telegram (long polling, or a webhook)")
    telegram.add_argument("--webhook-url", help="public HTTPS URL Telegram posts updates to")
    telegram.add_argument("--port", type=int, help="port the webhook listens on")
    telegram.add_argument("--host", default="127.0.0.1", help="address the webhook listens on")
    telegram.add_argument("--secret", help="webhook secret token (default: "
                          "$TELEGRAM_WEBHOOK_SECRET, else a random one each start)")
    telegram.add_argument("--poll-timeout", type=int, default=25, help=argparse.SUPPRESS)
    telegram.set_defaults(func=run_telegram)
    slack = platforms.add_parser(
        "slack", parents=[common], help="Slack (Socket Mode, or HTTP with --http)")
    slack.add_argument("--http", action="store_true",
                       help="serve Bolt's HTTP mode on /slack/events instead of Socket Mode")
    slack.add_argument("--port", type=int, help="port HTTP mode listens on")
    slack.add_argument("--host", default="127.0.0.1", help="address HTTP mode listens on")
    slack.set_defaults(func=run_slack)


def run_telegram(args: argparse.Namespace) -> int:
    from bot.telegram.app import TelegramConfig, TelegramConfigError, assemble
    from bot.telegram.runner import StartFailed, WebhookOptions, run_blocking

    if (args.port is not None or args.secret) and not args.webhook_url:
        raise UsageError("sifbot run telegram: --port and --secret need --webhook-url")
    if args.webhook_url and args.port is None:
        raise UsageError("sifbot run telegram: --webhook-url needs --port")
    try:
        config = TelegramConfig.from_env(poll_timeout=max(0, args.poll_timeout))
    except TelegramConfigError as error:
        raise UsageError(f"sifbot run telegram: {error}") from error
    webhook = None
    if args.webhook_url:
        secret = args.secret or os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise UsageError("sifbot run telegram: --secret may hold only A-Z a-z 0-9 _ - "
                             "(1 to 256 characters)")
        webhook = WebhookOptions(url=args.webhook_url, port=args.port, secret=secret,
                                 host=args.host)
    logging.getLogger("bot").setLevel(logging.INFO)
    services, engine = build(args.config, args.db, args.kb)
    try:
        run_blocking(assemble(services, engine, config), webhook)
    except StartFailed as error:
        print(f"sifbot run telegram: {error}", file=sys.stderr)
        return 1
    return 0


def run_slack(args: argparse.Namespace) -> int:
    from bot.slack.app import SlackConfig, SlackConfigError, assemble
    from bot.slack.runner import HttpOptions, StartFailed, run_blocking

    if args.port is not None and not args.http:
        raise UsageError("sifbot run slack: --port needs --http (Socket Mode listens nowhere)")
    if args.http and args.port is None:
        raise UsageError("sifbot run slack: --http needs --port")
    if args.port is not None and not 0 <= args.port <= 65535:
        raise UsageError("sifbot run slack: --port must be 0 to 65535")
    try:
        config = SlackConfig.from_env(http=args.http)
    except SlackConfigError as error:
        raise UsageError(f"sifbot run slack: {error}") from error
    logging.getLogger("bot").setLevel(logging.INFO)
    services, engine = build(args.config, args.db, args.kb)
    http = HttpOptions(port=args.port, host=args.host) if args.http else None
    try:
        run_blocking(assemble(services, engine, config), http)
    except StartFailed as error:
        print(f"sifbot run slack: {error}", file=sys.stderr)
        return 1
    return 0
