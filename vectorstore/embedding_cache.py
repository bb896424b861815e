"""A disk cache of embeddings, shared by every process that points at the same folder.

Evaluation and training embed the same corpora again and again (each ablation, each baseline, each
run of `make eval-dev`); on two cores that is most of their time. The cache keys a vector by the model,
the side (query or passage) and a hash of the text, so a different model or prefix never returns a stale
vector. It is off unless `CLAIMBOT_EMBEDDING_CACHE_DIR` is set: a server embeds each article once anyway.

SQLite in WAL mode lets several processes read and write the same cache; a write that loses a race is
ignored (`INSERT OR IGNORE`), since both writers computed the same vector.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)"


class EmbeddingCache:
    """Vectors of one model, stored under `folder/embeddings.sqlite3`."""

    def __init__(self, folder: Path, model_id: str, dim: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "embeddings.sqlite3"
        self.model_id = model_id
        self.dim = dim
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)
        self._db.commit()

    def _key(self, text: str, is_query: bool) -> bytes:
        side = "query" if is_query else "passage"
        return hashlib.sha256(f"{self.model_id}\0{side}\0{text}".encode()).digest()

    def get(self, texts: Sequence[str], *, is_query: bool) -> list[NDArray[np.float32] | None]:
        """The cached vector of each text, or None where there is none."""
        keys = [self._key(t, is_query) for t in texts]
        found: dict[bytes, bytes] = {}
        with self._lock:
            for i in range(0, len(keys), 500):  # SQLite's bound-parameter limit
                part = keys[i : i + 500]
                marks = ",".join("?" * len(part))
                rows = self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", part)
                found.update(rows.fetchall())
        out: list[NDArray[np.float32] | None] = []
        for key in keys:
            blob = found.get(key)
            vec = None if blob is None else np.frombuffer(blob, dtype=np.float32)
            out.append(vec if vec is not None and vec.shape == (self.dim,) else None)
        return out

    def put(self, texts: Sequence[str], vectors: NDArray[np.float32], *, is_query: bool) -> None:
        rows = [
            (self._key(t, is_query), np.ascontiguousarray(v, dtype=np.float32).tobytes())
            for t, v in zip(texts, vectors, strict=True)
        ]
        with self._lock:
            self._db.executemany("INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)", rows)
            self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()
