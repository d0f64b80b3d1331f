"""Checkpoint signature suites: SM2 with SM3 (gmssl_pyx) and Ed25519 (cryptography)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sunlight.lib import signing

SUITES = signing.available_suites()
MESSAGE = b"sunlight.example/ledger\n42\n" + b"ab" * 32 + b"\n2025-03-01T08:00:00Z\n"


def flip(data: bytes, bit: int) -> bytes:
    width = len(data)
    return (int.from_bytes(data, "big") ^ 1 << bit % (8 * width)).to_bytes(width, "big")


def test_it_prefers_sm2_when_gmssl_is_installed() -> None:
    pytest.importorskip("gmssl_pyx")
    assert SUITES == ["sm2-sm3", "ed25519"]


@pytest.mark.parametrize("suite", SUITES)
def test_it_round_trips_a_signature(suite: str) -> None:
    private, public = signing.generate_key(suite)
    signature = signing.sign(suite, private, MESSAGE)
    assert signing.verify(suite, public, MESSAGE, signature)


@pytest.mark.parametrize("suite", SUITES)
def test_it_rejects_a_changed_message_or_signature(suite: str) -> None:
    private, public = signing.generate_key(suite)
    signature = signing.sign(suite, private, MESSAGE)
    for bit in range(0, len(MESSAGE) * 8, 37):
        assert not signing.verify(suite, public, flip(MESSAGE, bit), signature)
    for bit in range(0, len(signature) * 8, 13):
        assert not signing.verify(suite, public, MESSAGE, flip(signature, bit))
    assert not signing.verify(suite, public, MESSAGE + b"x", signature)
    assert not signing.verify(suite, public, MESSAGE, signature[:-1])
    assert not signing.verify(suite, public, MESSAGE, b"")
    other_public = signing.generate_key(suite)[1]
    assert not signing.verify(suite, other_public, MESSAGE, signature)


@pytest.mark.parametrize("suite", SUITES)
@settings(max_examples=50, deadline=None)
@given(key=st.binary(max_size=80), signature=st.binary(max_size=90))
def test_it_never_raises_on_junk(suite: str, key: bytes, signature: bytes) -> None:
    assert signing.verify(suite, key, MESSAGE, signature) is False


def test_it_answers_false_for_an_unknown_suite() -> None:
    private, public = signing.generate_key(SUITES[-1])
    signature = signing.sign(SUITES[-1], private, MESSAGE)
    assert not signing.verify("rsa", public, MESSAGE, signature)
    with pytest.raises(ValueError):
        signing.generate_key("rsa")
    with pytest.raises(ValueError):
        signing.sign("rsa", private, MESSAGE)


@pytest.mark.parametrize("suite", SUITES)
def test_it_round_trips_key_text(suite: str) -> None:
    private, public = signing.generate_key(suite)
    public_text = signing.encode_public_key(suite, public)
    private_text = signing.encode_private_key(suite, private)
    assert public_text.startswith(f"{suite}:")
    assert private_text.startswith(f"{suite}:private:")
    assert signing.decode_public_key(public_text + "\n") == (suite, public)
    assert signing.decode_private_key(private_text + "\n") == (suite, private)
    assert signing.public_key_from_private(suite, private) == public
    with pytest.raises(ValueError, match="private key"):
        signing.decode_public_key(private_text)
    with pytest.raises(ValueError):
        signing.decode_private_key(public_text)
    with pytest.raises(ValueError):
        signing.decode_public_key(f"{suite}:not base64!")
    with pytest.raises(ValueError):
        signing.decode_public_key(public_text[:-8])
    key_id = signing.key_id(suite, public)
    assert len(key_id) == 16 and key_id == signing.key_id(suite, public)


def test_it_derives_sm2_public_keys_like_gmssl() -> None:
    gmssl = pytest.importorskip("gmssl_pyx")
    for _ in range(20):
        public, private = gmssl.sm2_key_generate()
        assert signing.public_key_from_private("sm2-sm3", private) == public
    with pytest.raises(ValueError):
        signing.public_key_from_private("sm2-sm3", bytes(32))


def test_it_makes_standard_sm2_signatures() -> None:
    gmssl = pytest.importorskip("gmssl_pyx")
    private, public = signing.generate_key("sm2-sm3")
    signature = signing.sign("sm2-sm3", private, MESSAGE)
    # Plain gmssl_pyx with its default (GM/T 0009) signer ID accepts it, and vice versa.
    assert gmssl.sm2_verify(public, MESSAGE, signature)
    assert signing.verify("sm2-sm3", public, MESSAGE, gmssl.sm2_sign(private, public, MESSAGE))
    assert signature[0] == 0x30  # DER SEQUENCE of r, s
    with pytest.raises(ValueError):
        signing.decode_public_key("sm2-sm3:" + "A" * 86 + "==")  # 64 bytes, off the curve


def test_it_matches_the_rfc_8032_ed25519_vector() -> None:
    # RFC 8032 §7.1, TEST 1 (empty message).
    private = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    signature = bytes.fromhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
        "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    assert signing.public_key_from_private("ed25519", private) == public
    assert signing.sign("ed25519", private, b"") == signature
    assert signing.verify("ed25519", public, b"", signature)
