#!/usr/bin/env python3
"""Rebuild the derived files of the newsgraph demo corpus from their readable sources.

Most of the demo corpus (src/newsgraph/demo/corpus/) is written by hand and kept as is. A few
files cannot be read or edited comfortably in their shipped form, so they are generated here from
sources under src/newsgraph/demo/sources/ (which is never ingested):

* a windows-1252 HTML page (the source is UTF-8 with the same ``<meta charset>``);
* two text dumps damaged the way real dumps are: UTF-8 read as cp1252 ("â€™") and UTF-8 read as
  GBK ("鈥檚"), each then saved as UTF-8;
* gzip-compressed copies of a text dump and an HTML page;
* a WARC crawl (2 Horizon Monde pages, 1 Northwire page, 1 stylesheet);
* the JSONL export of a fictional media-monitoring tool, with non-default field names.

The output is deterministic: gzip headers carry mtime 0 and no file name, WARC record ids and
dates are fixed. Running the script twice gives byte-identical files.

    python scripts/build_demo.py           # (re)write the derived files
    python scripts/build_demo.py --check   # exit 1 if any derived file is missing or stale
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "src" / "newsgraph" / "demo"
SOURCES = DEMO / "sources"
CORPUS = DEMO / "corpus"

# One namespace for every generated WARC record id, so ids are stable across runs.
_WARC_NS = uuid.UUID("5d1a1c55-2d0e-4a8e-9c61-6e6577736772")
_CRAWL_SOFTWARE = "sahelcrawl/0.9 (newsgraph demo)"


def _read(relative: str) -> str:
    return (SOURCES / relative).read_text(encoding="utf-8")


def _gzip(data: bytes) -> bytes:
    """gzip with a fixed header (mtime 0, no file name), so the bytes never change."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return buffer.getvalue()


# --- single derived files ------------------------------------------------------------------------


def courrier_windows_1252() -> bytes:
    """A Malian page really encoded in windows-1252, as its <meta charset> says."""
    return _read("html/courrier-djoliba_livraison-helicopteres.html").encode("cp1252")


def courrier_mojibake_cp1252() -> bytes:
    """UTF-8 bytes decoded as cp1252 by some tool, then saved as UTF-8 ("Ã©", "â€™")."""
    text = _read("text/courrier-djoliba_embuscade-anefis.txt")
    return text.encode("utf-8").decode("cp1252").encode("utf-8")


def ledger_mojibake_gbk() -> bytes:
    """UTF-8 bytes decoded as GBK (lossy where a byte pair is invalid), then saved as UTF-8."""
    text = _read("text/continental-ledger_burkina-moscow.txt")
    return text.encode("utf-8").decode("gbk", errors="replace").encode("utf-8")


def veilleur_text_gz() -> bytes:
    return _gzip(_read("text/veilleur-niamey_oleoduc-dosso.txt").encode("utf-8"))


def veilleur_html_gz() -> bytes:
    return _gzip(_read("html/veilleur-niamey_anniversaire-cnsp.html").encode("utf-8"))


# --- WARC ----------------------------------------------------------------------------------------

# (target URI, source file, content type, fetch time): fetched in October 2025, months after
# the pages were published, as crawls usually are.
_WARC_RESPONSES = [
    (
        "https://www.horizonmonde.example/afrique/20250525-mali-convoi-armee-allies-russes-embuscade-anefis",
        "warc/horizon-monde_mali-embuscade-anefis.html",
        "text/html; charset=utf-8",
        "2025-10-20T03:12:45Z",
    ),
    (
        "https://www.horizonmonde.example/static/css/main.css",
        "warc/horizon-monde_main.css",
        "text/css; charset=utf-8",
        "2025-10-20T03:12:46Z",
    ),
    (
        "https://www.horizonmonde.example/afrique/20250624-sanctions-europeennes-africa-corps-bamako-denonce-decision-illegale",
        "warc/horizon-monde_ue-sanctions-africa-corps.html",
        "text/html; charset=utf-8",
        "2025-10-20T03:13:02Z",
    ),
    (
        "https://www.northwire.example/world/africa/niger-junta-signs-uranium-pact-with-russia-2025-04-22/",
        "warc/northwire_niger-uranium.html",
        "text/html; charset=utf-8",
        "2025-10-20T03:15:31Z",
    ),
]
_HTTP_DATES = {
    "2025-10-20T03:12:45Z": "Mon, 20 Oct 2025 03:12:45 GMT",
    "2025-10-20T03:12:46Z": "Mon, 20 Oct 2025 03:12:46 GMT",
    "2025-10-20T03:13:02Z": "Mon, 20 Oct 2025 03:13:02 GMT",
    "2025-10-20T03:15:31Z": "Mon, 20 Oct 2025 03:15:31 GMT",
}


def _record_id(*parts: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(_WARC_NS, '|'.join(parts))}>"


def crawl_warc() -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    info = (
        "software: " + _CRAWL_SOFTWARE + "\r\n"
        "format: WARC File Format 1.0\r\n"
        "description: Demo crawl of fictional Sahel news sites for newsgraph\r\n"
        "isPartOf: newsgraph-demo\r\n"
    ).encode("utf-8")
    writer.write_record(
        writer.create_warc_record(
            "",
            "warcinfo",
            payload=io.BytesIO(info),
            length=len(info),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Record-ID": _record_id("warcinfo"),
                "WARC-Date": "2025-10-20T03:12:40Z",
                "WARC-Filename": "crawl-20251020.warc.gz",
            },
        )
    )
    for uri, source, content_type, fetched in _WARC_RESPONSES:
        body = (SOURCES / source).read_bytes()
        http_date = _HTTP_DATES[fetched]
        host = uri.split("/")[2]
        path = "/" + uri.split("/", 3)[3]
        request = (
            f"GET {path} HTTP/1.1\r\n"
            f"Host: {host}\r\n"
            f"User-Agent: Mozilla/5.0 (compatible; {_CRAWL_SOFTWARE})\r\n"
            "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n"
            "Accept-Language: fr,en;q=0.8\r\n\r\n"
        ).encode("ascii")
        response_id = _record_id("response", uri)
        writer.write_record(
            writer.create_warc_record(
                uri,
                "request",
                payload=io.BytesIO(request),
                length=len(request),
                warc_headers_dict={
                    "WARC-Record-ID": _record_id("request", uri),
                    "WARC-Date": fetched,
                    "WARC-Concurrent-To": response_id,
                },
            )
        )
        http_headers = StatusAndHeaders(
            "200 OK",
            [
                ("Date", http_date),
                ("Server", "nginx"),
                ("Content-Type", content_type),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "max-age=300"),
                ("Connection", "close"),
            ],
            protocol="HTTP/1.1",
        )
        writer.write_record(
            writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http_headers,
                warc_headers_dict={
                    "WARC-Record-ID": response_id,
                    "WARC-Date": fetched,
                    "WARC-IP-Address": "192.0.2.17",
                },
            )
        )
    return buffer.getvalue()


# --- JSONL ---------------------------------------------------------------------------------------

# The export of a fictional media-monitoring tool. Its field names are not newsgraph's own
# (headline, body, published_at, source_name, link, lang, byline), but all are among the names
# newsgraph's default JSONL mapping tries. Record 3 carries the raw page in an `html` field;
# record 1 is a syndicated copy of item 1 of feeds/severpress-africa.rss, word for word.
_JSONL_RECORDS: list[dict[str, object]] = [
    {
        "id": "mm-2025-041187",
        "headline": "Niger and Russia sign uranium exploration memorandum",
        "body": "jsonl/1_severpress_niger-uranium.txt",
        "published_at": "2025-04-22T14:10:00Z",
        "source_name": "SPA",
        "link": "https://severpress.example/africa/20250422/niger-russia-uranium-memorandum-1081377.html",
        "lang": "en",
        "monitor": {"topic": "russia-sahel", "matched": ["Rosatom", "uranium", "Niger"]},
    },
    {
        "id": "mm-2025-041302",
        "headline": "Niger bets on Russia for its uranium future, but questions remain",
        "body": "jsonl/2_continental-ledger_niger-uranium.txt",
        "published_at": "2025-04-23T06:00:00+03:00",
        "source_name": "The Continental Ledger",
        "link": "https://continentalledger.example/economy/2025/04/23/niger-russia-uranium-questions",
        "lang": "en",
        "byline": "Wanjiru Kamau",
        "monitor": {"topic": "russia-sahel", "matched": ["Rosatom", "Arlit"]},
    },
    {
        "id": "mm-2025-101544",
        "headline": "Niger : Niamey accuse le Bénin après une explosion sur l’oléoduc d’exportation",
        "html": "jsonl/3_horizon-monde_niger-oleoduc.html",
        "published_at": "2025-10-12T09:20:00Z",
        "source_name": "Horizon Monde",
        "link": "https://www.horizonmonde.example/afrique/20251012-niger-niamey-accuse-benin-explosion-oleoduc",
        "lang": "fr",
        "monitor": {"topic": "niger-benin", "matched": ["oléoduc", "Bénin"]},
    },
    {
        "id": "mm-2025-072610",
        "headline": "Thousands rally in Niger to back junta on coup anniversary, some wave Russian flags",
        "body": "jsonl/4_northwire_niger-anniversary-rally.txt",
        "published_at": 1753554600,  # epoch seconds: 2025-07-26T18:30:00Z
        "source_name": "Northwire News",
        "link": "https://www.northwire.example/world/africa/niger-junta-supporters-rally-coup-anniversary-2025-07-26/",
        "lang": "en",
        "byline": "Northwire staff",
        "monitor": {"topic": "russia-sahel", "matched": ["Russian flags", "Tiani"]},
    },
]


def monitor_jsonl() -> bytes:
    lines = []
    for template in _JSONL_RECORDS:
        record = dict(template)
        for field in ("body", "html"):
            if field in record:
                record[field] = _read(str(record[field])).strip()
        lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _check_syndicated_copy() -> None:
    """Record 1 of the JSONL must stay a word-for-word copy of item 1 of the SPA feed."""
    feed = (CORPUS / "feeds" / "severpress-africa.rss").read_text(encoding="utf-8")
    item = re.search(r"<content:encoded><!\[CDATA\[(.*?)\]\]>", feed, re.S)
    assert item, "feeds/severpress-africa.rss has no content:encoded"
    feed_paragraphs = re.findall(r"<p>(.*?)</p>", item.group(1), re.S)
    body = _read("jsonl/1_severpress_niger-uranium.txt").strip()
    if feed_paragraphs != body.split("\n\n"):
        raise SystemExit(
            "sources/jsonl/1_severpress_niger-uranium.txt no longer matches item 1 of "
            "corpus/feeds/severpress-africa.rss: keep the syndicated copy identical"
        )


# --- driver --------------------------------------------------------------------------------------

TARGETS: dict[str, Callable[[], bytes]] = {
    "html/courrier-djoliba/defense-helicopteres-blindes-russes.html": courrier_windows_1252,
    "html/veilleur-niamey/26-juillet-anniversaire-cnsp.html.gz": veilleur_html_gz,
    "text/courrier-djoliba/attaque-anefis-fama.txt": courrier_mojibake_cp1252,
    "text/continental-ledger/burkina-moscow-grain-scholarships.txt": ledger_mojibake_gbk,
    "text/veilleur-niamey/oleoduc-niger-benin-dosso.txt.gz": veilleur_text_gz,
    "warc/crawl-20251020.warc.gz": crawl_warc,
    "jsonl/media-monitor-export.jsonl": monitor_jsonl,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only report derived files that are missing or stale"
    )
    args = parser.parse_args(argv)
    _check_syndicated_copy()
    stale = []
    for relative, build in TARGETS.items():
        path = CORPUS / relative
        data = build()
        current = path.read_bytes() if path.exists() else None
        if current == data:
            continue
        stale.append(relative)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    verb = "stale or missing" if args.check else "written"
    for relative in stale:
        print(f"{verb}: {relative}")
    if not stale:
        print(f"all {len(TARGETS)} derived files are up to date")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
