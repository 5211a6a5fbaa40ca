"""The JSON written item by item is byte for byte what ``json.dumps`` writes of the list."""

from __future__ import annotations

import io
import json

from hypothesis import given
from hypothesis import strategies as st

from tallytui.cli.json_stream import write_json_array

scalars = st.one_of(st.text(), st.integers(), st.booleans(), st.none())
values = st.recursive(
    scalars | st.floats(allow_nan=False) | st.decimals(allow_nan=False).map(str),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=6,
)
flat = st.dictionaries(st.text(), scalars, max_size=6)
items = st.lists(st.one_of(flat, values), max_size=5)


@given(items)
def test_an_indented_array_is_what_json_dumps_writes(listing):
    out = io.StringIO()
    assert write_json_array(out, iter(listing), indent="  ") == len(listing)
    assert out.getvalue() == json.dumps(listing, ensure_ascii=False, indent=2) + "\n"


@given(items)
def test_an_export_array_keeps_its_items_at_the_margin(listing):
    out = io.StringIO()
    write_json_array(out, iter(listing))
    texts = [json.dumps(item, ensure_ascii=False, indent=2) for item in listing]
    expected = "[" + ",".join("\n" + text for text in texts) + ("\n]\n" if texts else "]\n")
    assert out.getvalue() == expected
    assert json.loads(out.getvalue()) == listing
