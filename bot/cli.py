"""The `sifbot` command: parses arguments and hands off to one command module each."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from core.errors import SifError
from core.privacy import install_log_masking

logger = logging.getLogger(__name__)

# Each module exposes `add_parser(subparsers, common)`; the parser it adds sets `func(args) -> int`.
COMMAND_MODULES = (
    "bot.commands.chat",
    "bot.commands.kb",
    "bot.commands.invoices",
    "bot.commands.tickets",
    "bot.commands.sla",
    "bot.commands.run",
)


class UsageError(Exception):
    """A mistake in how the command was called: exit code 2, one line on stderr."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def common_options() -> argparse.ArgumentParser:
    """Options every sub-command takes (interfaces.md)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="SQLite file (default: $SIFBOT_DB or ./sifbot.db)")
    common.add_argument("--kb", help="knowledge-base folder (default: the one shipped)")
    common.add_argument("--lang", choices=("zh", "en"), default="zh")
    common.add_argument("--config", help="TOML settings (default: $SIFBOT_CONFIG or ./sifbot.toml)")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sifbot", description="Sif Helpdesk bot")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    common = common_options()
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a command group not built yet
        module.add_parser(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    install_log_masking()
    try:
        args = build_parser().parse_args(argv)
        code: int = args.func(args)
        return code
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except SifError as exc:
        print(exc.message("en" if _lang(argv) == "en" else "zh"), file=sys.stderr)
        return 2 if exc.user_error else 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _lang(argv: Sequence[str] | None) -> str:
    args = list(sys.argv[1:] if argv is None else argv)
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return "zh"


if __name__ == "__main__":
    sys.exit(main())
