"""Conversations: the follow-up rule, the SQLite store (threads, processes, restarts, retention) and
`reply`, which retrieves follow-ups together with the question they lean on."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

import pytest

from bot.config.conversations import ConversationSettings
from bot.conversations.followup import is_followup, retrieval_question
from bot.conversations.reply import reply
from bot.conversations.store import ConversationStore, database_path
from bot.models import Answer, Citation
from vectorstore.errors import BadInputError, NotFoundError

DENIAL = "membantah"  # "deny" in Indonesian: every denial quote in the seeds has it


@pytest.mark.parametrize(
    "message",
    [
        "when did they say that?",
        "Is it true?",
        "why?",
        "and Putin?",
        "What about the missiles fired before the summit?",
        "kapan mereka mengatakan itu?",
        "Apa tanggapan Amerika Serikat terhadap hal tersebut?",
        "siapa dia sebenarnya menurut berita?",
        "bagaimana dengan Kim Jong Un dan kereta lapis bajanya?",
    ],
)
def test_followups_are_recognised(message: str) -> None:
    assert is_followup(message)


@pytest.mark.parametrize(
    "message",
    [
        "Where did Kim Jong Un and Vladimir Putin hold their summit?",  # "their" refers within the question
        "Who denied arms transfers to Russia?",
        "Berapa jauh rudal balistik Korea Utara terbang?",
    ],
)
def test_standalone_questions_are_not_followups(message: str) -> None:
    assert not is_followup(message)


def test_the_short_message_rule_follows_its_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMBOT_FOLLOWUP_MAX_WORDS", "0")
    max_words = ConversationSettings().followup_max_words
    assert max_words == 0
    assert is_followup("who is Kim?") and not is_followup("who is Kim?", max_words=max_words)
    assert is_followup("why is that?", max_words=max_words)  # still refers back
    history = ["Who denied arms transfers?"]
    assert retrieval_question("who is Kim?", history, max_words=max_words) == "who is Kim?"
    assert retrieval_question("who is Kim?", history) == "Who denied arms transfers? who is Kim?"


def test_retrieval_question_prepends_the_topic_question() -> None:
    history = ["who denied arms transfers?"]
    assert retrieval_question("when did they say that?", history) == (
        "who denied arms transfers? when did they say that?"
    )
    # A standalone question is retrieved for as it is.
    assert retrieval_question("Where did Kim meet Putin in Russia?", history) == (
        "Where did Kim meet Putin in Russia?"
    )
    # No history, or follow-ups turned off: the message alone.
    assert retrieval_question("when did they say that?", []) == "when did they say that?"
    assert retrieval_question("when?", history, max_context=0) == "when?"


def test_chained_followups_reach_back_to_the_topic_but_no_further() -> None:
    history = ["How did Kim travel to Russia?", "who denied arms transfers?", "when did they say that?"]
    # The last two: "when did they say that?" leans on the denial question, which set the topic.
    assert retrieval_question("and why?", history, max_context=3) == (
        "who denied arms transfers? when did they say that? and why?"
    )
    assert retrieval_question("and why?", history, max_context=1) == "when did they say that? and why?"


def test_retrieval_question_stays_within_the_question_limit() -> None:
    long = "x " * 900
    query = retrieval_question("why?", [long, long], limit=2000)
    assert len(query) <= 2000 and query.endswith("why?") and query.count("x") == 900


def _answer(text: str = "The articles say:\n“a” [1]") -> Answer:
    c = Citation(n=1, article_id="a1", quote="a", start=0, end=1, score=0.5, title="T", source="S")
    return Answer(question="q", answer=text, insufficient_evidence=False, citations=[c])


def test_store_keeps_turns_with_citations_across_reopening(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    store = ConversationStore(path)
    cid = store.start()
    t1 = store.add_turn(cid, "", message="q1", search_query="q1", answer=_answer())
    t2 = store.add_turn(cid, "", message="when?", search_query="q1 when?", answer=_answer())
    assert (t1.n, t2.n) == (1, 2)
    again = ConversationStore(path).get(cid)  # a new store, as after a restart
    assert [t.message for t in again.turns] == ["q1", "when?"]
    assert again.turns[1].search_query == "q1 when?"
    assert again.turns[0].citations[0].title == "T" and again.turns[0].citations[0].quote == "a"
    assert store.history(cid) == ["q1", "when?"]
    assert store.history(cid, last=1) == ["when?"]


def test_conversations_belong_to_their_owner(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3")
    cid = store.start("key:aaaa")
    with pytest.raises(NotFoundError):
        store.get(cid, "key:bbbb")
    with pytest.raises(NotFoundError):
        store.add_turn(cid, "key:bbbb", message="m", search_query="m", answer=_answer())
    assert not store.delete(cid, "key:bbbb")
    assert store.delete(cid, "key:aaaa")
    with pytest.raises(NotFoundError):
        store.get(cid, "key:aaaa")
    assert not store.delete(cid, "key:aaaa")


def test_retention_hides_and_purges_old_conversations(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3", retention_days=1)
    old, fresh = store.start(), store.start()
    assert store.purge(now=time.time() + 3600) == 0
    later = time.time() + 2 * 86_400
    store.add_turn(fresh, "", message="m", search_query="m", answer=_answer())
    # Two days on, neither was touched within a day: both go.
    assert store.purge(now=later) == 2
    with pytest.raises(NotFoundError):
        store.get(old)
    forever = ConversationStore(tmp_path / "f.sqlite3", retention_days=0)
    cid = forever.start()
    assert forever.purge(now=time.time() + 10_000 * 86_400) == 0 and forever.get(cid)


def test_concurrent_turns_get_distinct_numbers(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    cid = ConversationStore(path).start()

    def add(i: int) -> None:
        store = ConversationStore(path)  # each thread its own store, as separate workers would
        for j in range(5):
            store.add_turn(cid, "", message=f"{i}-{j}", search_query="q", answer=_answer())

    threads = [threading.Thread(target=add, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    turns = ConversationStore(path).get(cid).turns
    assert [t.n for t in turns] == list(range(1, 21))
    assert len({t.message for t in turns}) == 20


def _append_in_process(path: str, cid: str) -> None:
    store = ConversationStore(Path(path))
    for j in range(5):
        store.add_turn(cid, "", message=f"proc-{j}", search_query="q", answer=_answer())


@pytest.mark.slow
def test_two_processes_share_one_store(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    cid = ConversationStore(path).start()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_in_process, args=(str(path), cid)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert [t.n for t in ConversationStore(path).get(cid).turns] == list(range(1, 11))


def test_database_path_accepts_a_path_or_a_sqlite_url(tmp_path: Path) -> None:
    default = database_path(ConversationSettings(), tmp_path)
    assert default == tmp_path / "conversations.sqlite3"
    url = ConversationSettings(conversations_db=f"sqlite:///{tmp_path}/x.db")
    assert database_path(url, tmp_path) == tmp_path / "x.db"
    assert database_path(ConversationSettings(conversations_db="rel/c.db"), tmp_path) == Path("rel/c.db")
    with pytest.raises(BadInputError, match="sqlite:///"):
        database_path(ConversationSettings(conversations_db="postgresql://h/db"), tmp_path)


def test_followup_retrieves_for_the_earlier_question(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = ConversationStore(tmp_path / "c.sqlite3")
    first = reply(seeded, store, "who denied arms transfers?")
    assert DENIAL in first.citations[0].quote
    follow = reply(seeded, store, "when did they say that?", conversation_id=first.conversation_id)
    assert follow.search_query == "who denied arms transfers? when did they say that?"
    assert follow.question == "when did they say that?" and follow.turn == 2
    # Retrieval is for the denial; alone, the same words retrieve for "that" and no denial comes first.
    assert DENIAL in seeded.search(follow.search_query, top_k=1).results[0].quote
    assert DENIAL not in seeded.search("when did they say that?", top_k=1).results[0].quote
    # The articles never date the denials: the answer may say so, but never quotes something else first.
    assert follow.insufficient_evidence or DENIAL in follow.citations[0].quote
    turns = store.get(first.conversation_id).turns
    assert [t.n for t in turns] == [1, 2] and turns[1].citations == follow.citations


def test_followup_cites_the_denial(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = ConversationStore(tmp_path / "c.sqlite3")
    first = reply(seeded, store, "who denied arms transfers?")
    follow = reply(seeded, store, "did they deny it more than once?", conversation_id=first.conversation_id)
    assert follow.search_query == "who denied arms transfers? did they deny it more than once?"
    assert not follow.insufficient_evidence and DENIAL in follow.citations[0].quote
    assert any("berulang kali" in c.quote for c in follow.citations)  # "repeatedly"


def test_followup_in_indonesian(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = ConversationStore(tmp_path / "c.sqlite3")
    first = reply(seeded, store, "siapa yang membantah transfer senjata?")
    follow = reply(seeded, store, "kapan mereka mengatakan itu?", conversation_id=first.conversation_id)
    assert follow.search_query.startswith("siapa yang membantah transfer senjata?")
    # Retrieval is for the denial; as in English, "when" may be answered by saying the articles do not
    # date it (the dated denial, "November tahun lalu", ranks below the two best since sentence pairs).
    assert DENIAL in seeded.search(follow.search_query, top_k=1).results[0].quote
    # A "kapan" question quotes first what holds a date ("6 September", "Juli lalu" near the Sullivan
    # warnings), so the undated denial may come after them, but it is quoted. Ordering by the quote with
    # its context sentences instead would put it first; on the dev sets it changed nothing beyond the
    # interval (docs/decisions/retrieval-on-external-data.md, "Typed quotes and their context"), so no.
    assert follow.insufficient_evidence or any(DENIAL in c.quote for c in follow.citations)


def test_reply_to_an_unknown_conversation_is_not_found(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = ConversationStore(tmp_path / "c.sqlite3")
    with pytest.raises(NotFoundError):
        reply(seeded, store, "who?", conversation_id="0" * 32)
