"""API keys, admin routes and the rate limit; adding, replacing and deleting articles over HTTP
(on a private copy of the seeded index)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.api.auth import RateLimiter
from tests.bot.serving import api_settings, copy_of_seeded

USER, ADMIN = "user-key-1", "admin-key-1"
KEYS = {"api_keys": f"{USER},user-key-2", "admin_keys": ADMIN}

ARTICLE = (
    "Jakarta - Presiden Joko Widodo meresmikan Bendungan Sukamaju di Jawa Tengah pada Senin (4/9/2023). "
    "Bendungan itu menampung 50 juta meter kubik air untuk mengairi sawah petani."
)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def admin_client(seeded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    services = copy_of_seeded(seeded, tmp_path_factory.mktemp("admin"), auth=KEYS)
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


def test_keys_are_needed_on_v1_but_not_for_health_or_metrics(admin_client: TestClient) -> None:
    missing = admin_client.post("/v1/ask", json={"question": "siapa?"})
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert (
        missing.json()["error"]["code"] == "unauthorized"
        and "Authorization" in missing.json()["error"]["message"]
    )
    wrong = admin_client.get("/v1/articles", headers=bearer("nope"))
    assert wrong.status_code == 401 and wrong.json()["error"]["message"] == "the API key is not valid"
    basic = admin_client.get("/v1/articles", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert basic.status_code == 401
    for key in (USER, "user-key-2", ADMIN):  # admin keys open the user routes too
        assert admin_client.get("/v1/articles", headers=bearer(key)).status_code == 200
    assert admin_client.get("/healthz").status_code == 200
    assert admin_client.get("/metrics").status_code == 200


def test_admin_routes_need_an_admin_key(admin_client: TestClient) -> None:
    body = {"articles": [{"id": "x1", "text": ARTICLE}]}
    assert admin_client.post("/v1/articles", json=body).status_code == 401
    forbidden = admin_client.post("/v1/articles", json=body, headers=bearer(USER))
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "forbidden"
    assert admin_client.delete("/v1/articles/x1", headers=bearer(USER)).status_code == 403
    assert admin_client.delete("/v1/articles/x1", headers=bearer("nope")).status_code == 401


def test_openapi_declares_the_bearer_scheme_when_keys_are_set(admin_client: TestClient) -> None:
    spec = admin_client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert spec["paths"]["/v1/ask"]["post"]["security"] == [{"HTTPBearer": []}]
    assert "security" not in spec["paths"]["/healthz"]["get"]


def test_api_keys_without_admin_keys_close_the_admin_routes(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = api_settings(tmp_path / "data", auth={"api_keys": [USER]})
    with TestClient(create_app(settings, services=seeded)) as c:
        assert c.delete("/v1/articles/000_42152cb5f7c46a69", headers=bearer(USER)).status_code == 403
        assert c.get("/v1/articles", headers=bearer(USER)).status_code == 200


def test_admin_keys_alone_close_only_the_admin_routes(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = api_settings(tmp_path / "data", auth={"admin_keys": [ADMIN]})
    with TestClient(create_app(settings, services=seeded)) as c:
        assert c.get("/v1/articles").status_code == 200
        assert c.delete("/v1/articles/000_42152cb5f7c46a69").status_code == 401


def test_rate_limit_answers_429_with_retry_after(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    auth = {**KEYS, "rate_limit_per_minute": 6, "rate_limit_burst": 2}
    settings = api_settings(tmp_path / "data", auth=auth)
    with TestClient(create_app(settings, services=seeded)) as c:
        statuses = [c.get("/v1/models", headers=bearer(USER)).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        limited = c.get("/v1/models", headers=bearer(USER))
        assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(limited.headers["retry-after"]) <= 10
        # Another key has its own bucket; health checks are never limited.
        assert c.get("/v1/models", headers=bearer("user-key-2")).status_code == 200
        assert all(c.get("/healthz").status_code == 200 for _ in range(5))


def test_rate_limiter_refills_at_the_configured_rate() -> None:
    limiter = RateLimiter(per_minute=60, burst=2)
    assert limiter.take("a", now=0.0) == 0.0 and limiter.take("a", now=0.0) == 0.0
    assert limiter.take("a", now=0.0) == pytest.approx(1.0)
    assert limiter.take("a", now=0.5) == pytest.approx(0.5)
    assert limiter.take("a", now=1.6) == 0.0
    assert RateLimiter(per_minute=0, burst=1).take("a") == 0.0  # off


def test_add_replace_and_delete_json_records(admin_client: TestClient) -> None:
    auth = bearer(ADMIN)
    record = {
        "id": "api-001",
        "title": "Bendungan",
        "source": "Contoh",
        "date": "2023-09-04",
        "text": ARTICLE,
    }
    added = admin_client.post("/v1/articles", json={"articles": [record]}, headers=auth).json()
    assert added["added"] == ["api-001"] and added["failed"] == []
    again = admin_client.post("/v1/articles", json={"articles": [record]}, headers=auth).json()
    assert again["unchanged"] == ["api-001"] and again["added"] == again["updated"] == []
    changed = {**record, "text": ARTICLE + " Proyek itu selesai dua tahun lebih cepat."}
    updated = admin_client.post("/v1/articles", json={"articles": [changed]}, headers=auth).json()
    assert updated["updated"] == ["api-001"]
    art = admin_client.get("/v1/articles/api-001", headers=auth).json()
    assert art["text"] == changed["text"] and art["source"] == "Contoh" and art["published"] == "2023-09-04"
    found = admin_client.post(
        "/v1/search", json={"query": "Bendungan Sukamaju menampung air", "top_k": 1}, headers=auth
    ).json()
    assert found["results"][0]["article_id"] == "api-001"
    assert admin_client.delete("/v1/articles/api-001", headers=auth).status_code == 204
    assert admin_client.get("/v1/articles/api-001", headers=auth).status_code == 404
    assert admin_client.delete("/v1/articles/api-001", headers=auth).status_code == 404


def test_add_files_with_a_sidecar_and_report_bad_ones(admin_client: TestClient) -> None:
    auth = bearer(ADMIN)
    sidecar = json.dumps({"title": "Bendungan baru", "source": "Kantor Berita", "published": "2023-09-05"})
    files = [
        ("files", ("dam-002.txt", ARTICLE.encode(), "text/plain")),
        ("files", ("dam-002.meta.json", sidecar.encode(), "application/json")),
        ("files", ("batch.jsonl", (json.dumps({"id": "dam-003", "text": ARTICLE}) + "\n").encode(), "x/y")),
        ("files", ("virus.exe", b"MZ", "application/octet-stream")),
        ("files", ("empty.txt", b"", "text/plain")),
    ]
    report = admin_client.post("/v1/articles", files=files, headers=auth).json()
    assert sorted(report["added"]) == ["dam-002", "dam-003"]
    reasons = {Path(f["origin"]).name: f["reason"] for f in report["failed"]}
    assert set(reasons) == {"virus.exe", "empty.txt"} and "unsupported file type" in reasons["virus.exe"]
    art = admin_client.get("/v1/articles/dam-002", headers=auth).json()
    assert (art["title"], art["source"], art["published"]) == (
        "Bendungan baru",
        "Kantor Berita",
        "2023-09-05",
    )
    # The same files again: nothing rewritten (the staged origin is the same, so is the hash).
    again = admin_client.post("/v1/articles", files=files[:3], headers=auth).json()
    assert sorted(again["unchanged"]) == ["dam-002", "dam-003"] and not again["added"]
    for article_id in ("dam-002", "dam-003"):
        assert admin_client.delete(f"/v1/articles/{article_id}", headers=auth).status_code == 204
        assert admin_client.get(f"/v1/articles/{article_id}", headers=auth).status_code == 404
    assert not list((admin_client.app.state.settings.store.data_dir / "uploads" / "staged").glob("*"))


def test_upload_input_errors(admin_client: TestClient) -> None:
    auth = bearer(ADMIN)
    bad_id = admin_client.post("/v1/articles", json={"articles": [{"id": "a/b", "text": "x"}]}, headers=auth)
    assert bad_id.status_code == 422 and "articles.0.id" in bad_id.json()["error"]["message"]
    typo = admin_client.post("/v1/articles", json={"articles": [{"id": "a", "txt": "x"}]}, headers=auth)
    assert typo.status_code == 422 and "articles.0" in typo.json()["error"]["message"]
    empty = admin_client.post("/v1/articles", json={"articles": []}, headers=auth)
    assert empty.status_code == 422 and "articles" in empty.json()["error"]["message"]
    text = admin_client.post("/v1/articles", content=b"hello", headers={**auth, "content-type": "text/plain"})
    assert text.status_code == 415 and text.json()["error"]["code"] == "unsupported_media_type"
    no_files = admin_client.post("/v1/articles", data={"x": "1"}, files=[], headers=auth)
    assert no_files.status_code in (415, 422)


def test_keys_and_origins_are_comma_separated_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import Settings
    from bot.settings_doc import settings_rows

    monkeypatch.setenv("CLAIMBOT_API_KEYS", "k-one, k-two,,")
    monkeypatch.setenv("CLAIMBOT_ADMIN_KEYS", "k-admin")
    monkeypatch.setenv("CLAIMBOT_CORS_ORIGINS", "https://a.example,https://b.example")
    settings = Settings()
    assert settings.auth.secrets(admin=False) == ["k-one", "k-two", "k-admin"]
    assert settings.auth.secrets(admin=True) == ["k-admin"]
    assert settings.http.cors_origins == ["https://a.example", "https://b.example"]
    shown = " ".join(row[-1] for row in settings_rows(settings))
    assert "k-one" not in shown and "k-admin" not in shown  # `claimbot config` never prints a key
