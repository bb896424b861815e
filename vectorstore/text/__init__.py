"""The text layer: what every other module asks of a text, answered once.

- `language`: 'en' or 'id' (`vectorstore.text.language`).
- word lists (month names, function words, affixes, denial and hedge verbs, the glossary) as data files
  under `vectorstore/text/data/`, read once at first use (`vectorstore.text.lists`).

A leaf: it imports nothing from the rest of claimbot, so anything may import it.
"""

from vectorstore.text.language import Language, language

__all__ = ["Language", "language"]
