"""Who an imported annotation's creator is (annotator.formats.creators): the username made for a creator
without a nickname, the identity that finds the same creator again, and how a report names it."""

from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.formats.creators import (
    IDENTITY_MAX,
    USERNAME_MAX,
    creator_identity,
    derived_username,
    describe_creator,
    username_from,
    username_from_iri,
)
from annotator.formats.interchange import Incoming

USERNAME = re.compile(r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?")


def creator(name: str | None = None, iri: str | None = None) -> Incoming:
    return Incoming(target_source=None, quote="600,000", creator_name=name, creator_id=iri)


# --- username_from ---


@pytest.mark.parametrize(
    "text, username",
    [
        ("José Núñez", "jose-nunez"),
        ("  Jane   Doe ", "jane-doe"),
        ("ABC123", "abc123"),
        ("Ørsted Æble Łódź", "orsted-aeble-lodz"),
        ("ðþıŋħđœ", "dthinhdoe"),
        ("Straße", "strasse"),
        ("ﬁne", "fine"),
        ("A\tB\nC", "a-b-c"),
        ("a.b_c", "a.b_c"),
        ("O'Brien (desk)", "obrien-desk"),
    ],
)
def test_a_name_becomes_a_lower_case_latin_username(text, username):
    assert username_from(text) == username


@pytest.mark.parametrize(
    "text, username",
    [
        ("a - b", "a-b"),
        ("a--b", "a-b"),
        ("a._-b", "a-b"),
        ("a_-_b", "a-b"),
        ("a-.-b", "a-b"),
        ("a..b__c", "a..b__c"),  # dots and underscores alone are kept
        ("--a..b__c--", "a..b__c"),
        ("._a_.", "a"),
    ],
)
def test_separators_around_a_hyphen_become_one_hyphen_and_none_end_the_username(text, username):
    assert username_from(text) == username


@pytest.mark.parametrize("text", ["Иван Петров", "李小龍", "", "   ", "-._ !?", "…"])
def test_a_name_with_nothing_latin_gives_no_username(text):
    assert username_from(text) is None


def test_a_long_name_is_cut_to_the_maximum_without_a_trailing_separator():
    assert username_from("x" * 70) == "x" * USERNAME_MAX
    assert username_from("a" * (USERNAME_MAX - 1) + "-b") == "a" * (USERNAME_MAX - 1)
    assert username_from("a" * (USERNAME_MAX - 2) + "._b") == "a" * (USERNAME_MAX - 2)
    assert username_from("a" * USERNAME_MAX + "b") == "a" * USERNAME_MAX


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=90))
def test_any_text_gives_a_valid_username_or_none(text):
    username = username_from(text)
    if username is not None:
        assert USERNAME.fullmatch(username), username
        assert len(username) <= USERNAME_MAX
        assert "--" not in username
        assert username_from(username) == username  # already a username: kept as it is


# --- username_from_iri ---


@pytest.mark.parametrize(
    "iri, username",
    [
        ("https://example.org/users/jdoe", "jdoe"),
        ("https://example.org/users/jdoe/", "jdoe"),
        ("https://example.org/users/J%C3%B6rg%20Doe", "jorg-doe"),
        ("  https://example.org/x  ", "x"),
        ("mailto:Jane.Doe@example.org", "jane.doe"),
        ("MAILTO:bob@example.org", "bob"),
        ("acct:jane@hypothes.is", "jane"),
        ("urn:uuid:1234", "1234"),
        ("https://example.org/people/a@b", "ab"),  # only mailto: and acct: lose what follows the @
    ],
)
def test_an_iri_gives_its_last_path_segment_as_the_username(iri, username):
    assert username_from_iri(iri) == username


@pytest.mark.parametrize("iri", ["", "https://example.org/", "https://example.org", "https://example.org/ /", "/%20/"])
def test_an_iri_without_a_path_gives_no_username(iri):
    assert username_from_iri(iri) is None


def test_derived_username_prefers_the_name_then_the_iri():
    assert derived_username("Jane Doe", "https://example.org/users/jdoe") == "jane-doe"
    assert derived_username("Иван", "https://example.org/users/jdoe") == "jdoe"
    assert derived_username(None, "https://example.org/users/jdoe") == "jdoe"
    assert derived_username("", "https://example.org/users/jdoe") == "jdoe"
    assert derived_username("Jane Doe", None) == "jane-doe"
    assert derived_username("Иван", None) is None
    assert derived_username(None, "") is None
    assert derived_username(None, None) is None


# --- creator_identity ---


def test_the_identity_is_the_iri_when_there_is_one():
    assert creator_identity(creator("Jane Doe", "https://example.org/jane")) == "https://example.org/jane"


def test_without_an_iri_the_identity_is_the_name_with_white_space_collapsed():
    assert creator_identity(creator("  Jane \t Doe\n")) == "name:Jane Doe"


@pytest.mark.parametrize("name", [None, "", "  \n"])
def test_without_an_iri_or_a_name_there_is_no_identity(name):
    assert creator_identity(creator(name)) is None


def test_a_long_identity_is_its_sha256():
    iri = "https://example.org/" + "x" * (IDENTITY_MAX - 20)
    assert len(iri) == IDENTITY_MAX
    assert creator_identity(creator(iri=iri)) == iri
    longer = iri + "y"
    assert creator_identity(creator(iri=longer)) == "sha256:" + hashlib.sha256(longer.encode("utf-8")).hexdigest()
    name = "é" * IDENTITY_MAX
    assert creator_identity(creator(name)) == "sha256:" + hashlib.sha256(f"name:{name}".encode()).hexdigest()


# --- describe_creator ---


def test_a_creator_is_described_by_name_and_iri_or_either():
    assert describe_creator(creator("Jane  Doe", "https://example.org/jane")) == "“Jane Doe” (https://example.org/jane)"
    assert describe_creator(creator("Jane Doe")) == "“Jane Doe”"
    assert describe_creator(creator(" ", "https://example.org/jane")) == "https://example.org/jane"
    assert describe_creator(creator(None, "https://example.org/jane")) == "https://example.org/jane"


@pytest.mark.parametrize("name, iri", [(None, None), ("", ""), ("  ", None)])
def test_a_creator_without_name_or_iri_is_described_as_such(name, iri):
    assert describe_creator(creator(name, iri)) == "without a name"
