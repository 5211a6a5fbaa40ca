"""One JSON array written item by item, so a listing of years of entries never holds all
of them (nor their text) in memory, byte for byte what ``json.dumps(items, indent=2)``
would write."""

from __future__ import annotations

import json
from json.encoder import encode_basestring


def _scalar(value) -> str | None:
    """``value`` as JSON, for the types the shortcut takes; None for any other."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return int.__repr__(value)
    return None


def item_json(item) -> str:
    """``json.dumps(item, ensure_ascii=False, indent=2)``.

    The json module encodes in pure Python whenever it indents; a flat object of text,
    whole numbers, booleans and nulls (an entry) is written here at a fraction of the cost.
    """
    if isinstance(item, dict) and item and all(type(key) is str for key in item):
        members = []
        for key, value in item.items():
            text = _scalar(value)
            if text is None:
                break
            members.append(f"  {encode_basestring(key)}: {text}")
        else:
            return "{\n" + ",\n".join(members) + "\n}"
    return json.dumps(item, ensure_ascii=False, indent=2)


def write_json_array(out, items, indent: str = "") -> int:
    """Write ``items`` as one JSON array as they come; each item's lines indented by
    ``indent`` ("  " writes what ``json.dumps`` of the whole list would). Returns how many
    were written."""
    count = 0
    out.write("[")
    for item in items:
        text = item_json(item)
        if indent:  # JSON text has no newline inside a string: each one starts a line
            text = text.replace("\n", "\n" + indent)
        out.write(f"{',' if count else ''}\n{indent}{text}")
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count
