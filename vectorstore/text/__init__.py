"""The text layer: what every other module asks of a text, answered once.

- `language`: 'en' or 'id' (`vectorstore.text.language`).
- `words`, `tokenize`: a text's words and its stemmed content words (`vectorstore.text.tokens`).
- `stem`: the stemmer every module uses, PySastrawi (`vectorstore.text.stemming`, measured there).
- word lists (function and stop words, affixes, months, denials, hedges, the glossary...) as data files
  under `vectorstore/text/data/`, each read once at first use (`vectorstore.text.lists`).

A leaf: it imports nothing from the rest of claimbot, so anything may import it. See
docs/architecture.md, "The text layer".
"""

from vectorstore.text.language import Language, language
from vectorstore.text.stemming import stem
from vectorstore.text.tokens import tokenize, words

__all__ = ["Language", "language", "stem", "tokenize", "words"]
