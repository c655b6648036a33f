"""Docs are tested: every command, option and export field is documented."""

from __future__ import annotations

import re
from pathlib import Path

import click
import typer.main

from newsgraph.cli import app
from newsgraph.export import (
    ACTOR_FIELDS,
    ARTICLE_EXTRA_FIELDS,
    ARTICLE_FIELDS,
    EVENT_FIELDS,
    EXPORT_FILES,
    MENTION_EXTRA_FIELDS,
    MENTION_FIELDS,
    QUOTE_EXTRA_FIELDS,
    QUOTE_FIELDS,
    STORY_EXTRA_FIELDS,
    STORY_FIELDS,
)

ROOT = Path(__file__).resolve().parent.parent
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
EXPORT_DOC = (ROOT / "docs" / "export-format.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        if isinstance(command, click.Group):
            found.extend(_commands(command, f"{full} "))
        else:
            found.append((full, command))
    return found


COMMANDS = _commands(typer.main.get_group(app))


def test_every_command_has_a_section() -> None:
    assert COMMANDS
    for name, _ in COMMANDS:
        assert re.search(rf"^## `newsgraph {re.escape(name)}\b", CLI_DOC, re.M), name


def test_every_option_is_documented_in_its_commands_section() -> None:
    for name, command in COMMANDS:
        section = CLI_DOC.split(f"## `newsgraph {name}", 1)[1].split("\n## ", 1)[0]
        for param in command.params:
            if isinstance(param, click.Option):
                assert any(f"`{opt}" in section for opt in param.opts), f"{name}: {param.opts}"


def test_every_export_file_and_article_field_is_documented() -> None:
    for name in EXPORT_FILES:
        assert f"`{name}.jsonl`" in EXPORT_DOC
    for field in (*ARTICLE_FIELDS, *ARTICLE_EXTRA_FIELDS):
        assert f"| `{field}` |" in EXPORT_DOC, field
    for heading, fields in (
        ("actors.jsonl", ACTOR_FIELDS),
        ("mentions.jsonl", (*MENTION_FIELDS, *MENTION_EXTRA_FIELDS)),
        ("events.jsonl", EVENT_FIELDS),
        ("quotes.jsonl", (*QUOTE_FIELDS, *QUOTE_EXTRA_FIELDS)),
        ("stories.jsonl", (*STORY_FIELDS, *STORY_EXTRA_FIELDS)),
    ):
        section = EXPORT_DOC.split(f"## `{heading}`", 1)[1].split("\n## ", 1)[0]
        for field in fields:
            assert f"| `{field}` |" in section, (heading, field)


def test_readme_states_exactly_the_two_setup_commands_and_ci_runs_the_test_one() -> None:
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", setup, re.S)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
