"""The duplicate-key check of the feed: a key given twice is named, whatever the line looks like."""

from __future__ import annotations

import json

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from charte.adapters.json_keys import _duplicate_key, duplicate_key_path

# Keys and values chosen to meet every case of the byte count: quotes, backslashes, colons,
# blanks after a quote, "ł" and other non-ASCII text.
TEXT = st.text(alphabet=st.sampled_from(list('ab:" \\\tłé{}[],')), max_size=6)
SCALAR = st.one_of(TEXT, st.integers(-5, 5), st.booleans(), st.none())


def _render(pairs: list[tuple[str, object]], spaced: bool) -> str:
    colon = " : " if spaced else ":"
    return (
        "{"
        + ", ".join(f"{json.dumps(k, ensure_ascii=False)}{colon}{_value(v, spaced)}" for k, v in pairs)
        + "}"
    )


def _value(v: object, spaced: bool) -> str:
    if isinstance(v, list):  # a nested object, as pairs
        return _render(v, spaced)
    return json.dumps(v, ensure_ascii=False)


PAIRS = st.recursive(
    st.lists(st.tuples(TEXT, SCALAR), max_size=4),
    lambda inner: st.lists(st.tuples(TEXT, st.one_of(SCALAR, inner)), max_size=4),
    max_leaves=12,
)


@settings(max_examples=400)
@given(PAIRS, st.booleans())
def test_a_key_given_twice_is_found_whatever_the_line_holds(pairs, spaced):
    """docs/events.md: a key given twice is refused (orjson would keep the last value silently)."""
    line = _render(pairs, spaced)
    for raw in (line, line.encode("utf-8")):
        found = duplicate_key_path(raw, orjson.loads(raw))
        assert (found is None) == (_duplicate_key(raw) is None)


def test_the_compact_line_of_a_feed_with_a_repeated_key_is_refused_by_the_byte_count():
    """docs/events.md: the fast path (no backslash, no blank after a quote) still sees a duplicate."""
    raw = b'{"id":"e1","type":"prospect.collected","person":{"ref":"P1","ref":"P2"}}'
    assert duplicate_key_path(raw, orjson.loads(raw)) == "person.ref"
    assert (
        duplicate_key_path(raw.replace(b',"ref":"P2"', b""), orjson.loads(raw.replace(b',"ref":"P2"', b"")))
        is None
    )
