"""The JSON API: the same query language as the portal, clear JSON errors, CORS for reads."""

from __future__ import annotations


def test_search_returns_hits_in_every_script_with_facets(client):
    body = client.get("/api/search", params={"q": "紅樓夢"}).json()
    assert body["total"] >= 3
    hit = body["hits"][0]
    assert {"id", "titles", "creators", "year", "institution", "score"} <= hit.keys()
    assert all("lang" in title for title in hit["titles"])
    institutions = {item["value"] for item in body["facets"]["institution"]}
    assert {"NLC", "NDL"} <= institutions


def test_simplified_traditional_and_romanized_queries_agree(client):
    def ids(query: str) -> set[str]:
        return {hit["id"] for hit in client.get("/api/search", params={"q": query, "page_size": 100}).json()["hits"]}

    assert ids("红楼梦") == ids("紅樓夢")
    assert ids("hong lou meng") & ids("紅樓夢")


def test_filters_sorting_and_paging(client):
    everything = client.get("/api/search", params={"q": "", "page_size": 5}).json()
    assert everything["total"] >= 150 and len(everything["hits"]) == 5
    ndl = client.get("/api/search", params={"filter": "institution:NDL", "page_size": 100}).json()
    assert ndl["total"] > 0 and all(hit["institution"] == "NDL" for hit in ndl["hits"])
    by_year = client.get("/api/search", params={"q": "", "sort": "year", "page_size": 50}).json()["hits"]
    years = [hit["year"] for hit in by_year if hit["year"] is not None]
    assert years == sorted(years)
    second = client.get("/api/search", params={"q": "", "page": 2, "page_size": 5}).json()
    assert {h["id"] for h in second["hits"]}.isdisjoint({h["id"] for h in everything["hits"]})


def test_record_by_id_and_institutions_and_stats(client):
    hit = client.get("/api/search", params={"q": "源氏物語"}).json()["hits"][0]
    record = client.get(f"/api/records/{hit['id']}").json()
    assert record["id"] == hit["id"] and record["titles"]
    assert "original" not in (record.get("provenance") or {})
    with_original = client.get(f"/api/records/{hit['id']}", params={"original": "true"}).json()
    assert with_original["provenance"]["original"]
    institutions = {item["code"]: item for item in client.get("/api/institutions").json()["institutions"]}
    assert institutions["NLK"]["country"] == "KR" and institutions["NLK"]["records"] > 0
    assert client.get("/api/stats").json()["records"] >= 150


def test_errors_are_json_with_a_clear_message(client):
    bad_query = client.get("/api/search", params={"q": 'title:"源氏'})
    assert bad_query.status_code == 400
    assert "quotation" in bad_query.json()["error"]["message"]
    missing = client.get("/api/records/nowhere:123")
    assert missing.status_code == 404 and "nowhere:123" in missing.json()["error"]["message"]
    too_big = client.get("/api/search", params={"page_size": 1000})
    assert too_big.status_code == 422 and "page_size" in too_big.json()["error"]["message"]
    too_long = client.get("/api/search", params={"q": "字" * 501})
    assert too_long.status_code == 400 and "500" in too_long.json()["error"]["message"]
    bad_filter = client.get("/api/search", params={"filter": "colour:red"})
    assert bad_filter.status_code == 400 and "colour" in bad_filter.json()["error"]["message"]


def test_cors_for_reads_and_openapi(client):
    response = client.get("/api/search", params={"q": "論語"}, headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    spec = client.get("/openapi.json").json()
    assert "/api/search" in spec["paths"] and "/api/records/{record_id}" in spec["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/search" in docs.text
