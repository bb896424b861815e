"""The HTTP API (FastAPI). `create_app(settings)` builds it; nothing happens at import time."""
