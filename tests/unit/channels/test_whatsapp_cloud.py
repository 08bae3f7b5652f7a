from datetime import UTC, datetime

import pytest

from channels import whatsapp_cloud as wa
from channels.base import Button, OutboundMessage, SendError, WebhookError

from .helpers import load, long_text, words

TOKEN = "EAAGm0PX4ZCpsBAtoken"
PHONE_ID = "106540352242922"
KENJI = "819012345678"


def parse_one(name: str):
    parsed = wa.parse(load("whatsapp", name))
    assert parsed.statuses == []
    [message] = parsed.messages
    assert message.channel == "whatsapp"
    assert message.sender == KENJI
    assert message.display_name == "Kenji Watanabe"
    return message


def test_parse_text():
    m = parse_one("text")
    assert m.text == "こんにちは! I want to learn Spanish"
    assert m.message_id.startswith("wamid.HBgMODE5MDEyMzQ1Njc4FQIAEhggM0E2RkM3")
    assert m.received_at == datetime(2024, 6, 10, 15, 0, 2, tzinfo=UTC)
    assert (m.media, m.from_button) == ([], False)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("interactive_button_reply", "answer:b"),
        ("interactive_list_reply", "topic:travel"),
        ("button_template_reply", "reminder:snooze"),
    ],
)
def test_parse_button_presses_give_the_id(name, text):
    m = parse_one(name)
    assert (m.text, m.from_button) == (text, True)


def test_template_quick_reply_without_payload_uses_text():
    body = load("whatsapp", "button_template_reply")
    del body["entry"][0]["changes"][0]["value"]["messages"][0]["button"]["payload"]
    assert wa.parse(body).messages[0].text == "Remind me later"


def test_parse_voice_note():
    m = parse_one("audio_voice")
    [media] = m.media
    assert (media.kind, media.media_id, media.content_type, media.url) == (
        "audio",
        "1003383421387256",
        "audio/ogg; codecs=opus",
        None,
    )
    assert m.text == ""


def test_parse_image_caption():
    m = parse_one("image_caption")
    assert m.text == "¿Qué es esto en español?"
    assert [(x.kind, x.media_id, x.content_type) for x in m.media] == [
        ("image", "1479537139650973", "image/jpeg")
    ]


@pytest.mark.parametrize("kind", ["video", "document", "sticker"])
def test_parse_other_media(kind):
    body = load("whatsapp", "audio_voice")
    message = body["entry"][0]["changes"][0]["value"]["messages"][0]
    message["type"] = kind
    message[kind] = message.pop("audio")
    [m] = wa.parse(body).messages
    assert m.media[0].kind == kind and m.media[0].media_id == "1003383421387256"


def test_reaction_is_skipped():
    assert wa.parse(load("whatsapp", "reaction")).model_dump() == {"messages": [], "statuses": []}


def test_unsupported_type_is_skipped():
    body = load("whatsapp", "text")
    message = body["entry"][0]["changes"][0]["value"]["messages"][0]
    message.update(type="location", location={"latitude": 35.6, "longitude": 139.7})
    assert wa.parse(body).messages == []


@pytest.mark.parametrize("status", ["sent", "delivered", "read", "failed"])
def test_parse_statuses(status):
    parsed = wa.parse(load("whatsapp", f"status_{status}"))
    assert parsed.messages == []
    [update] = parsed.statuses
    assert update.channel == "whatsapp"
    assert (
        update.provider_message_id
        == "wamid.HBgMODE5MDEyMzQ1Njc4FQIAERgSNjJBNzk5QkE2RDgwMzBFRjZGAA=="
    )
    assert update.status == status
    assert (update.error is None) == (status != "failed")


def test_failed_status_error_text():
    [update] = wa.parse(load("whatsapp", "status_failed")).statuses
    assert update.error.startswith("131047: Re-engagement message")
    assert "more than 24 hours" in update.error


def test_display_names_match_each_sender():
    body = load("whatsapp", "text")
    value = body["entry"][0]["changes"][0]["value"]
    value["contacts"].append({"profile": {"name": "Ana"}, "wa_id": "34600999888"})
    value["messages"].append({**value["messages"][0], "from": "34600999888", "id": "wamid.2"})
    names = [(m.sender, m.display_name) for m in wa.parse(body).messages]
    assert names == [(KENJI, "Kenji Watanabe"), ("34600999888", "Ana")]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"object": "page", "entry": []}, "whatsapp_business_account"),
        ({"entry": []}, "whatsapp_business_account"),
        ({"object": "whatsapp_business_account"}, "entry"),
        ({"object": "whatsapp_business_account", "entry": {"id": "1"}}, "entry"),
        ([], "whatsapp_business_account"),
    ],
)
def test_parse_rejects_other_bodies(body, reason):
    with pytest.raises(WebhookError) as info:
        wa.parse(body)
    assert reason in info.value.reason


def test_parse_rejects_message_without_sender():
    body = load("whatsapp", "text")
    del body["entry"][0]["changes"][0]["value"]["messages"][0]["from"]
    with pytest.raises(WebhookError, match="from"):
        wa.parse(body)


def buttons(n: int, title: str = "Option") -> list[Button]:
    return [Button(id=f"opt:{i}", title=f"{title} {i}") for i in range(n)]


def test_render_text():
    assert wa.render(OutboundMessage(text="¡Muy bien!"), KENJI) == [
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": KENJI,
            "type": "text",
            "text": {"body": "¡Muy bien!"},
        }
    ]


def test_render_chunks_long_text_without_loss():
    text = long_text(25)
    payloads = wa.render(OutboundMessage(text=text), KENJI)
    assert len(payloads) >= 3
    assert all(p["type"] == "text" and len(p["text"]["body"]) <= 4096 for p in payloads)
    assert words(*(p["text"]["body"] for p in payloads)) == words(text)


@pytest.mark.parametrize("count", [1, 3])
def test_render_reply_buttons(count):
    [payload] = wa.render(OutboundMessage(text="Pick one", buttons=buttons(count)), KENJI)
    interactive = payload["interactive"]
    assert payload["type"] == "interactive" and interactive["type"] == "button"
    assert interactive["body"] == {"text": "Pick one"}
    assert interactive["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": f"opt:{i}", "title": f"Option {i}"}} for i in range(count)
    ]


def test_reply_button_titles_truncated_to_20():
    message = OutboundMessage(
        text="?",
        buttons=[
            Button(id="long", title="Una respuesta demasiado larga"),
            Button(id="s", title="Sí"),
        ],
    )
    [payload] = wa.render(message, KENJI)
    titles = [b["reply"]["title"] for b in payload["interactive"]["action"]["buttons"]]
    assert titles == ["Una respuesta demas…", "Sí"]
    assert all(len(t) <= 20 for t in titles)


def test_titles_alike_once_cut_are_numbered_so_meta_accepts_them():
    message = OutboundMessage(
        text="Which greeting?",
        buttons=[
            Button(id="a", title="Buenas tardes, señora García"),
            Button(id="b", title="Buenas tardes, señora Gómez"),
        ],
    )
    [payload] = wa.render(message, KENJI)
    titles = [b["reply"]["title"] for b in payload["interactive"]["action"]["buttons"]]
    assert titles == ["1. Buenas tardes, s…", "2. Buenas tardes, s…"]
    rows = wa.render(OutboundMessage(text="?", buttons=[*message.buttons, *buttons(3)]), KENJI)[0][
        "interactive"
    ]["action"]["sections"][0]["rows"]
    assert len({row["title"] for row in rows}) == 5 and all(len(r["title"]) <= 24 for r in rows)


@pytest.mark.parametrize("count", [4, 10])
def test_render_list(count):
    [payload] = wa.render(OutboundMessage(text="Choose a topic", buttons=buttons(count)), KENJI)
    interactive = payload["interactive"]
    assert interactive["type"] == "list"
    assert interactive["body"] == {"text": "Choose a topic"}
    action = interactive["action"]
    assert 0 < len(action["button"]) <= 20
    [section] = action["sections"]
    assert section["rows"] == [{"id": f"opt:{i}", "title": f"Option {i}"} for i in range(count)]


def test_list_row_titles_truncated_with_full_title_in_description():
    long_title = "Viajes, transporte y alojamiento en la ciudad"
    message = OutboundMessage(
        text="Topic?", buttons=[Button(id="t", title=long_title), *buttons(3)]
    )
    [payload] = wa.render(message, KENJI)
    row = payload["interactive"]["action"]["sections"][0]["rows"][0]
    assert row["title"] == "Viajes, transporte y al…" and len(row["title"]) <= 24
    assert row["description"] == long_title
    long_row = wa.render(
        OutboundMessage(text="?", buttons=[Button(id="t", title="x" * 100), *buttons(3)]), KENJI
    )[0]["interactive"]["action"]["sections"][0]["rows"][0]
    assert len(long_row["description"]) == 72 and long_row["description"].endswith("…")


def test_more_than_ten_buttons_become_numbered_text():
    [payload] = wa.render(OutboundMessage(text="Pick", buttons=buttons(11)), KENJI)
    assert payload["type"] == "text"
    assert payload["text"]["body"].startswith("Pick\n\n1. Option 0\n2. Option 1")
    assert "11. Option 10" in payload["text"]["body"]


def test_too_long_button_id_becomes_numbered_text():
    message = OutboundMessage(text="Pick", buttons=[Button(id="x" * 257, title="A")])
    [payload] = wa.render(message, KENJI)
    assert payload["type"] == "text" and payload["text"]["body"] == "Pick\n\n1. A"


def test_long_text_with_buttons_sends_text_first_then_interactive():
    text = long_text(3, 100)  # ~2.5k characters
    payloads = wa.render(OutboundMessage(text=text, buttons=buttons(2)), KENJI)
    *before, last = payloads
    assert before and all(p["type"] == "text" for p in before)
    assert last["type"] == "interactive"
    body = last["interactive"]["body"]["text"]
    assert 0 < len(body) <= 1024
    assert words(*(p["text"]["body"] for p in before), body) == words(text)


def test_render_template():
    payload = wa.render_template(KENJI, "streak_reminder", "es", ["Kenji", "5"])
    assert payload == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": KENJI,
        "type": "template",
        "template": {
            "name": "streak_reminder",
            "language": {"code": "es"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "Kenji"},
                        {"type": "text", "text": "5"},
                    ],
                }
            ],
        },
    }


def _sender(fake) -> wa.CloudSender:
    return wa.CloudSender(TOKEN, PHONE_ID, api_base=fake.base_url + "/v21.0")


async def test_sender_posts_to_phone_number_messages(fake):
    sender = _sender(fake)
    payload = wa.render(OutboundMessage(text="Hola", buttons=buttons(2)), KENJI)[0]
    result = await sender.send(payload)
    [request] = fake.sent()
    assert request.path == f"/v21.0/{PHONE_ID}/messages"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.json == payload
    assert result.provider_message_id == request.response["messages"][0]["id"]
    assert result.provider_message_id.startswith("wamid.")
    await sender.aclose()


async def test_sender_429_is_retryable_with_retry_after(fake):
    fake.fail_next(1, status=429, retry_after=30)
    sender = _sender(fake)
    with pytest.raises(SendError) as info:
        await sender.send(wa.render(OutboundMessage(text="Hi"), KENJI)[0])
    assert (info.value.status, info.value.retryable, info.value.retry_after) == (429, True, 30.0)
    result = await sender.send(wa.render(OutboundMessage(text="Hi"), KENJI)[0])
    assert result.provider_message_id.startswith("wamid.")
    await sender.aclose()


async def test_sender_400_is_not_retryable(fake):
    fake.fail_next(1, status=400)
    sender = _sender(fake)
    with pytest.raises(SendError) as info:
        await sender.send(wa.render(OutboundMessage(text="Hi"), KENJI)[0])
    assert (info.value.status, info.value.retryable) == (400, False)
    assert "(#100)" in str(info.value)
    assert TOKEN not in str(info.value)
    await sender.aclose()


async def test_sender_uses_given_client_and_leaves_it_open(fake):
    import httpx

    async with httpx.AsyncClient() as client:
        sender = wa.CloudSender(TOKEN, PHONE_ID, api_base=fake.base_url + "/v21.0", client=client)
        await sender.send(wa.render(OutboundMessage(text="Hi"), KENJI)[0])
        await sender.aclose()
        assert not client.is_closed
