"""The explanation of a verdict: who said what and when, in the claim's language.

It names sources (outlet and date) and points at the evidence by its [n] markers; it never paraphrases or
shortens a quote, so the only article text in a check result is the verbatim evidence itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.models import Evidence

_MONTHS = {
    "en": "January February March April May June July August September October November December".split(),
    "id": "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split(),
}

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "agree/supported": "Supported: {d} say{s} so.",
        "agree/refuted": "Refuted: {d} say{s} otherwise{why}.",
        "disagree": "The sources disagree: {d} support{s} the claim, while {c} contradict{cs} it.",
        "nothing_decides": "Not enough evidence: the closest passages ({c}) are on the topic but neither "
        "support nor contradict the claim.",
        "nothing_at_all": "Not enough evidence: no article bears on this claim.",
        "not_mentioned": "Not enough evidence: the articles do not mention {names}.",
        "article": "article {id}",
        "and": "and",
        "why": " ({why})",
    },
    "id": {
        "agree/supported": "Didukung: {d} menyatakan demikian.",
        "agree/refuted": "Dibantah oleh sumber: {d} menyatakan lain{why}.",
        "disagree": "Sumber-sumber berbeda: {d} mendukung klaim ini, sedangkan {c} membantahnya.",
        "nothing_decides": "Bukti tidak cukup: bagian artikel yang paling dekat ({c}) membahas topiknya, "
        "tetapi tidak mendukung atau membantah klaim ini.",
        "nothing_at_all": "Bukti tidak cukup: tidak ada artikel yang membahas klaim ini.",
        "not_mentioned": "Bukti tidak cukup: artikel-artikel yang ada tidak menyebut {names}.",
        "article": "artikel {id}",
        "and": "dan",
        "why": " ({why})",
    },
}

_WHY = {
    "id": {
        "the evidence gives another number": "angkanya berbeda",
        "the evidence gives another year": "tahunnya berbeda",
        "the evidence names another member of the same kind (e.g. train, not plane)": "sarananya berbeda",
        "one text denies what the other states": "yang satu membantah yang lain",
        "one text negates what the other states": "yang satu menyangkal yang lain",
        "the evidence says the opposite": "isinya berlawanan",
        "the evidence names another person or place": "nama orang atau tempatnya berbeda",
    }
}


def when(evidence: Evidence, lang: str) -> str:
    """'Kompas TV (13 September 2023) [1]': outlet, date and marker of a quote."""
    t = _TEXT[lang]
    who = evidence.source or t["article"].format(id=evidence.article_id)
    day = evidence.published
    date = f" ({day.day} {_MONTHS[lang][day.month - 1]} {day.year})" if day else ""
    return f"{who}{date} [{evidence.n}]"


def _list(items: Sequence[Evidence], lang: str) -> str:
    parts = [when(e, lang) for e in items]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {_TEXT[lang]['and']} " + parts[-1]


def explain(
    lang: str,
    reason: str,
    deciding: Sequence[Evidence],
    context: Sequence[Evidence],
    *,
    verdict: str = "",
    missing: Sequence[str] = (),
    why: str | None = None,
) -> str:
    """One or two sentences saying why the verdict is what it is."""
    lang = lang if lang in _TEXT else "en"
    t = _TEXT[lang]
    key = f"{reason}/{verdict}" if reason == "agree" else reason
    if reason == "nothing_decides" and not context:
        key = "nothing_at_all"
    if reason == "not_mentioned":
        return t[key].format(names=", ".join(missing))
    why_text = ""
    if why:
        why_text = t["why"].format(why=_WHY.get(lang, {}).get(why, why))
    plural_d = len(deciding) > 1
    plural_c = len(context) > 1
    return t[key].format(
        d=_list(deciding, lang),
        c=_list(context, lang),
        s="" if plural_d else "s",
        cs="" if plural_c else "s",
        why=why_text,
    )
