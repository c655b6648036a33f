"""Who published an article: the outlet table and the lookups against it.

An outlet can be named by a URL host (``tass.com``), a credit line ("Read Full Article at
RT.com"), a dateline tag ("/TASS/", "(Reuters)") or page metadata (``og:site_name``). All of them
resolve through one table of outlets, shipped as YAML and extended by the user's own files.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..errors import ConfigError


@dataclass(slots=True, frozen=True)
class Outlet:
    name: str
    hosts: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    country: str | None = None
    ownership: str | None = None
    kind: str | None = None
    languages: tuple[str, ...] = ()

    @property
    def is_aggregator(self) -> bool:
        return self.kind == "aggregator"


def _key(name: str) -> str:
    """Normalise a name for lookups: case, accents, punctuation and a leading "the" do not count."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() or name
    text = re.sub(r"[^\w]+", " ", text.casefold()).strip()
    return re.sub(r"^the ", "", text)


def normalise_host(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    if "://" in host:
        try:
            host = urlsplit(host).hostname or ""
        except ValueError:  # a malformed URL (say an unclosed IPv6 bracket) names no host we know
            return ""
    host = host.split("/", 1)[0].split(":", 1)[0]
    return host.removeprefix("www.").removeprefix("m.").removeprefix("amp.")


@dataclass(slots=True)
class OutletTable:
    outlets: dict[str, Outlet] = field(default_factory=dict)
    _by_host: dict[str, Outlet] = field(default_factory=dict)
    _by_name: dict[str, Outlet] = field(default_factory=dict)

    def add(self, outlet: Outlet) -> None:
        """Add ``outlet``, replacing any entry of the same name (user files override ours)."""
        self.outlets[outlet.name] = outlet
        for host in outlet.hosts:
            self._by_host[normalise_host(host)] = outlet
        for name in (outlet.name, *outlet.aliases):
            self._by_name[_key(name)] = outlet

    def by_host(self, host_or_url: str | None) -> Outlet | None:
        """The outlet owning ``host_or_url`` or a parent domain of it."""
        if not host_or_url:
            return None
        host = normalise_host(host_or_url)
        parts = host.split(".")
        for i in range(len(parts) - 1):
            found = self._by_host.get(".".join(parts[i:]))
            if found:
                return found
        return None

    def by_name(self, name: str | None) -> Outlet | None:
        """The outlet called ``name`` (or one of its aliases, or a host written as a name)."""
        if not name:
            return None
        found = self._by_name.get(_key(name))
        if found:
            return found
        if re.fullmatch(r"[\w.-]+\.[a-z]{2,}", name.strip().lower()):
            return self.by_host(name)
        return None

    def resolve(self, name_or_host: str | None) -> Outlet | None:
        return self.by_name(name_or_host) or self.by_host(name_or_host)


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in re.split(r"[;|]", value) if v.strip())
    if isinstance(value, Iterable):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return (str(value),)


def _outlet_from_mapping(entry: Any, where: str) -> Outlet:
    if not isinstance(entry, dict) or not entry.get("name"):
        raise ConfigError(f"outlet entry without a name in {where}: {entry!r}"[:200])
    return Outlet(
        name=str(entry["name"]).strip(),
        hosts=tuple(normalise_host(h) for h in _as_tuple(entry.get("hosts"))),
        aliases=_as_tuple(entry.get("aliases")),
        country=(str(entry["country"]).upper() if entry.get("country") else None),
        ownership=entry.get("ownership") or None,
        kind=entry.get("kind") or None,
        languages=_as_tuple(entry.get("languages")),
    )


def read_outlet_file(path: Path) -> list[Outlet]:
    """Read a user outlet table: YAML (``outlets:`` list) or CSV with a header row.

    In CSV, list fields (hosts, aliases, languages) are separated by ``;`` or ``|``.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read outlet file {path}: {exc}") from exc
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
        return [_outlet_from_mapping(row, str(path)) for row in rows]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"outlet file {path} is not valid YAML: {exc}".splitlines()[0]) from exc
    entries = data.get("outlets") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ConfigError(f"outlet file {path} has no list of outlets")
    return [_outlet_from_mapping(entry, str(path)) for entry in entries]


@functools.cache
def _shipped() -> tuple[Outlet, ...]:
    text = resources.files("newsgraph.data").joinpath("outlets.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return tuple(_outlet_from_mapping(e, "shipped outlets.yaml") for e in data["outlets"])


def load_outlets(extra_files: Iterable[Path] = ()) -> OutletTable:
    """The shipped outlet table, extended and overridden by ``extra_files`` in order."""
    table = OutletTable()
    for outlet in _shipped():
        table.add(outlet)
    for path in extra_files:
        for outlet in read_outlet_file(Path(path)):
            table.add(outlet)
    return table
