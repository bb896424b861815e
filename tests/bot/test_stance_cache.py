"""`bot.stance.data.rows_by_text`: each text computed once, rows in the order asked, the file reused."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.stance.data import in_claim_set, rows_by_text


def test_rows_come_in_the_order_asked_and_the_file_is_read_back_instead_of_computing(tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def compute(unique: list[str]) -> np.ndarray:
        calls.append(unique)
        return np.array([[len(t), ord(t[0])] for t in unique], dtype=np.float32)

    def rows(texts: list[str], tag: str = "t") -> np.ndarray:
        return rows_by_text(texts, tag, lambda key: tmp_path / f"{key}.npy", compute, np.load, np.save)

    first = rows(["beras", "naik", "beras"])
    assert calls == [["beras", "naik"]]  # sorted, each once
    assert first.tolist() == [[5, ord("b")], [4, ord("n")], [5, ord("b")]]
    again = rows(["naik", "beras"])  # the same texts in another order: the file, not `compute`
    assert len(calls) == 1 and again.tolist() == [[4, ord("n")], [5, ord("b")]]
    assert len(list(tmp_path.glob("*.npy"))) == 1
    rows(["naik", "beras"], tag="another model")  # another tag is another file
    assert len(calls) == 2 and len(list(tmp_path.glob("*.npy"))) == 2


def test_in_claim_set_marks_the_pairs_whose_id_is_a_claim(tmp_path: Path) -> None:
    pairs, claims = tmp_path / "pairs.jsonl", tmp_path / "claims.jsonl"
    pairs.write_text('{"id": "a"}\n\n{"id": "b"}\n{"id": "c"}\n', encoding="utf-8")
    claims.write_text('{"id": "c", "claim": "x"}\n{"id": "z", "claim": "y"}\n', encoding="utf-8")
    assert in_claim_set(pairs, claims).tolist() == [False, False, True]
