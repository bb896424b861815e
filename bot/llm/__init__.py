"""The optional LLM judge of claims: any OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, a
llama.cpp server) through langchain's `ChatOpenAI`.

`config` holds its settings (the `llm` group of `bot.settings.Settings`), `prompts` loads the versioned
templates from the repository's `prompts/` folder, and `judge` asks the model and keeps only what it
can check: every quote it returns must be verbatim in the article, or it is dropped and counted.
Nothing here is imported by `bot.settings` except `config`, so the LLM client libraries load only when a
judge is built.
"""
