"""IndoNLI pairs for training and evaluation, and a disk cache of their embeddings.

IndoNLI (Mahendra et al., EMNLP 2021; CC BY-SA 4.0) is read from `../shared/data/` beside the
repository, never copied into it. Its labels map to stances: SUPPORTED -> supports, REFUTED -> refutes,
NOT_ENOUGH_INFO -> neutral. Embeddings are cached under `data/stance-cache/` (git-ignored), keyed by the
model id and the texts, so a second training run does not embed again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from bot.stance.model import CLASSES, Stance

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from vectorstore.embeddings import ArrayEmbeddings

ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = ROOT.parent / "shared" / "data"
CACHE_DIR = ROOT / "data" / "stance-cache"

M = TypeVar("M")
"""A matrix type whose rows a list of indices selects (numpy or scipy.sparse)."""

LABELS: dict[str, Stance] = {"SUPPORTED": "supports", "REFUTED": "refutes", "NOT_ENOUGH_INFO": "neutral"}


@dataclass(frozen=True)
class Pair:
    """One labelled (claim, evidence) pair; `group` is the IndoNLI premise id, shared by its pairs."""

    claim: str
    evidence: str
    label: Stance
    group: str


def shared_path(name: str) -> Path:
    """`../shared/data/NAME` relative to the repository root, resolved."""
    return (SHARED_DATA / name).resolve()


def load_pairs(path: str | Path) -> list[Pair]:
    """Read IndoNLI JSONL (`{claim, evidence, label, premise_id, ...}` a line)."""
    pairs = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            pairs.append(
                Pair(row["claim"], row["evidence"], LABELS[row["label"]], str(row.get("premise_id", "")))
            )
    return pairs


def in_claim_set(pairs: str | Path, claims: str | Path) -> NDArray[np.bool_]:
    """For each pair of the IndoNLI JSONL `pairs`, whether its id is a claim of the claim set `claims`
    (the external claim set is made of IndoNLI dev pairs, which calibration and stacking leave out)."""

    def ids(path: str | Path) -> list[str]:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        return [str(json.loads(line)["id"]) for line in lines if line.strip()]

    wanted = set(ids(claims))
    return np.array([i in wanted for i in ids(pairs)], dtype=bool)


def label_index(pairs: Sequence[Pair]) -> NDArray[np.int64]:
    """The labels as indices into `CLASSES`."""
    return np.array([CLASSES.index(p.label) for p in pairs], dtype=np.int64)


def rows_by_text(
    texts: Sequence[str],
    tag: str,
    path: Callable[[str], Path],
    compute: Callable[[list[str]], M],
    load: Callable[[Path], M],
    save: Callable[[Path, M], None],
) -> M:
    """A matrix with one row per text of `texts`, in order: each distinct text computed once (`compute`
    takes them sorted), through a file `path(key)` keyed by `tag` and the texts, read back when it exists."""
    unique = sorted(set(texts))
    key = hashlib.sha1("\n".join([tag, *unique]).encode()).hexdigest()[:16]
    file = path(key)
    if file.exists():
        matrix = load(file)
    else:
        matrix = compute(unique)
        file.parent.mkdir(parents=True, exist_ok=True)
        save(file, matrix)
    row = {t: i for i, t in enumerate(unique)}
    return matrix[[row[t] for t in texts]]  # type: ignore[index]


def embed_cached(
    texts: Sequence[str], embedder: ArrayEmbeddings, *, is_query: bool, cache_dir: Path = CACHE_DIR
) -> NDArray[np.float32]:
    """Embed `texts` (each distinct text once), through a cache file keyed by the model and the texts."""
    kind = "query" if is_query else "passage"
    return rows_by_text(
        texts,
        f"{embedder.model_id}\n{kind}",
        lambda key: cache_dir / f"{kind}-{key}.npy",
        lambda unique: embedder.embed_array(unique, is_query=is_query),
        np.load,
        np.save,
    )


def embed_pairs(
    pairs: Sequence[Pair], embedder: ArrayEmbeddings, cache_dir: Path = CACHE_DIR
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Claims embedded as queries and evidence as passages, as the model sees them when serving."""
    u = embed_cached([p.claim for p in pairs], embedder, is_query=True, cache_dir=cache_dir)
    v = embed_cached([p.evidence for p in pairs], embedder, is_query=False, cache_dir=cache_dir)
    return u, v
