"""The stance model: does an evidence sentence support, refute or not decide a claim?

A multinomial logistic regression over `bot.stance.features` (explainable lexical signals plus the
bundled e5 embeddings), trained on IndoNLI by `bot.stance.train`, followed by a few contradiction
rules (`bot.stance.rules`) for what IndoNLI rarely shows. Two heads share the file:

- `monolingual`, used when claim and evidence are in the same language: every feature;
- `crosslingual`, used otherwise (an English claim against an Indonesian quote), where comparing words
  means nothing: only the language-independent signals and the embeddings.

Nothing is loaded at import time: `StanceModel.from_file` reads the weights, and the embedding model is
created on first use (or passed in, to share the process's one). Only numpy is needed to serve.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, computed_field

from bot.stance.features import (
    design_matrix,
    fired_signals,
    lexical_matrix,
    unaligned_matrix,
    unaligned_words,
)
from bot.stance.rules import RULE_TEXT, SIGNAL_TEXT, apply_rules
from vectorstore.errors import BadInputError
from vectorstore.glossary import gloss
from vectorstore.text import language

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from vectorstore.embeddings import ArrayEmbeddings

Stance = Literal["supports", "refutes", "neutral"]
CLASSES: tuple[Stance, ...] = ("supports", "refutes", "neutral")
HeadName = Literal["monolingual", "crosslingual"]
HEADS: tuple[HeadName, ...] = ("monolingual", "crosslingual")
Route = Literal["monolingual", "crosslingual", "glossed"]
"""How a pair was scored: a head, or the monolingual head on the English claim glossed into Indonesian."""
DEFAULT_WEIGHTS = Path(__file__).with_name("weights.npz")


class StanceScores(BaseModel):
    """Probabilities that the evidence supports, refutes or does not decide (neutral) the claim."""

    model_config = ConfigDict(frozen=True)

    supports: float = Field(ge=0.0, le=1.0)
    refutes: float = Field(ge=0.0, le=1.0)
    neutral: float = Field(ge=0.0, le=1.0, description="The evidence does not decide the claim.")
    head: Route = Field(
        description="monolingual when claim and evidence share a language; glossed for an English claim "
        "against Indonesian evidence (the monolingual head on a word-for-word gloss of the claim); "
        "crosslingual otherwise."
    )
    signals: list[str] = Field(
        default_factory=list,
        description="Lexical signals that fired (polarity_mismatch, number_conflict, antonym...).",
    )
    rule: str | None = Field(
        default=None, description="The contradiction rule that moved the scores to refutes, if any."
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def label(self) -> Stance:
        """The most probable stance."""
        probs = (self.supports, self.refutes, self.neutral)
        return CLASSES[probs.index(max(probs))]

    def rule_text(self) -> str | None:
        """The fired rule in words, for explanations."""
        return RULE_TEXT[self.rule] if self.rule else None

    def why(self) -> str | None:
        """What sets the evidence against the claim, in words: the fired rule, else the first conflict
        signal (another number, year, name...), else None. It explains; it never decides."""
        if self.rule:
            return RULE_TEXT[self.rule]
        return next((SIGNAL_TEXT[s] for s in self.signals if s in SIGNAL_TEXT), None)


class Predictions(NamedTuple):
    """Raw outputs for a batch of pairs, in input order."""

    probs: NDArray[np.float64]  # (n, 3), `CLASSES` order
    heads: list[Route]
    lexical: NDArray[np.float32]  # (n, len(LEXICAL_NAMES))
    rules: list[str | None]


_ARRAYS = ("evidence_mean", "pca_mean", "pca_components", "mean", "scale", "coef", "intercept")


@dataclass(frozen=True)
class Head:
    """One logistic regression: feature columns, PCA of the embedding interaction, scaler, weights."""

    columns: tuple[str, ...]
    evidence_mean: NDArray[np.float32]
    pca_mean: NDArray[np.float32]
    pca_components: NDArray[np.float32]
    mean: NDArray[np.float32]
    scale: NDArray[np.float32]
    coef: NDArray[np.float32]
    intercept: NDArray[np.float32]
    vocabulary: tuple[str, ...] = ()
    """Words whose absence from the evidence, when the claim says them, is a feature (`unaligned_words`)."""

    def design(
        self,
        lexical: NDArray[np.float32],
        u: NDArray[np.float32],
        v: NDArray[np.float32],
        unaligned: Sequence[Sequence[str]] = (),
    ) -> NDArray[np.float32]:
        """The standardised input of this head; `unaligned` holds each pair's `unaligned_words` (needed
        when the head has a vocabulary)."""
        bag = unaligned_matrix(unaligned, self.vocabulary) if self.vocabulary else None
        x = design_matrix(
            lexical,
            u,
            v,
            columns=self.columns,
            evidence_mean=self.evidence_mean,
            pca_mean=self.pca_mean,
            pca_components=self.pca_components,
            unaligned=bag,
        )
        return (x - self.mean) / self.scale

    def proba(
        self,
        lexical: NDArray[np.float32],
        u: NDArray[np.float32],
        v: NDArray[np.float32],
        unaligned: Sequence[Sequence[str]] = (),
    ) -> NDArray[np.float64]:
        """(n, 3) probabilities in `CLASSES` order."""
        x = self.design(lexical, u, v, unaligned)
        logits = x.astype(np.float64) @ self.coef.T.astype(np.float64)
        logits += self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        probs: NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
        return probs

    def arrays(self, name: str) -> dict[str, NDArray[Any]]:
        """The weights as named arrays for `np.savez`."""
        return {f"{name}.{f}": np.asarray(getattr(self, f), dtype=np.float32) for f in _ARRAYS}

    @classmethod
    def from_arrays(
        cls, name: str, columns: Sequence[str], data: Any, vocabulary: Sequence[str] = ()
    ) -> Head:
        return cls(
            columns=tuple(columns),
            **{f: np.asarray(data[f"{name}.{f}"], dtype=np.float32) for f in _ARRAYS},
            vocabulary=tuple(vocabulary),
        )


class StanceModel:
    """Scores (claim, evidence) pairs. Build with `from_file`; the embedder is created on first use."""

    def __init__(
        self, heads: dict[HeadName, Head], config: dict[str, Any], embedder: ArrayEmbeddings | None = None
    ) -> None:
        self.heads = heads
        self.config = config
        self.contradiction_rules: bool = bool(config.get("contradiction_rules", True))
        """Apply `bot.stance.rules` after the heads (set in the weights' config, where it was measured)."""
        self.gloss_english: bool = bool(config.get("gloss_english", False))
        """Score an English claim against Indonesian evidence with the monolingual head on its gloss
        (set in the weights' config, where the choice was measured) instead of the cross-lingual head."""
        self._embedder = embedder
        if embedder is not None:
            self._check_embedder(embedder)

    @classmethod
    def from_file(
        cls, path: str | Path = DEFAULT_WEIGHTS, embedder: ArrayEmbeddings | None = None
    ) -> StanceModel:
        """Load weights written by `save` (`bot/stance/weights.npz` by default)."""
        with np.load(Path(path), allow_pickle=False) as data:
            config = json.loads(str(data["config"]))
            heads = {
                name: Head.from_arrays(
                    name,
                    config["heads"][name]["columns"],
                    data,
                    config["heads"][name].get("vocabulary", ()),
                )
                for name in HEADS
            }
        return cls(heads, config, embedder)

    def save(self, path: str | Path) -> None:
        """Write the config (JSON) and every head's arrays to one compressed `.npz`."""
        arrays: dict[str, Any] = {"config": np.array(json.dumps(self.config, sort_keys=True))}
        for name, head in self.heads.items():
            arrays.update(head.arrays(name))
        np.savez_compressed(Path(path), **arrays)

    @property
    def embedder(self) -> ArrayEmbeddings:
        """The embedding model the weights were trained with (the bundled e5), created on first use."""
        if self._embedder is None:
            from vectorstore.embeddings import E5Embeddings

            self._embedder = E5Embeddings()
            self._check_embedder(self._embedder)
        return self._embedder

    def _check_embedder(self, embedder: ArrayEmbeddings) -> None:
        expected = self.config["embedding_model"]
        if embedder.model_id != expected:
            raise BadInputError(
                f"the stance model was trained on {expected} embeddings, not {embedder.model_id}"
            )

    def proba(
        self,
        claims: Sequence[str],
        evidences: Sequence[str],
        u: NDArray[np.float32],
        v: NDArray[np.float32],
        head: HeadName | None = None,
        rules: bool | None = None,
    ) -> Predictions:
        """Predictions for pairs whose claim (`u`, query) and evidence (`v`, passage) vectors are known.

        `head` forces one head; `rules` forces the contradiction rules (`bot.stance.rules`) on or off
        (default: the weights' `contradiction_rules`).
        """
        texts = list(claims)
        used: list[Route] = []
        for i, (c, e) in enumerate(zip(claims, evidences, strict=True)):
            if head is not None:
                used.append(head)
            elif language(c) == language(e):
                used.append("monolingual")
            elif self.gloss_english and language(c) == "en" and language(e) == "id":
                # Word for word into the evidence's Indonesian (`vectorstore.glossary.gloss`), so the
                # monolingual head's word signals mean something.
                texts[i] = gloss(c, e)
                used.append("glossed")
            else:
                used.append("crosslingual")
        lexical = lexical_matrix(texts, evidences)
        probs = np.zeros((len(claims), len(CLASSES)))
        for name in HEADS:
            rows = [i for i, h in enumerate(used) if h == name or (h == "glossed" and name == "monolingual")]
            if rows:
                head_ = self.heads[name]
                words = [unaligned_words(texts[i], evidences[i]) for i in rows] if head_.vocabulary else []
                probs[rows] = head_.proba(lexical[rows], u[rows], v[rows], words)
        if not (self.contradiction_rules if rules is None else rules):
            return Predictions(probs, used, lexical, [None] * len(used))
        probs, fired = apply_rules(probs, lexical, [h == "crosslingual" for h in used])
        return Predictions(probs, used, lexical, fired)

    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[StanceScores]:
        """Stance scores of (claim, evidence) pairs, embedding them with the model's embedder."""
        if not pairs:
            return []
        claims = [c for c, _ in pairs]
        evidences = [e for _, e in pairs]
        u = self.embedder.embed_array(claims, is_query=True)
        v = self.embedder.embed_array(evidences, is_query=False)
        return self._scores(claims, evidences, u, v)

    def scores(
        self,
        claim: str,
        evidences: Sequence[str],
        *,
        evidence_vectors: NDArray[np.float32] | None = None,
    ) -> list[StanceScores]:
        """Stance of each evidence towards one claim. Pass `evidence_vectors` (passage embeddings from
        the same model, e.g. read from the index) to skip embedding the evidence again."""
        if not evidences:
            return []
        u = self.embedder.embed_array([claim], is_query=True)
        if evidence_vectors is None:
            evidence_vectors = self.embedder.embed_array(list(evidences), is_query=False)
        us = np.repeat(u, len(evidences), axis=0)
        return self._scores([claim] * len(evidences), list(evidences), us, evidence_vectors)

    def _scores(
        self, claims: list[str], evidences: list[str], u: NDArray[np.float32], v: NDArray[np.float32]
    ) -> list[StanceScores]:
        out = self.proba(claims, evidences, u, v)
        return [
            StanceScores(
                supports=float(p[0]),
                refutes=float(p[1]),
                neutral=float(p[2]),
                head=h,
                signals=fired_signals(row),
                rule=rule,
            )
            for p, h, row, rule in zip(out.probs, out.heads, out.lexical, out.rules, strict=True)
        ]


@functools.cache
def default_model() -> StanceModel:
    """The shipped model, loaded on first call and then shared by the process."""
    return StanceModel.from_file(DEFAULT_WEIGHTS)


def predict(pairs: Sequence[tuple[str, str]]) -> list[StanceScores]:
    """Stance scores of (claim, evidence) pairs with the shipped model."""
    return default_model().predict(pairs)
