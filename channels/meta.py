"""Webhook checks Meta's platforms share (WhatsApp Cloud API and Messenger)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from channels.base import WebhookError

SIGNATURE_HEADER = "X-Hub-Signature-256"
_PREFIX = "sha256="


def verify_signature(raw_body: bytes, header: str | None, app_secret: str) -> bool:
    """Whether X-Hub-Signature-256 is the app secret's HMAC-SHA256 of the raw body."""
    if not app_secret or not header or not header.startswith(_PREFIX):
        return False
    given = header[len(_PREFIX) :].strip().lower()
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    try:
        given_bytes = given.encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected.encode("ascii"), given_bytes)


def verify_challenge(params: Mapping[str, str], verify_token: str) -> str | None:
    """The hub.challenge to echo when Meta subscribes with our verify token, else None."""
    token = params.get("hub.verify_token")
    if not verify_token or params.get("hub.mode") != "subscribe" or token is None:
        return None
    if not hmac.compare_digest(token.encode(), verify_token.encode()):
        return None
    return params.get("hub.challenge")


def webhook_entries(body: object, kind: str) -> list:
    """The `entry` list of a Meta webhook body of the given `object` kind (else WebhookError)."""
    if not isinstance(body, dict) or body.get("object") != kind:
        raise WebhookError(f"not a {kind} webhook")
    entries = body.get("entry")
    if not isinstance(entries, list):
        raise WebhookError("entry is not a list")
    return entries
