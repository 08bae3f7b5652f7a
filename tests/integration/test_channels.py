"""The four messaging channels end to end, on SQLite and PostgreSQL, against a fake provider."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import func, select

from tests.fakes import ScriptedChatModel, intent_call, system_text
from tests.integration.channel_support import (
    META_VERIFY,
    PHONE_ID,
    TWILIO_FROM,
    ChannelApp,
    channel_settings,
    cloud_message,
    cloud_webhook,
    messenger_message,
    telegram_message,
    twilio_form,
)
from tools.db import session_scope
from tools.db.models import ChannelIdentity, InboxMessage, Learner, OutboxMessage


def new_phone() -> str:
    return "+34" + str(uuid.uuid4().int)[:9]


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


@pytest.fixture
async def app(database_url, fake):
    async with ChannelApp(channel_settings(database_url, fake.base_url)) as running:
        yield running


def twilio_bodies(fake, phone: str) -> list[str]:
    return [
        r.form["Body"] for r in fake.sent("Messages.json") if r.form["To"] == f"whatsapp:{phone}"
    ]


async def count(database_url: str, model, *conditions) -> int:
    async with session_scope(database_url) as session:
        return await session.scalar(select(func.count()).select_from(model).where(*conditions))


async def test_twilio_message_is_answered_through_the_rest_api(app, fake):
    phone = new_phone()
    response = await app.twilio(twilio_form(new_sid(), phone, "hi"))
    assert response.status_code == 200
    assert response.text.endswith("<Response/>") and "xml" in response.headers["content-type"]
    await app.settle()
    bodies = twilio_bodies(fake, phone)
    assert any("Which language would you like to learn" in b and "1. Spanish" in b for b in bodies)
    sent = fake.sent("Messages.json")[-1]
    assert sent.form["From"] == TWILIO_FROM
    assert sent.form["StatusCallback"] == "https://tutor.example.com/channels/twilio/status"


async def test_a_pressed_button_and_typed_choice_are_the_same_input(app, fake):
    phone = new_phone()
    await app.twilio(twilio_form(new_sid(), phone, "hi"))
    await app.settle()
    await app.twilio(
        twilio_form(new_sid(), phone, "Spanish", ButtonPayload="es", ButtonText="Spanish")
    )
    await app.settle()
    assert "which language do you speak" in twilio_bodies(fake, phone)[-1]


async def test_duplicate_deliveries_get_exactly_one_reply(app, fake, database_url):
    phone, sid = new_phone(), new_sid()
    for _ in range(3):
        response = await app.twilio(twilio_form(sid, phone, "hi"))
        assert response.status_code == 200
    await app.settle()
    assert len(twilio_bodies(fake, phone)) == 2  # the welcome and the language question
    assert await count(database_url, InboxMessage, InboxMessage.provider_message_id == sid) == 1
    await app.twilio(twilio_form(sid, phone, "hi"))  # a late redelivery after the answer
    await app.settle()
    assert len(twilio_bodies(fake, phone)) == 2


@pytest.mark.parametrize("signature", ["forged", None, "other-url"])
async def test_bad_twilio_signatures_are_refused_and_nothing_is_stored(
    app, fake, database_url, signature
):
    from tests.integration.channel_support import twilio_signature

    phone = new_phone()
    params = twilio_form(new_sid(), phone, "hi")
    if signature == "other-url":
        signature = twilio_signature("/channels/twilio/status", params)
    elif signature == "forged":
        signature = twilio_signature("/channels/twilio/whatsapp", {**params, "Body": "hello"})
    response = await app.twilio(params, signature=signature)
    assert response.status_code == 403 and response.json()["error"] == "invalid_signature"
    assert await count(database_url, ChannelIdentity, ChannelIdentity.sender == phone) == 0
    assert (
        await count(
            database_url, InboxMessage, InboxMessage.provider_message_id == params["MessageSid"]
        )
        == 0
    )
    assert twilio_bodies(fake, phone) == []


async def test_twilio_status_callbacks_update_the_outbox(app, fake, database_url):
    phone = new_phone()
    await app.twilio(twilio_form(new_sid(), phone, "hi"))
    await app.settle()
    sid = fake.sent("Messages.json")[-1].response["sid"]
    status = {
        "MessageSid": sid,
        "MessageStatus": "read",
        "AccountSid": "AC" + "1" * 32,
        "To": f"whatsapp:{phone}",
        "From": TWILIO_FROM,
        "ApiVersion": "2010-04-01",
    }
    response = await app.twilio(status, path="/channels/twilio/status")
    assert response.status_code == 204
    async with session_scope(database_url) as session:
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.provider_message_id == sid)
        )
    assert row.delivery_status == "read"


async def test_voice_notes_are_recorded_and_answered_plainly(app, fake, database_url):
    phone, sid = new_phone(), new_sid()
    media = {
        "NumMedia": "1",
        "MediaContentType0": "audio/ogg",
        "MediaUrl0": "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
        "MessageType": "audio",
    }
    await app.twilio(twilio_form(sid, phone, "", **media))
    await app.settle()
    async with session_scope(database_url) as session:
        row = await session.scalar(
            select(InboxMessage).where(InboxMessage.provider_message_id == sid)
        )
    assert row.payload["media"][0]["kind"] == "audio"
    assert row.payload["media"][0]["url"].endswith("/Media/ME1")
    assert "voice note" in twilio_bodies(fake, phone)[-1]


async def test_provider_errors_are_retried_and_delivered_once(app, fake):
    phone = new_phone()
    fake.fail_next(2, status=500)
    await app.twilio(twilio_form(new_sid(), phone, "hi"))
    await app.settle()
    fake.fail_next(1, status=429, retry_after=1)
    await app.twilio(twilio_form(new_sid(), phone, "es"))
    await app.settle()
    attempts = [r for r in fake.requests if "Messages.json" in r.path]
    assert [r.status for r in attempts][:3] == [500, 500, 201]
    assert 429 in [r.status for r in attempts]
    bodies = twilio_bodies(fake, phone)
    assert len(bodies) == len(set(bodies)) == 3, "each reply delivered exactly once"


async def test_cloud_api_handshake_buttons_and_statuses(app, fake, database_url):
    challenge = await app.client.get(
        "/channels/whatsapp",
        params={
            "hub.mode": "subscribe",
            "hub.verify_token": META_VERIFY,
            "hub.challenge": "1158201444",
        },
    )
    assert challenge.status_code == 200 and challenge.text == "1158201444"
    wrong = await app.client.get(
        "/channels/whatsapp",
        params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"},
    )
    assert wrong.status_code == 403

    wa_id = new_phone().lstrip("+")
    await app.meta(
        "/channels/whatsapp",
        cloud_message(f"wamid.{uuid.uuid4().hex}", wa_id, {"type": "text", "text": {"body": "hi"}}),
    )
    await app.settle()
    sends = [r.json for r in fake.sent(f"/{PHONE_ID}/messages") if r.json["to"] == wa_id]
    question = sends[-1]
    assert question["type"] == "interactive" and question["interactive"]["type"] == "button"
    assert question["interactive"]["action"]["buttons"][0]["reply"] == {
        "id": "es",
        "title": "Spanish",
    }
    pressed = {
        "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": {"id": "es", "title": "Spanish"}},
    }
    await app.meta("/channels/whatsapp", cloud_message(f"wamid.{uuid.uuid4().hex}", wa_id, pressed))
    await app.settle()
    last = [r for r in fake.sent(f"/{PHONE_ID}/messages") if r.json["to"] == wa_id][-1]
    assert "which language do you speak" in str(last.json)

    wamid = last.response["messages"][0]["id"]
    statuses = cloud_webhook(
        {
            "statuses": [
                {
                    "id": wamid,
                    "status": "delivered",
                    "timestamp": "1700000000",
                    "recipient_id": wa_id,
                }
            ]
        }
    )
    assert (await app.meta("/channels/whatsapp", statuses)).json()["statuses"] == 1
    async with session_scope(database_url) as session:
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.provider_message_id == wamid)
        )
    assert row.delivery_status == "delivered"


@pytest.mark.parametrize("path", ["/channels/whatsapp", "/channels/messenger"])
@pytest.mark.parametrize("signature", ["sha256=" + "0" * 64, None, "md5=abc"])
async def test_bad_meta_signatures_are_refused(app, fake, database_url, path, signature):
    wa_id = new_phone().lstrip("+")
    payload = cloud_message(
        f"wamid.{uuid.uuid4().hex}", wa_id, {"type": "text", "text": {"body": "hi"}}
    )
    response = await app.meta(path, payload, signature=signature)
    assert response.status_code == 403
    assert await count(database_url, ChannelIdentity, ChannelIdentity.sender == wa_id) == 0


async def test_telegram_keyboard_and_callback_presses(app, fake):
    user = int(str(uuid.uuid4().int)[:9])
    update_id = int(str(uuid.uuid4().int)[:8])
    assert (
        await app.telegram(telegram_message(update_id, user, "hi"), secret="wrong")
    ).status_code == 403
    assert (
        await app.telegram(telegram_message(update_id, user, "hi"), secret=None)
    ).status_code == 403
    await app.telegram(telegram_message(update_id, user, "hi"))
    await app.settle()
    sends = [r.json for r in fake.sent("/sendMessage") if r.json["chat_id"] == str(user)]
    keyboard = sends[-1]["reply_markup"]["inline_keyboard"]
    assert keyboard == [[{"text": "Spanish", "callback_data": "es"}]]
    press = {
        "update_id": update_id + 1,
        "callback_query": {
            "id": "4382bfdwdsb323b2d9",
            "data": "es",
            "chat_instance": "-1",
            "from": {"id": user, "is_bot": False, "first_name": "Ana"},
            "message": {
                "message_id": 5,
                "date": 1700000000,
                "text": "Which language?",
                "chat": {"id": user, "type": "private", "first_name": "Ana"},
            },
        },
    }
    await app.telegram(press)
    await app.settle()
    sends = [r.json for r in fake.sent("/sendMessage") if r.json["chat_id"] == str(user)]
    assert "which language do you speak" in sends[-1]["text"]
    assert any(
        r.json["callback_query_id"] == "4382bfdwdsb323b2d9"
        for r in fake.sent("/answerCallbackQuery")
    )


async def test_messenger_quick_replies_and_echoes(app, fake):
    handshake = await app.client.get(
        "/channels/messenger",
        params={"hub.mode": "subscribe", "hub.verify_token": META_VERIFY, "hub.challenge": "42"},
    )
    assert handshake.text == "42"
    psid = str(uuid.uuid4().int)[:16]
    await app.meta(
        "/channels/messenger", messenger_message(f"m_{uuid.uuid4().hex}", psid, {"text": "hi"})
    )
    echo = messenger_message(f"m_{uuid.uuid4().hex}", psid, {"text": "echo", "is_echo": True})
    assert (await app.meta("/channels/messenger", echo)).json()["stored"] == 0
    await app.settle()
    sends = [r.json for r in fake.sent("/me/messages") if r.json["recipient"]["id"] == psid]
    assert len(sends) == 2
    assert sends[-1]["message"]["quick_replies"][0]["payload"] == "es"
    await app.meta(
        "/channels/messenger",
        messenger_message(
            f"m_{uuid.uuid4().hex}", psid, {"text": "Spanish", "quick_reply": {"payload": "es"}}
        ),
    )
    await app.settle()
    sends = [r.json for r in fake.sent("/me/messages") if r.json["recipient"]["id"] == psid]
    assert "which language do you speak" in sends[-1]["message"]["text"]


async def test_malformed_payloads_get_a_reason_and_store_nothing(app, database_url):
    before = await count(database_url, InboxMessage)
    missing_sid = twilio_form(new_sid(), new_phone(), "hi")
    del missing_sid["MessageSid"]
    response = await app.twilio(missing_sid)
    assert response.status_code == 400 and "MessageSid" in response.json()["detail"]
    response = await app.meta("/channels/whatsapp", {"object": "instagram", "entry": []})
    assert response.status_code == 400 and response.json()["error"] == "malformed_payload"
    response = await app.client.post(
        "/channels/whatsapp", content=b"{nope", headers={"x-hub-signature-256": _sig(b"{nope")}
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_json"
    response = await app.telegram({"message": {"text": "hi"}})
    assert response.status_code == 400 and "update_id" in response.json()["detail"]
    assert await count(database_url, InboxMessage) == before


def _sig(body: bytes) -> str:
    from tests.integration.channel_support import meta_signature

    return meta_signature(body)


async def test_an_unconfigured_channel_names_the_missing_settings(sqlite_url, fake):
    settings = channel_settings(sqlite_url, fake.base_url, telegram_bot_token=None)
    async with ChannelApp(settings) as running:
        response = await running.telegram(telegram_message(1, 2, "hi"))
    assert response.status_code == 503
    assert response.json()["error"] == "channel_not_configured"
    assert "TELEGRAM_BOT_TOKEN" in response.json()["detail"]


class BlockingModel:
    """A scripted model whose replies wait until the test releases them."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.model = ScriptedChatModel(respond=self._respond)

    def _respond(self, messages):
        if system_text(messages).startswith("You route messages"):
            return intent_call("practice")  # what the rules and examples leave unsure is chat
        self.release.wait(30)
        return f"reply to: {messages[-1].content}"


async def onboard(app, phone: str) -> None:
    for text in ("hi", "es", "en", "scratch"):
        await app.twilio(twilio_form(new_sid(), phone, text))
        await app.settle()


async def wait_for(condition) -> None:
    import asyncio

    async with asyncio.timeout(30):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def test_messages_during_a_run_are_batched_in_order(database_url, fake):
    blocking = BlockingModel()
    settings = channel_settings(database_url, fake.base_url, lingograph_model="openai:unused")
    async with ChannelApp(settings, chat_model=blocking.model) as app:
        phone = new_phone()
        await onboard(app, phone)
        await app.twilio(twilio_form(new_sid(), phone, "let's talk"))
        await wait_for(lambda: blocking.model.calls)
        for i in range(1, 21):
            assert (await app.twilio(twilio_form(new_sid(), phone, f"m{i}"))).status_code == 200
        blocking.release.set()
        await app.settle()
        async with session_scope(database_url) as session:
            turns = set(
                await session.scalars(
                    select(InboxMessage.turn_id)
                    .join(ChannelIdentity, ChannelIdentity.thread_id == InboxMessage.thread_id)
                    .where(
                        ChannelIdentity.sender == phone,
                        InboxMessage.payload["text"].as_string().like("m%"),
                    )
                )
            )
    practice = [
        c for c in blocking.model.calls if system_text(c).startswith("You are Lingo, a warm")
    ]
    assert len(practice) == 2, "one turn for the first message, one for the 20 that waited"
    batched = practice[1][-1].content
    assert batched == "\n".join(f"m{i}" for i in range(1, 21))
    assert len(turns) == 1
    assert twilio_bodies(fake, phone)[-2:] == ["reply to: let's talk", f"reply to: {batched}"]


@pytest.mark.parametrize("mode", ["reject", "enqueue"])
async def test_busy_modes(sqlite_url, fake, mode):
    blocking = BlockingModel()
    settings = channel_settings(
        sqlite_url, fake.base_url, lingograph_model="openai:unused", busy_mode=mode
    )
    async with ChannelApp(settings, chat_model=blocking.model) as app:
        phone = new_phone()
        await onboard(app, phone)
        await app.twilio(twilio_form(new_sid(), phone, "let's talk"))
        await wait_for(lambda: blocking.model.calls)
        for text in ("hoy hace sol", "me gusta el café"):
            await app.twilio(twilio_form(new_sid(), phone, text))
        if mode == "reject":
            await wait_for(lambda: len(twilio_bodies(fake, phone)) >= 7)
            assert (
                twilio_bodies(fake, phone)[-2:]
                == ["⏳ One moment, I'm still answering your previous message."] * 2
            )
        blocking.release.set()
        await app.settle()
    said = [
        c[-1].content
        for c in blocking.model.calls
        if system_text(c).startswith("You are Lingo, a warm")
    ]
    later = ["hoy hace sol", "me gusta el café"]
    assert said == (["let's talk"] if mode == "reject" else ["let's talk", *later])


async def test_outside_the_24_hour_window_a_reply_is_held_or_sent_as_a_template(sqlite_url, fake):
    from datetime import timedelta

    from tools.db.types import utcnow

    for template in (None, "HX" + "a" * 32):
        settings = channel_settings(sqlite_url, fake.base_url, twilio_template_content_sid=template)
        async with ChannelApp(settings) as app:
            phone = new_phone()
            await app.twilio(twilio_form(new_sid(), phone, "hi"))
            await app.settle()
            sent_before = len(fake.sent("Messages.json"))
            dispatcher = app.app.state.dispatcher
            async with session_scope(sqlite_url) as session:
                identity = await session.scalar(
                    select(ChannelIdentity).where(ChannelIdentity.sender == phone)
                )
                identity.last_inbound_at = utcnow() - timedelta(hours=25)
                thread_id = identity.thread_id
                from api.dispatch.store import record_sends

                [outbox_id] = await record_sends(
                    session,
                    channel="twilio",
                    thread_id=thread_id,
                    recipient=phone,
                    key_prefix=f"nudge-{uuid.uuid4().hex}",
                    payloads=[
                        {
                            "to": f"whatsapp:{phone}",
                            "from_": TWILIO_FROM,
                            "body": "Time for your daily review!",
                        }
                    ],
                )
            await dispatcher.send_one(outbox_id)
            async with session_scope(sqlite_url) as session:
                row = await session.get(OutboxMessage, outbox_id)
            if template is None:
                assert row.status == "held" and "24-hour" in row.last_error
                assert len(fake.sent("Messages.json")) == sent_before
            else:
                assert row.status == "sent"
                assert fake.sent("Messages.json")[-1].form["ContentSid"] == template
                assert "Body" not in fake.sent("Messages.json")[-1].form


async def test_stop_opts_the_learner_out(app, fake, database_url):
    phone = new_phone()
    await onboard(app, phone)
    await app.twilio(twilio_form(new_sid(), phone, "STOP"))
    await app.settle()
    async with session_scope(database_url) as session:
        learner = await session.scalar(
            select(Learner).join(ChannelIdentity).where(ChannelIdentity.sender == phone)
        )
    assert learner.opted_out
