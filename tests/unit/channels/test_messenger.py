from datetime import UTC, datetime

import pytest

from channels import messenger as ms
from channels.base import Button, OutboundMessage, SendError, WebhookError

from .helpers import load, long_text, words

PAGE_TOKEN = "EAAJpagetokenZBZC"
PSID = "6543210987654321"


def parse_one(name: str):
    parsed = ms.parse(load("messenger", name))
    assert parsed.statuses == []
    [message] = parsed.messages
    assert message.channel == "messenger"
    assert message.sender == PSID
    return message


def test_parse_text():
    m = parse_one("text")
    assert m.text == "Ciao! Voglio imparare l'italiano"
    assert m.message_id == "m_AaBbCcDdEeFf0123456789text"
    assert m.received_at == datetime(2024, 6, 10, 15, 0, 2, 451000, tzinfo=UTC)
    assert (m.media, m.from_button) == ([], False)


def test_parse_quick_reply_gives_payload():
    m = parse_one("quick_reply")
    assert (m.text, m.from_button, m.message_id) == (
        "lesson:next",
        True,
        "m_AaBbCcDdEeFf0123456789quick",
    )


def test_parse_postback():
    m = parse_one("postback")
    assert (m.text, m.from_button, m.message_id) == (
        "GET_STARTED",
        True,
        "m_AaBbCcDdEeFf0123456789postback",
    )


def test_postback_without_mid_gets_a_stable_id():
    body = load("messenger", "postback")
    del body["entry"][0]["messaging"][0]["postback"]["mid"]
    assert ms.parse(body).messages[0].message_id == f"postback:{PSID}:1718031620112"


def test_parse_audio_attachment():
    m = parse_one("audio")
    assert m.text == ""
    [media] = m.media
    assert media.kind == "audio"
    assert media.url.startswith("https://cdn.fbsbx.com/v/t59.3654-21/448215637_audioclip")


@pytest.mark.parametrize(
    ("kind", "expected"), [("image", "image"), ("video", "video"), ("file", "document")]
)
def test_parse_other_attachments(kind, expected):
    body = load("messenger", "audio")
    body["entry"][0]["messaging"][0]["message"]["attachments"][0]["type"] = kind
    assert ms.parse(body).messages[0].media[0].kind == expected


@pytest.mark.parametrize("name", ["echo", "read"])
def test_echo_and_read_are_ignored(name):
    assert ms.parse(load("messenger", name)).model_dump() == {"messages": [], "statuses": []}


def test_parse_delivery():
    parsed = ms.parse(load("messenger", "delivery"))
    assert parsed.messages == []
    assert [(s.provider_message_id, s.status, s.channel) for s in parsed.statuses] == [
        ("m_SentOne0123456789abcdef", "delivered", "messenger"),
        ("m_SentTwo0123456789abcdef", "delivered", "messenger"),
    ]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"object": "instagram", "entry": []}, "page"),
        ({"object": "whatsapp_business_account", "entry": []}, "page"),
        ({"object": "page", "entry": "x"}, "entry"),
        ("page", "page"),
    ],
)
def test_parse_rejects_other_bodies(body, reason):
    with pytest.raises(WebhookError) as info:
        ms.parse(body)
    assert reason in info.value.reason


def test_render_text():
    assert ms.render(OutboundMessage(text="Bravo!"), PSID) == [
        {"recipient": {"id": PSID}, "messaging_type": "RESPONSE", "message": {"text": "Bravo!"}}
    ]


def test_render_chunks_at_2000_without_loss():
    text = long_text(12)
    bodies = ms.render(OutboundMessage(text=text), PSID)
    assert len(bodies) >= 3
    assert all(len(b["message"]["text"]) <= 2000 for b in bodies)
    assert words(*(b["message"]["text"] for b in bodies)) == words(text)


def test_quick_replies_on_last_chunk_with_titles_truncated():
    buttons = [Button(id="a", title="Sì"), Button(id="b", title="Non ancora, grazie mille")]
    *before, last = ms.render(OutboundMessage(text=long_text(12), buttons=buttons), PSID)
    assert before and all("quick_replies" not in b["message"] for b in before)
    assert last["message"]["quick_replies"] == [
        {"content_type": "text", "title": "Sì", "payload": "a"},
        {"content_type": "text", "title": "Non ancora, grazie…", "payload": "b"},
    ]
    assert all(len(q["title"]) <= 20 for q in last["message"]["quick_replies"])


def test_thirteen_quick_replies_fit_fourteen_do_not():
    thirteen = [Button(id=f"o{i}", title=f"Opzione {i}") for i in range(13)]
    [body] = ms.render(OutboundMessage(text="Scegli", buttons=thirteen), PSID)
    assert len(body["message"]["quick_replies"]) == 13
    fourteen = [*thirteen, Button(id="o13", title="Opzione 13")]
    [body] = ms.render(OutboundMessage(text="Scegli", buttons=fourteen), PSID)
    assert "quick_replies" not in body["message"]
    assert body["message"]["text"].startswith("Scegli\n\n1. Opzione 0\n")
    assert body["message"]["text"].endswith("14. Opzione 13")


def _sender(fake) -> ms.MessengerSender:
    return ms.MessengerSender(PAGE_TOKEN, api_base=fake.base_url + "/v21.0")


async def test_sender_posts_to_me_messages(fake):
    sender = _sender(fake)
    [payload] = ms.render(
        OutboundMessage(text="Ciao", buttons=[Button(id="go", title="Via")]), PSID
    )
    result = await sender.send(payload)
    [request] = fake.sent("/me/messages")
    assert request.path == "/v21.0/me/messages"
    assert request.query == {"access_token": PAGE_TOKEN}
    assert request.json == payload
    assert result.provider_message_id == request.response["message_id"]
    assert result.provider_message_id.startswith("m_")
    await sender.aclose()


async def test_sender_429_is_retryable(fake):
    fake.fail_next(1, status=429, retry_after=60)
    sender = _sender(fake)
    with pytest.raises(SendError) as info:
        await sender.send(ms.render(OutboundMessage(text="Hi"), PSID)[0])
    assert (info.value.status, info.value.retryable, info.value.retry_after) == (429, True, 60.0)
    await sender.aclose()


async def test_sender_400_is_not_retryable_and_hides_token(fake):
    fake.fail_next(1, status=400)
    sender = _sender(fake)
    with pytest.raises(SendError) as info:
        await sender.send(ms.render(OutboundMessage(text="Hi"), PSID)[0])
    assert (info.value.status, info.value.retryable) == (400, False)
    assert PAGE_TOKEN not in str(info.value)
    await sender.aclose()
