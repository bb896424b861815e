"""The `eval` extra: what `claimbot eval` and `make bench` need beyond claimbot itself (the report's
charts, and the naive langchain + Chroma baseline). `pip install -e '.[eval]'`; `make eval` and
`make test` install it.

Checked before any work starts, so without it `claimbot eval` says what to install in one line
instead of failing with a traceback halfway through a run.
"""

from __future__ import annotations

import importlib.util

from vectorstore.errors import BadInputError

# Module imported -> the distribution pyproject.toml's `eval` extra lists for it.
EVAL_MODULES = {
    "matplotlib": "matplotlib",
    "langchain_chroma": "langchain-chroma",
    "langchain_text_splitters": "langchain-text-splitters",
}


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package missing, or a module set to None in sys.modules
        return False


def missing_eval_packages() -> list[str]:
    """The distributions of the eval extra that are not installed."""
    return [dist for module, dist in EVAL_MODULES.items() if not _importable(module)]


def require_eval_extra(what: str = "claimbot eval") -> None:
    """Raise a `BadInputError` naming the missing packages when the eval extra is not installed."""
    missing = missing_eval_packages()
    if missing:
        raise BadInputError(
            f"{what} needs the eval extra ({', '.join(missing)} not installed): "
            "pip install -e '.[eval]' (make eval does)"
        )
