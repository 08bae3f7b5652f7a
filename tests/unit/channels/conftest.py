from collections.abc import Iterator

import pytest

from tests.fake_provider import FakeProvider


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    """A fresh fake provider server for one test."""
    with FakeProvider() as provider:
        yield provider
