from datetime import UTC, datetime

import pytest

from channels import telegram as tg
from channels.base import Button, OutboundMessage, SendError, WebhookError

from .helpers import load, long_text, words

BOT_TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
AMELIE = "5071234987"


def parse_one(name: str):
    parsed = tg.parse(load("telegram", name))
    assert parsed.statuses == []
    [message] = parsed.messages
    assert message.channel == "telegram"
    assert message.sender == AMELIE
    assert message.display_name == "Amélie Dubois"
    return message


@pytest.mark.parametrize(
    ("header", "ok"),
    [("s3cr3t-token", True), ("s3cr3t-tokeN", False), ("", False), (None, False)],
)
def test_verify_secret_token(header, ok):
    assert tg.verify(header, "s3cr3t-token") is ok


def test_verify_refuses_when_no_secret_configured():
    assert not tg.verify("", "")


def test_parse_text():
    m = parse_one("text")
    assert m.text == "Bonjour! Can we practise the subjunctive?"
    assert m.message_id == "482910331"
    assert m.reply_to == AMELIE
    assert m.received_at == datetime(2024, 6, 10, 15, 0, 2, tzinfo=UTC)
    assert (m.media, m.from_button) == ([], False)


def test_parse_voice():
    m = parse_one("voice")
    assert m.text == ""
    [media] = m.media
    assert (media.kind, media.content_type) == ("audio", "audio/ogg")
    assert media.media_id.startswith("AwACAgQAAxkBAAIEtWZmN8rVoice")


def test_parse_photo_takes_largest_and_caption():
    m = parse_one("photo")
    assert m.text == "Comment dit-on ça ?"
    assert [(x.kind, x.media_id) for x in m.media] == [("image", "AgACAgQAAxkBAAIEtmZmlarge")]


def test_largest_photo_is_chosen_by_size_not_position():
    update = load("telegram", "photo")
    update["message"]["photo"].reverse()
    assert tg.parse(update).messages[0].media[0].media_id == "AgACAgQAAxkBAAIEtmZmlarge"


@pytest.mark.parametrize(
    ("field", "kind"),
    [("video", "video"), ("document", "document"), ("sticker", "sticker"), ("audio", "audio")],
)
def test_parse_other_media(field, kind):
    update = load("telegram", "voice")
    update["message"][field] = update["message"].pop("voice")
    assert tg.parse(update).messages[0].media[0].kind == kind


def test_parse_callback_query():
    update = load("telegram", "callback_query")
    m = parse_one("callback_query")
    assert (m.text, m.from_button) == ("answer:a", True)
    assert m.message_id == "482910334"
    assert m.reply_to == AMELIE
    assert tg.callback_query_ids(update) == ["2177428362847523710"]


def test_group_replies_go_to_the_chat():
    update = load("telegram", "text")
    update["message"]["chat"] = {
        "id": -1001234567890,
        "title": "Clase de francés",
        "type": "supergroup",
    }
    m = tg.parse(update).messages[0]
    assert (m.sender, m.reply_to) == (AMELIE, "-1001234567890")


@pytest.mark.parametrize("name", ["edited_message", "channel_post"])
def test_other_updates_carry_no_messages(name):
    update = load("telegram", name)
    assert tg.parse(update).messages == []
    assert tg.callback_query_ids(update) == []


def test_parse_requires_update_id():
    update = load("telegram", "text")
    del update["update_id"]
    with pytest.raises(WebhookError, match="update_id"):
        tg.parse(update)


def test_render_text_as_html():
    [payload] = tg.render(OutboundMessage(text="Très *bien*!"), AMELIE)
    assert payload == {"chat_id": AMELIE, "text": "Très <b>bien</b>!", "parse_mode": "HTML"}


def test_render_escapes_html_before_converting():
    text = '<script>alert("x")</script> & *gras* _italique_'
    [payload] = tg.render(OutboundMessage(text=text), AMELIE)
    assert payload["text"] == (
        '&lt;script&gt;alert("x")&lt;/script&gt; &amp; <b>gras</b> <i>italique</i>'
    )


@pytest.mark.parametrize(
    "text",
    ["2 * 3 * 4 = 24", "use snake_case_names", "a*b*c", "* not bold *", "**", "_ _"],
)
def test_render_leaves_lone_markers_alone(text):
    assert tg.render(OutboundMessage(text=text), AMELIE)[0]["text"] == text


def test_render_never_misnests_tags():
    html = tg.to_html("*a _b* c_")
    assert html == "<b>a _b</b> c_"


def test_render_chunks_at_4096_without_loss():
    text = long_text(25)
    payloads = tg.render(OutboundMessage(text=text), AMELIE)
    assert len(payloads) >= 3
    assert all(len(p["text"]) <= 4096 for p in payloads)
    assert words(*(p["text"] for p in payloads)) == words(text)


def test_render_keyboard_on_last_chunk_one_button_per_row():
    message = OutboundMessage(
        text=long_text(25),
        buttons=[Button(id="answer:a", title="que je sois"), Button(id="b", title="B")],
    )
    *before, last = tg.render(message, AMELIE)
    assert before and all("reply_markup" not in p for p in before)
    assert last["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "que je sois", "callback_data": "answer:a"}],
            [{"text": "B", "callback_data": "b"}],
        ]
    }


def test_callback_data_over_64_bytes_falls_back_to_numbered_text():
    # 33 characters but 66 bytes: the limit is in bytes.
    message = OutboundMessage(
        text="Choisis", buttons=[Button(id="ñ" * 33, title="Oui"), Button(id="n", title="Non")]
    )
    [payload] = tg.render(message, AMELIE)
    assert "reply_markup" not in payload
    assert payload["text"] == "Choisis\n\n1. Oui\n2. Non"


def test_callback_data_of_64_bytes_fits():
    message = OutboundMessage(text="Choisis", buttons=[Button(id="ñ" * 32, title="Oui")])
    [payload] = tg.render(message, AMELIE)
    assert payload["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ñ" * 32


def _sender(fake) -> tg.TelegramSender:
    return tg.TelegramSender(BOT_TOKEN, api_base=fake.base_url)


async def test_sender_posts_send_message(fake):
    sender = _sender(fake)
    message = OutboundMessage(text="*Salut*", buttons=[Button(id="go", title="Go")])
    [payload] = tg.render(message, AMELIE)
    result = await sender.send(payload)
    [request] = fake.sent()
    assert request.path == f"/bot{BOT_TOKEN}/sendMessage"
    assert request.json == payload
    assert result.provider_message_id == str(request.response["result"]["message_id"])
    second = await sender.send(payload)
    assert int(second.provider_message_id) == int(result.provider_message_id) + 1
    await sender.aclose()


async def test_sender_answers_callbacks(fake):
    sender = _sender(fake)
    await sender.answer_callback("2177428362847523710")
    [request] = fake.sent("answerCallbackQuery")
    assert request.path == f"/bot{BOT_TOKEN}/answerCallbackQuery"
    assert request.json == {"callback_query_id": "2177428362847523710"}
    await sender.aclose()


async def test_sender_429_uses_body_retry_after(fake):
    fake.fail_next(1, status=429, retry_after=3)
    sender = _sender(fake)
    with pytest.raises(SendError) as info:
        await sender.send(tg.render(OutboundMessage(text="Hi"), AMELIE)[0])
    assert (info.value.status, info.value.retryable, info.value.retry_after) == (429, True, 3.0)
    await sender.aclose()


async def test_sender_400_is_not_retryable_and_hides_token(fake):
    sender = _sender(fake)
    with pytest.raises(SendError) as info:
        await sender.send({"chat_id": AMELIE, "text": ""})
    assert (info.value.status, info.value.retryable) == (400, False)
    assert "message text is empty" in str(info.value)
    assert BOT_TOKEN not in str(info.value)
    await sender.aclose()
