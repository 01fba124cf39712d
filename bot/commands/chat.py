"""`sifbot chat [--jsonl] [--user ID] [--role ROLE]`."""

from __future__ import annotations

import argparse
import sys

from bot.bootstrap import build
from bot.console import Speaker, run_interactive, run_jsonl
from core.settings import ROLES


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("chat", parents=[common], help="talk to the bot here")
    parser.add_argument("--jsonl", action="store_true", help="one JSON object a line in and out")
    parser.add_argument("--user", default="local")
    parser.add_argument("--role", choices=ROLES, default=None,
                        help="default: the user's role in [roles], else customer")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    services, engine = build(args.config, args.db, args.kb)
    roles = services.settings.roles
    speaker = Speaker(args.user, "customer", args.lang, roles)
    speaker.role = args.role or roles.get(speaker.key) or "customer"
    # A byte that is not UTF-8 (a GBK terminal) reaches the engine as a lone surrogate, which it
    # refuses with a message, instead of ending the chat with a UnicodeDecodeError.
    sys.stdin.reconfigure(errors="surrogateescape")  # type: ignore[union-attr]
    if args.jsonl:
        sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
        return run_jsonl(engine, speaker, sys.stdin, sys.stdout)
    return run_interactive(engine, speaker, sys.stdin, sys.stdout)
