import hashlib
import hmac

import pytest

from channels.meta import verify_challenge, verify_signature

SECRET = "app-secret-123"
BODY = b'{"object":"page","entry":[{"id":"1"}]}'


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_valid_signature():
    assert verify_signature(BODY, sign(BODY), SECRET)


@pytest.mark.parametrize(
    "header",
    [
        sign(BODY, "another-secret"),  # forged with the wrong secret
        sign(BODY + b" "),  # signed a different body
        None,
        "",
        "sha256=",
        sign(BODY).removeprefix("sha256="),  # no prefix
        "sha1=" + hmac.new(SECRET.encode(), BODY, hashlib.sha1).hexdigest(),
        "sha256=zz" + sign(BODY)[9:],  # not hex
        "sha256=ünïcode",
    ],
)
def test_forged_missing_or_malformed_signature(header):
    assert not verify_signature(BODY, header, SECRET)


def test_empty_app_secret_never_verifies():
    assert not verify_signature(BODY, sign(BODY, ""), "")


def test_challenge_echoed_for_our_token():
    params = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}
    assert verify_challenge(params, "tok") == "1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "other", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "tok", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {},
    ],
)
def test_challenge_refused(params):
    assert verify_challenge(params, "tok") is None


def test_challenge_refused_without_configured_token():
    assert verify_challenge({"hub.mode": "subscribe", "hub.verify_token": ""}, "") is None
