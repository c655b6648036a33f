"""The benchmark scorers, on inputs small enough to score by hand."""

from __future__ import annotations

import pytest

from newsgraph.evaluation import metrics


def test_shingles_identical_text_is_perfect() -> None:
    counts = metrics.shingle_counts("one two three four five", "one two three four five")
    assert (counts.tp, counts.fp, counts.fn, counts.exact) == (1.0, 0.0, 0.0, True)


def test_shingles_are_case_sensitive_and_ignore_punctuation() -> None:
    same = metrics.shingle_counts("Mali, Niger; Burkina Faso.", "Mali Niger Burkina Faso")
    assert same.exact and same.tp == 1.0
    cased = metrics.shingle_counts("Mali Niger Burkina Faso", "mali niger burkina faso")
    assert cased.tp == 0.0 and not cased.exact


def test_shingle_counts_are_normalised_per_page() -> None:
    # gold: 2 shingles; prediction: 1 of them plus 1 wrong => tp 1, fp 1, fn 1, normalised to thirds
    counts = metrics.shingle_counts("a b c d e", "a b c d x")
    assert counts.tp == pytest.approx(1 / 3) and counts.fp == pytest.approx(1 / 3)
    assert counts.fn == pytest.approx(1 / 3)


def test_empty_prediction_costs_recall_not_precision() -> None:
    perfect = metrics.shingle_counts("a b c d e", "a b c d e")
    empty = metrics.shingle_counts("a b c d e", "")
    score = metrics.shingle_score([perfect, empty])
    assert score.precision == 1.0
    assert score.recall == 0.5
    assert score.f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5)


def test_snippets_micro_average() -> None:
    total = metrics.SnippetCounts()
    total.add(metrics.snippet_counts("Body  text here.\nMore", ["Body text", "More"], ["Menu"]))
    total.add(metrics.snippet_counts("Menu and body", ["missing"], ["Menu"]))
    assert (total.tp, total.fp, total.tn, total.fn) == (2, 1, 1, 1)
    score = metrics.snippet_score(total)
    assert score.precision == pytest.approx(2 / 3)
    assert score.f1 == pytest.approx(4 / 6)


def test_snippets_of_no_output() -> None:
    counts = metrics.snippet_counts(None, ["a", "b"], ["c"])
    assert (counts.tp, counts.fp, counts.tn, counts.fn) == (0, 0, 1, 2)


def test_bag_of_words_is_lowercased_and_unordered() -> None:
    assert metrics.bag_of_words("Russia and Mali", "mali AND russia") == (1.0, 1.0, 1.0)
    p, r, f = metrics.bag_of_words("a b c d", "a b")
    assert (p, r) == (1.0, 0.5) and f == pytest.approx(2 / 3)
    assert metrics.bag_of_words(None, "") == (1.0, 1.0, 1.0)
    assert metrics.bag_of_words(None, "x") == (0.0, 0.0, 0.0)


def test_cleaneval_tokens_keep_paragraph_marks() -> None:
    tokens = metrics.cleaneval_tokens("<p>Hello world.</p>\n<p>Again</p>")
    assert "<p>" in tokens and "world.</p>" in tokens


def test_cleaneval_alignment() -> None:
    gold = "<p>The minister spoke on Thursday.</p>"
    assert metrics.cleaneval_prf(gold, gold)[2] == 1.0
    p, r, _ = metrics.cleaneval_prf(gold, "<p>Menu</p>\n<p>The minister spoke on Thursday.</p>")
    assert r == 1.0 and p < 1.0


def test_date_counts() -> None:
    counts = metrics.DateCounts()
    counts.add("2024-01-02", "2024-01-02")
    counts.add("2024-01-02", "2024-01-03")
    counts.add("2024-01-02", None)
    counts.add(float("nan"), "2024-01-01")
    assert (counts.tp, counts.fp, counts.fn) == (1, 2, 1)
    score = counts.score()
    assert score.precision == pytest.approx(1 / 3)
    assert score.accuracy == pytest.approx(1 / 4)
