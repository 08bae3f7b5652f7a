"""The configured messaging channels: settings, rendering, recipients and senders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from channels import messenger, telegram, twilio_whatsapp, whatsapp_cloud
from channels.base import InboundMessage, OutboundMessage
from tools.settings import Settings

WINDOW_HOURS = 24


@dataclass
class Channel:
    """One messaging channel as this deployment has it configured."""

    name: str
    required: dict[str, str | None]
    render_for: Callable[[OutboundMessage, str], list[dict]]
    make_sender: Callable[[], Any]
    template_for: Callable[[str], dict | None] = lambda recipient: None
    window_limited: bool = False
    _sender: Any = field(default=None, repr=False)

    @property
    def missing(self) -> list[str]:
        """Settings this channel needs that are not set."""
        return [name for name, value in self.required.items() if not value]

    @property
    def configured(self) -> bool:
        """Whether every setting the channel needs is set."""
        return not self.missing

    def render(self, message: OutboundMessage, recipient: str) -> list[dict]:
        """Provider payloads for one reply."""
        return self.render_for(message, recipient)

    @staticmethod
    def recipient(message: InboundMessage) -> str:
        """Where replies to a message go."""
        return message.reply_to or message.sender

    @property
    def sender(self) -> Any:
        """The channel's sender, created on first use."""
        if self._sender is None:
            self._sender = self.make_sender()
        return self._sender

    async def aclose(self) -> None:
        """Close the sender's connections."""
        close = getattr(self._sender, "aclose", None)
        if close is not None:
            await close()


def build_channels(settings: Settings) -> dict[str, Channel]:
    """Every channel, configured or not (an unconfigured one says what it is missing)."""
    s = settings
    status_callback = (
        f"{s.public_base_url.rstrip('/')}/channels/twilio/status" if s.public_base_url else None
    )

    def twilio_template(recipient: str) -> dict | None:
        if not s.twilio_template_content_sid:
            return None
        return twilio_whatsapp.render_template(
            recipient, s.twilio_whatsapp_from or "", s.twilio_template_content_sid, {}
        )

    def cloud_template(recipient: str) -> dict | None:
        if not s.whatsapp_template_name:
            return None
        return whatsapp_cloud.render_template(
            recipient, s.whatsapp_template_name, s.whatsapp_template_language, []
        )

    return {
        twilio_whatsapp.NAME: Channel(
            name=twilio_whatsapp.NAME,
            required={
                "TWILIO_ACCOUNT_SID": s.twilio_account_sid,
                "TWILIO_AUTH_TOKEN": s.twilio_auth_token,
                "TWILIO_WHATSAPP_FROM": s.twilio_whatsapp_from,
                "PUBLIC_BASE_URL": s.public_base_url,
            },
            render_for=lambda m, to: twilio_whatsapp.render(m, to, s.twilio_whatsapp_from or ""),
            make_sender=lambda: twilio_whatsapp.TwilioSender(
                s.twilio_account_sid,
                s.twilio_auth_token,
                api_base=s.twilio_api_base,
                status_callback=status_callback,
            ),
            template_for=twilio_template,
            window_limited=True,
        ),
        whatsapp_cloud.NAME: Channel(
            name=whatsapp_cloud.NAME,
            required={
                "WHATSAPP_APP_SECRET": s.whatsapp_app_secret,
                "WHATSAPP_VERIFY_TOKEN": s.whatsapp_verify_token,
                "WHATSAPP_ACCESS_TOKEN": s.whatsapp_access_token,
                "WHATSAPP_PHONE_NUMBER_ID": s.whatsapp_phone_number_id,
            },
            render_for=whatsapp_cloud.render,
            make_sender=lambda: whatsapp_cloud.CloudSender(
                s.whatsapp_access_token, s.whatsapp_phone_number_id, api_base=s.whatsapp_api_base
            ),
            template_for=cloud_template,
            window_limited=True,
        ),
        telegram.NAME: Channel(
            name=telegram.NAME,
            required={
                "TELEGRAM_BOT_TOKEN": s.telegram_bot_token,
                "TELEGRAM_WEBHOOK_SECRET": s.telegram_webhook_secret,
            },
            render_for=telegram.render,
            make_sender=lambda: telegram.TelegramSender(
                s.telegram_bot_token, api_base=s.telegram_api_base
            ),
        ),
        messenger.NAME: Channel(
            name=messenger.NAME,
            required={
                "MESSENGER_APP_SECRET": s.messenger_app_secret,
                "MESSENGER_VERIFY_TOKEN": s.messenger_verify_token,
                "MESSENGER_PAGE_TOKEN": s.messenger_page_token,
            },
            render_for=messenger.render,
            make_sender=lambda: messenger.MessengerSender(
                s.messenger_page_token, api_base=s.messenger_api_base
            ),
        ),
    }
