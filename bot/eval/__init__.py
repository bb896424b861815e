"""Evaluation of claimbot on question and claim sets, against baselines (formats in docs/evaluation.md).

cases (data sets) -> systems / baselines / backends (who answers) -> runner (runs every case through
every system) -> scoring + metrics (figures) -> report (typed models) -> render / charts (Markdown,
PNG) -> commands (`claimbot eval ...`).
"""
