"""Each event type of the feed is defined once (docs/events.md), and the reader builds exactly those."""

from __future__ import annotations

import re
from pathlib import Path

from charte.adapters.event_feed import FeedReader
from charte.domain.register import EVENT_TYPES, EVENTS

DOCS = Path(__file__).parents[2] / "docs" / "events.md"


def test_the_feed_reader_builds_every_event_type_and_no_other(shipped):
    """docs/events.md: a line of a type the table lacks is refused; a type it has is always read."""
    assert FeedReader(shipped)._builders.keys() == EVENTS.keys()
    assert tuple(EVENTS) == EVENT_TYPES


def test_each_event_types_keys_are_documented():
    """Interfaces are contracts: every key a line may carry is in docs/events.md."""
    text = DOCS.read_text(encoding="utf-8")
    for name, kind in EVENTS.items():
        assert f"`{name}`" in text, name
        for key in kind.required | kind.optional:
            assert re.search(rf"`{re.escape(key)}`", text), (name, key)
