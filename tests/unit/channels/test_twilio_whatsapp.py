import base64
import json

import pytest
from twilio.request_validator import RequestValidator

from channels import twilio_whatsapp as tw
from channels.base import Button, OutboundMessage, SendError, WebhookError

from .helpers import closed_port_url, load, long_text, words

TOKEN = "0123456789abcdef0123456789abcdef"
URL = "https://tutor.example.com/v1/twilio/whatsapp"
SID = "AC0123456789abcdef0123456789abcdef"


def parse_one(name: str):
    parsed = tw.parse(load("twilio", name))
    assert parsed.statuses == []
    [message] = parsed.messages
    assert message.channel == "twilio"
    return message


def test_parse_text():
    m = parse_one("text")
    assert m.sender == "+34600111222"
    assert m.text == "Hola! Quiero practicar el pretérito"
    assert m.message_id == "SM4c3b5a8f0e2d1c9b7a6f5e4d3c2b1a09"
    assert m.display_name == "Lucía Fernández"
    assert (m.media, m.from_button, m.reply_to) == ([], False, None)


def test_parse_button_reply_uses_payload():
    m = parse_one("button_reply")
    assert (m.text, m.from_button) == ("lesson:next", True)
    assert m.message_id == "SM9f8e7d6c5b4a39281706f5e4d3c2b1a0"


def test_parse_voice_note():
    m = parse_one("voice_note")
    assert m.text == ""
    [media] = m.media
    assert (media.kind, media.content_type) == ("audio", "audio/ogg")
    assert media.url.endswith("/Media/ME2f1e0d9c8b7a695847362514f3e2d1c0")


def test_parse_image_with_caption():
    m = parse_one("image")
    assert m.text == "¿Cómo se dice esto?"
    assert [(x.kind, x.content_type) for x in m.media] == [("image", "image/jpeg")]


@pytest.mark.parametrize(
    ("content_type", "kind"),
    [("video/mp4", "video"), ("application/pdf", "document"), ("image/webp", "image")],
)
def test_media_kind_from_content_type(content_type, kind):
    params = {**load("twilio", "image"), "MediaContentType0": content_type}
    assert tw.parse(params).messages[0].media[0].kind == kind


def test_parse_several_media():
    params = {
        **load("twilio", "image"),
        "NumMedia": "2",
        "MediaUrl1": "https://api.twilio.com/x/Media/ME2",
        "MediaContentType1": "audio/mpeg",
    }
    assert [m.kind for m in tw.parse(params).messages[0].media] == ["image", "audio"]


@pytest.mark.parametrize("field", ["MessageSid", "From"])
def test_parse_requires_sid_and_sender(field):
    params = {k: v for k, v in load("twilio", "text").items() if k != field}
    with pytest.raises(WebhookError, match=field):
        tw.parse(params)


def test_parse_status_delivered():
    parsed = tw.parse_status(load("twilio", "status_delivered"))
    assert parsed.messages == []
    [status] = parsed.statuses
    assert (status.provider_message_id, status.status, status.error) == (
        "SMb2c3d4e5f60718293a4b5c6d7e8f9012",
        "delivered",
        None,
    )


def test_parse_status_failed_carries_error():
    [status] = tw.parse_status(load("twilio", "status_failed")).statuses
    assert status.status == "failed"
    assert status.error.startswith("63016")
    assert "outside the allowed window" in status.error


def test_parse_status_skips_intermediate_states():
    params = {**load("twilio", "status_delivered"), "MessageStatus": "sending"}
    assert tw.parse_status(params).statuses == []


def test_parse_status_requires_status():
    params = {k: v for k, v in load("twilio", "status_delivered").items() if k != "MessageStatus"}
    with pytest.raises(WebhookError, match="MessageStatus"):
        tw.parse_status(params)


def test_verify_accepts_twilio_signature():
    params = load("twilio", "text")
    signature = RequestValidator(TOKEN).compute_signature(URL, params)
    assert tw.verify(URL, params, signature, TOKEN)


def test_verify_rejects_forged_tampered_and_missing():
    params = load("twilio", "text")
    good = RequestValidator(TOKEN).compute_signature(URL, params)
    forged = RequestValidator("f" * 32).compute_signature(URL, params)
    assert not tw.verify(URL, params, forged, TOKEN)
    assert not tw.verify(URL, {**params, "Body": "changed"}, good, TOKEN)
    assert not tw.verify(URL + "?x=1", params, good, TOKEN)
    assert not tw.verify(URL, params, None, TOKEN)
    assert not tw.verify(URL, params, "", TOKEN)
    assert not tw.verify(URL, params, good, "")


@pytest.mark.parametrize(
    ("to", "from_"),
    [("+34600111222", "+14155238886"), ("whatsapp:+34600111222", "whatsapp:+14155238886")],
)
def test_render_adds_whatsapp_prefix_once(to, from_):
    [payload] = tw.render(OutboundMessage(text="¡Bien hecho!"), to, from_)
    assert payload == {
        "to": "whatsapp:+34600111222",
        "from_": "whatsapp:+14155238886",
        "body": "¡Bien hecho!",
    }


def test_render_chunks_long_text_without_loss():
    text = long_text(12)
    assert len(text) > 2 * tw.TEXT_LIMIT
    payloads = tw.render(OutboundMessage(text=text), "+1", "+2")
    assert len(payloads) >= 3
    assert all(len(p["body"]) <= tw.TEXT_LIMIT for p in payloads)
    assert words(*(p["body"] for p in payloads)) == words(text)


def test_render_buttons_as_numbered_list():
    message = OutboundMessage(
        text="¿Cuál es correcto?",
        buttons=[Button(id="a", title="comí"), Button(id="b", title="comé")],
    )
    [payload] = tw.render(message, "+1", "+2")
    assert payload["body"] == "¿Cuál es correcto?\n\n1. comí\n2. comé"


def test_render_template():
    payload = tw.render_template("+1", "whatsapp:+2", "HX0123", {"1": "Lucía", "2": "7 días"})
    assert payload["to"] == "whatsapp:+1" and payload["from_"] == "whatsapp:+2"
    assert payload["content_sid"] == "HX0123"
    assert json.loads(payload["content_variables"]) == {"1": "Lucía", "2": "7 días"}


def _sender(fake, **kwargs) -> tw.TwilioSender:
    return tw.TwilioSender(SID, TOKEN, api_base=fake.base_url, **kwargs)


async def test_sender_goes_through_the_sdk_to_the_messages_api(fake):
    sender = _sender(fake)
    [payload] = tw.render(OutboundMessage(text="Hola, Lucía"), "+34600111222", "+14155238886")
    result = await sender.send(payload)
    [request] = fake.sent()
    assert result.provider_message_id == request.response["sid"]
    assert result.provider_message_id.startswith("SM") and len(result.provider_message_id) == 34
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request.form == {
        "To": "whatsapp:+34600111222",
        "From": "whatsapp:+14155238886",
        "Body": "Hola, Lucía",
    }
    user, password = base64.b64decode(request.headers["Authorization"][6:]).decode().split(":")
    assert (user, password) == (SID, TOKEN)
    assert request.headers["User-Agent"].startswith("twilio-python/")
    await sender.aclose()


async def test_sender_adds_status_callback(fake):
    sender = _sender(fake, status_callback="https://tutor.example.com/v1/twilio/status")
    payload = tw.render(OutboundMessage(text="Hi"), "+1", "+2")[0]
    await sender.send(payload)
    assert fake.sent()[0].form["StatusCallback"] == "https://tutor.example.com/v1/twilio/status"
    assert "status_callback" not in payload  # the caller's payload is left alone


async def test_sender_sends_templates(fake):
    payload = tw.render_template("+1", "+2", "HXabc", {"1": "Lucía"})
    await _sender(fake).send(payload)
    form = fake.sent()[0].form
    assert form["ContentSid"] == "HXabc"
    assert json.loads(form["ContentVariables"]) == {"1": "Lucía"}


async def test_sender_429_is_retryable_with_retry_after_and_not_retried_internally(fake):
    fake.fail_next(1, status=429, retry_after=7)
    with pytest.raises(SendError) as info:
        await _sender(fake).send(tw.render(OutboundMessage(text="Hi"), "+1", "+2")[0])
    assert (info.value.status, info.value.retryable, info.value.retry_after) == (429, True, 7.0)
    assert len(fake.requests) == 1


async def test_sender_500_is_retryable_and_tried_once(fake):
    fake.fail_next(3, status=500)
    with pytest.raises(SendError) as info:
        await _sender(fake).send(tw.render(OutboundMessage(text="Hi"), "+1", "+2")[0])
    assert (info.value.status, info.value.retryable) == (500, True)
    assert len(fake.requests) == 1


async def test_sender_400_is_not_retryable(fake):
    fake.fail_next(1, status=400)
    with pytest.raises(SendError) as info:
        await _sender(fake).send(tw.render(OutboundMessage(text="Hi"), "+1", "+2")[0])
    assert (info.value.status, info.value.retryable, info.value.retry_after) == (400, False, None)
    assert fake.sent() == []


async def test_sender_connection_error_is_retryable():
    sender = tw.TwilioSender(SID, TOKEN, api_base=closed_port_url())
    with pytest.raises(SendError) as info:
        await sender.send(tw.render(OutboundMessage(text="Hi"), "+1", "+2")[0])
    assert (info.value.status, info.value.retryable) == (None, True)
