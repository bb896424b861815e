"""The README's examples, run for real, and the documentation's links, targets and names checked.

The README's ```sh blocks are its examples. Each `claimbot ...` line in them is run as written in a
fresh process against a temporary index of the seeds (the first example ingests them), each `curl ...`
line against a real `claimbot serve` on a free loopback port, and each `make X` names a Makefile target.
Every kind of command has a check of its output here, so an example added without one fails the test.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").rglob("*.md"))
CLAIMBOT = Path(sys.executable).parent / "claimbot"
VERDICTS = ("supported", "refuted", "mixed", "not_enough_evidence")
# The README's questions the seeds do not answer: claimbot must say so and cite nothing.
UNANSWERABLE = {"Who won the Premier League?"}


# --- reading the README -------------------------------------------------------------------------


def sh_commands(text: str) -> list[str]:
    """The command lines of the ```sh blocks: continuations joined, trailing `# comments` dropped."""
    commands: list[str] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.M | re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#\s.*$", "", line).strip()
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


def split_command(line: str) -> tuple[dict[str, str], list[str]]:
    """Leading VAR=value assignments, then the argument list."""
    words = shlex.split(line)
    env: dict[str, str] = {}
    while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
        key, value = words.pop(0).split("=", 1)
        env[key] = value
    return env, words


def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z][\w-]*):", makefile, flags=re.M))


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def assert_quotes_are_verbatim(text: str) -> int:
    """Every “...” quote printed is a piece of a seed article; returns how many there were."""
    seeds = seed_texts()
    quotes = re.findall(r"“(.{20,}?)”(?= \[\d+\]$|$)", text, flags=re.M | re.S)
    for quote in quotes:
        assert any(quote in s for s in seeds), f"not verbatim from the seeds: {quote[:80]}"
    return len(quotes)


def assert_citations_are_spans(citations: list[dict[str, object]]) -> None:
    """Each cited quote is exactly the seed article's text between its start and end."""
    assert citations, "no citations"
    for c in citations:
        text = (SEEDS / f"{c['article_id']}.txt").read_text(encoding="utf-8")
        assert text[int(c["start"]) : int(c["end"])] == c["quote"]  # type: ignore[call-overload]


# --- what each kind of example must print ---------------------------------------------------------


def check_cli(args: list[str], out: str) -> None:
    """The output of one `claimbot` example says what the README says it does."""
    command, as_json = args[0], "--json" in args
    if command == "ingest":
        assert re.search(r"added 5\b|unchanged 5\b", out), out
    elif command == "ask" and as_json:
        answer = json.loads(out)
        assert answer["question"] == args[1] and answer["insufficient_evidence"] is False
        assert_citations_are_spans(answer["citations"])
    elif command == "ask" and args[1] in UNANSWERABLE:
        assert "Sources" not in out and "“" not in out and len(out.strip().splitlines()) == 1, out
    elif command == "ask":
        assert assert_quotes_are_verbatim(out) >= 1 and "Sources" in out, out
    elif command == "check" and as_json:
        result = json.loads(out)
        assert result["verdict"] in VERDICTS and result["evidence"]
        assert_citations_are_spans(result["evidence"])
    elif command == "check":
        assert out.split()[0] in VERDICTS, out
        assert assert_quotes_are_verbatim(out) >= 1, out
    elif command == "show":
        assert (SEEDS / f"{args[1]}.txt").read_text(encoding="utf-8").strip() in out, out
    elif command == "eval":
        assert "verdict accuracy" in out or "hit@5" in out, out
    else:
        raise AssertionError(f"the README shows `claimbot {command}`: add a check of its output here")


def check_http(path: str, body: object) -> None:
    """The reply of one `curl` example is what docs/api.md says it is."""
    if path == "/readyz":
        assert isinstance(body, dict) and body.get("articles") == 5, body
    elif path == "/v1/ask":
        assert isinstance(body, dict) and body["insufficient_evidence"] is False
        assert_citations_are_spans(body["citations"])
    elif path == "/v1/check":
        assert isinstance(body, dict) and body["verdict"] in VERDICTS and body["evidence"], body
        assert_citations_are_spans(body["evidence"])
    elif path == "/v1/chat/completions":
        assert isinstance(body, dict)
        assert body["choices"][0]["message"]["content"] and body["object"] == "chat.completion"
        assert_citations_are_spans(body["citations"])
    else:
        raise AssertionError(f"the README shows `curl ...{path}`: add a check of its reply here")


# --- cheap checks: links, targets, names ----------------------------------------------------------


def test_every_relative_link_in_readme_and_docs_exists() -> None:
    for doc in [README, *DOCS]:
        text = re.sub(r"^```.*?^```", "", doc.read_text(encoding="utf-8"), flags=re.M | re.S)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"^[a-z]+:", target):
                continue  # http:, https:, mailto:
            path, _, anchor = target.partition("#")
            dest = (doc.parent / path).resolve() if path else doc
            assert dest.exists(), f"{doc.relative_to(ROOT)}: broken link {target}"
            if anchor and dest.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", dest.read_text(encoding="utf-8"), flags=re.M)
                slugs = {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}
                assert anchor in slugs, f"{doc.relative_to(ROOT)}: no heading for #{anchor} in {path}"


def test_every_make_target_the_readme_and_docs_name_exists() -> None:
    targets = make_targets()
    for doc in [README, *DOCS]:
        for target in re.findall(r"`make ([a-z][\w-]*)", doc.read_text(encoding="utf-8")):
            assert target in targets, f"{doc.relative_to(ROOT)} names `make {target}`, not in the Makefile"
    named = [
        words[1] for _, words in map(split_command, sh_commands(README.read_text())) if words[0] == "make"
    ]
    assert {"run", "test"} <= set(named) and set(named) <= targets


# A repository path in backticks, perhaps with a test name after `::`.
REPO_PATH = re.compile(r"`((?:bot|vectorstore|tests|seeds|prompts|slack|docs)/[\w./*<>-]*)(?:::\w+)?`")


def test_every_file_the_readme_and_docs_name_exists() -> None:
    """Paths in backticks (`bot/check.py`, `tests/bot/test_slack_*.py`, `prompts/check.<version>.md`
    where `<version>` stands for any text); the history keeps old names."""
    for doc in [README, *DOCS]:
        if "decisions" in doc.parts:
            continue
        text = doc.read_text(encoding="utf-8")
        for found in re.finditer(REPO_PATH, text):
            path = re.sub(r"<\w+>", "*", found.group(1))
            assert list(ROOT.glob(path)), f"{doc.relative_to(ROOT)} names `{path}`, which does not exist"


def test_every_setting_the_readme_and_docs_name_exists() -> None:
    """A CLAIMBOT_ variable in the prose is a setting, or one the code reads itself (the eval's key)."""
    from bot.settings_doc import settings_rows

    known = {row[0] for row in settings_rows()}
    source = " ".join(
        p.read_text(encoding="utf-8") for d in ("bot", "vectorstore") for p in (ROOT / d).rglob("*.py")
    )
    for doc in [README, *DOCS]:
        if "decisions" in doc.parts:
            continue
        for name in set(re.findall(r"CLAIMBOT_[A-Z0-9_]*[A-Z0-9]", doc.read_text(encoding="utf-8"))):
            assert name in known or name in source, (
                f"{doc.relative_to(ROOT)} names {name}, which nothing reads"
            )


def test_the_exit_codes_in_the_docs_are_the_clis() -> None:
    from bot.console import EXIT_CODES

    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    sentence = re.sub(r"\s+", " ", text.split("Exit codes:", 1)[1].split("Errors are", 1)[0]).strip()
    documented = {int(n) for n in re.findall(r"(?:^|; )(\d+) ", sentence)}
    assert documented == {0, 1, *EXIT_CODES.values()}, sentence


def test_the_readme_is_a_manual_not_a_notebook() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 220, f"README.md has {len(lines)} lines: move detail to docs/"
    kinds = {split_command(c)[1][0] for c in sh_commands("\n".join(lines))}
    assert {"claimbot", "curl", "make"} <= kinds


def test_the_sh_block_reader() -> None:
    text = (
        "x\n```sh\nclaimbot ask \"a b\"   # note\ncurl -s x \\\n  -d '{}'\n# only a comment\n```\n"
        "```text\nno\n```\n"
    )
    assert sh_commands(text) == ['claimbot ask "a b"', "curl -s x    -d '{}'"]
    assert split_command("A=1 B='x y' claimbot serve") == ({"A": "1", "B": "x y"}, ["claimbot", "serve"])


def test_a_quote_not_in_the_seeds_is_caught() -> None:
    seed = seed_texts()[0]
    real = seed[seed.index(" ", 200) + 1 :][:60]
    assert assert_quotes_are_verbatim(f"The articles say:\n“{real}” [1]\n") == 1
    with pytest.raises(AssertionError, match="not verbatim"):
        assert_quotes_are_verbatim("The articles say:\n“Kim flew to Moscow on a plane, said nobody.” [1]\n")


# --- the examples, for real -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def workdir(
    tmp_path_factory: pytest.TempPathFactory, embedding_cache: Path
) -> Iterator[tuple[Path, dict[str, str]]]:
    """A folder that looks like the repository to the examples (seeds/, tests/data/), with its own index
    and reports, so running them never touches the repository's data/ or reports/."""
    work = tmp_path_factory.mktemp("readme")
    (work / "seeds").symlink_to(SEEDS, target_is_directory=True)
    (work / "tests").mkdir()
    (work / "tests" / "data").symlink_to(ROOT / "tests" / "data", target_is_directory=True)
    # Only what a shell needs, and the session's embedding cache (same vectors, fewer seconds).
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        CLAIMBOT_DATA_DIR=str(work / "data"),
        CLAIMBOT_EMBEDDING_CACHE_DIR=str(embedding_cache),
        PYTHONPATH=str(ROOT),
    )
    yield work, env


def _run(args: list[str], work: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{shlex.join(args)} exited {done.returncode}: {done.stderr[-2000:]}"
    return done.stdout


@contextmanager
def serving(work: Path, env: dict[str, str]) -> Iterator[str]:
    """A real `claimbot serve` on a free loopback port over the examples' index, until the block ends."""
    port = _free_port()
    server = subprocess.Popen(
        [str(CLAIMBOT), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, f"claimbot serve stopped: {server.stderr.read().decode()[-2000:]}"  # type: ignore[union-attr]
            try:
                with urllib.request.urlopen(f"{url}/readyz", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "claimbot serve was not ready within 120 s"
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_the_readme_examples_run(workdir: tuple[Path, dict[str, str]]) -> None:
    work, env = workdir
    commands = [split_command(line) for line in sh_commands(README.read_text(encoding="utf-8"))]
    targets = make_targets()
    ran: list[str] = []
    not_run: list[str] = []
    curls: list[list[str]] = []
    for extra_env, words in commands:
        if words[0] == "make":
            assert words[1] in targets
        elif words[0] == "curl":
            curls.append(words)
        elif words[:2] == ["claimbot", "serve"]:
            not_run.append(" ".join(words))  # the curl examples run against a server started here
        elif words[0] == "claimbot" and not extra_env:
            out = _run([str(CLAIMBOT), *words[1:]], work, env)
            check_cli(words[1:], out)
            ran.append(words[1])
        else:
            raise AssertionError(f"the README shows `{shlex.join(words)}`: teach this test to run it")
    assert "ingest" in ran and "ask" in ran and "check" in ran and "eval" in ran, ran
    assert curls, "the README shows no curl example"
    with serving(work, env) as url:
        for words in curls:
            args = ["curl", "--fail", "--show-error", "--max-time", "60"]
            args += [re.sub(r"^(https?://)?localhost:8000", url, w) for w in words[1:]]
            out = _run(args, work, env)
            path = re.sub(r"^https?://[^/]+", "", next(w for w in args if w.startswith(url))).split("?")[0]
            check_http(path, json.loads(out))
    assert not_run == ["claimbot serve --port 8000"], not_run
