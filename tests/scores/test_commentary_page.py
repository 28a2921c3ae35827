"""GET /api/matches/<id>/commentary: the whole match ball by ball, in pages, newest first."""

from __future__ import annotations

import pytest

from tests.scores.helpers import make_match, score

pytestmark = [pytest.mark.django_db, pytest.mark.db]


def test_pages_walk_back_to_the_first_ball_with_over_summaries(client):
    match = make_match()
    scored = score(match, 130, user=None)
    seen = []
    before = None
    while True:
        url = f"/api/matches/{match.id}/commentary?limit=50"
        if before is not None:
            url += f"&before={before}"
        page = client.get(url).json()
        seen += page["entries"]
        if not page["more"]:
            break
        before = page["entries"][-1]["seq"]
    seqs = [e["seq"] for e in seen]
    assert seqs == sorted(seqs, reverse=True)
    assert len(seqs) == len(set(seqs)) == scored
    summaries = [e["summary"] for e in seen if e["summary"]]
    assert summaries[-1].startswith("End of over 1: ")
    assert any(s.startswith("End of over 2: 4 runs, Gujarat Titans 8/0") for s in summaries)


def test_bad_paging_is_a_400_and_a_missing_match_a_404(client):
    match = make_match()
    for query in ("before=x", "limit=0", "limit=999", "before=-1"):
        response = client.get(f"/api/matches/{match.id}/commentary?{query}")
        assert response.status_code == 400
        assert response.json()["error"] == "bad_request"
    assert client.get("/api/matches/999999/commentary").status_code == 404
