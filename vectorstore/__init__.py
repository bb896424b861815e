"""Everything that turns articles into a searchable index and searches it.

Data flows one way: load -> clean -> sentences and chunks (with offsets into the original text) ->
embeddings -> Chroma + lexical index -> hybrid search. This package knows nothing of answers, HTTP or
Slack; `bot` builds on it, never the reverse. Importing it does no work.
"""
