"""Mail templates and addresses: defaults per language, overrides per language and reminder
level from config.toml, unknown placeholders named, and address lists checked one by one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tallytui.domain.errors import InvalidInput, TallyError
from tallytui.mail.addresses import check_list, parse_list
from tallytui.mail.settings import template_overrides
from tallytui.mail.templates import PLACEHOLDERS, fill, template

VALUES = {name: name.upper() for name in PLACEHOLDERS}


def test_defaults_per_language_and_english_for_an_unknown_one():
    assert template("de", "send", {}).subject == "Rechnung {number} von {seller}"
    assert template("de", "final_notice", {}).subject.startswith("Letzte Mahnung")
    assert template("fr", "send", {}) == template("en", "send", {})


def test_overrides_per_language_and_level(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        '[mail.templates.en]\nsubject = "Bill {number}"\n\n'
        '[mail.templates.en.second_reminder]\nbody = "Pay {total} now"\n'
    )
    overrides = template_overrides(path)
    assert template("en", "send", overrides).subject == "Bill {number}"
    second = template("en", "second_reminder", overrides)
    assert (second.subject, second.body) == ("Second reminder: invoice {number}", "Pay {total} now")
    assert template("en", "first_reminder", overrides) == template("en", "first_reminder", {})
    path.write_text("[mail.templates.en]\nsubject = 3\n")
    with pytest.raises(TallyError, match=r"\[mail.templates.LANG\] holds subject and body"):
        template_overrides(path)


def test_unknown_placeholders_are_named():
    assert fill("{number} over {total}", VALUES, "t") == "NUMBER over TOTAL"
    with pytest.raises(
        InvalidInput, match=r"t: unknown placeholder \{amount\} \(known: \{number\}"
    ):
        fill("{amount}", VALUES, "t")
    with pytest.raises(InvalidInput, match="t: "):
        fill("{number", VALUES, "t")


@pytest.mark.parametrize(
    "text", ["ap", "ap@globex", "ap@@globex.test", "a p@globex.test", "ap@globex.test.", ".a@x.io"]
)
def test_what_is_not_an_address_is_refused(text):
    with pytest.raises(InvalidInput, match="--email: .* is not an e-mail address"):
        check_list(f"ok@globex.test, {text}")


local = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,10}[a-z0-9]", fullmatch=True).filter(
    lambda s: ".." not in s
)
addresses = st.builds(
    lambda user, host: f"{user}@{host}.test", local, st.from_regex(r"[a-z]{1,8}", fullmatch=True)
)


@given(st.lists(addresses, min_size=1, max_size=5))
def test_a_stored_list_reads_back_as_typed_without_repeats(typed):
    stored = check_list(" , ".join(typed))
    assert parse_list(stored, "--email") == list(dict.fromkeys(a for a in typed))
    assert check_list(stored) == stored
