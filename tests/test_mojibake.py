"""Encoding repair: ftfy's cases and UTF-8 read as a double-byte code page."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsgraph.clean.mojibake import repair_mojibake

PUNCT_CANDIDATES = set("”’—–…“‘•")


def gbk_damage(text: str) -> str:
    return text.encode("utf-8").decode("gbk", errors="replace")


def test_western_mojibake_is_fixed_by_ftfy() -> None:
    repaired = repair_mojibake("The minister\u00e2\u20ac\u2122s visit to Bamako caf\u00c3\u00a9")
    assert repaired.text == "The minister’s visit to Bamako café"
    assert repaired.repairs


def test_gbk_mojibake_with_lost_bytes_is_restored_from_context() -> None:
    original = "Lavrov said Russia would help “strengthen the three countries’ combat capability” and more."
    damaged = gbk_damage(original)
    assert "\ufffd" in damaged  # the closing quote before a space lost its last byte
    repaired = repair_mojibake(damaged)
    assert repaired.text == original
    assert any("gbk" in note for note in repaired.repairs)


def test_spaced_dash_and_quote_after_comma() -> None:
    original = "“We consider it a terrorist state,” the minister said — twice."
    assert repair_mojibake(gbk_damage(original)).text == original


def test_genuine_chinese_text_is_left_alone() -> None:
    text = "中国外交部发言人表示，双方将加强合作。这是一个测试。"
    assert repair_mojibake(text).text == text


def test_clean_text_is_unchanged() -> None:
    text = "Niger’s transitional leader, Abdourahamane Tchiani, met the delegation — in Niamey."
    repaired = repair_mojibake(text)
    assert repaired.text == text and repaired.repairs == ()


words = st.sampled_from(
    ["Mali", "Niger", "the", "junta", "said", "Moscow", "state", "troops", "café", "2024"]
)
marks = st.sampled_from(["“", "”", "’", "‘", " — ", ",", ".", " "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(words, marks), min_size=3, max_size=40))
def test_gbk_damage_round_trip(parts: list[str]) -> None:
    original = " ".join(parts)
    repaired = repair_mojibake(gbk_damage(original)).text
    # every character comes back; where a byte was lost, a punctuation mark of the same family
    assert len(repaired) == len(original)
    for got, want in zip(repaired, original, strict=True):
        assert got == want or (got in PUNCT_CANDIDATES and want in PUNCT_CANDIDATES), (
            original,
            repaired,
        )
