import httpx

from tests.fake_provider import FakeProvider


def test_fail_next_counts_down_then_succeeds():
    with FakeProvider() as fake:
        fake.fail_next(2, status=503)
        url = fake.base_url + "/v21.0/me/messages?access_token=t"
        body = {"recipient": {"id": "1"}, "message": {"text": "x"}}
        statuses = [httpx.post(url, json=body).status_code for _ in range(3)]
        assert statuses == [503, 503, 200]
        assert len(fake.requests) == 3 and len(fake.sent()) == 1


def test_unknown_paths_are_404_and_not_sent():
    with FakeProvider() as fake:
        assert httpx.post(fake.base_url + "/nope", json={}).status_code == 404
        assert fake.sent() == [] and len(fake.requests) == 1


def test_sent_filters_by_path():
    with FakeProvider() as fake:
        httpx.post(fake.base_url + "/bot1:x/sendMessage", json={"chat_id": 1, "text": "a"})
        httpx.post(fake.base_url + "/bot1:x/answerCallbackQuery", json={"callback_query_id": "9"})
        assert [r.path for r in fake.sent("sendMessage")] == ["/bot1:x/sendMessage"]
        assert len(fake.sent()) == 2
