"""Electronic seals (电子印章): an X.509 certificate and key per unit, issued by the district's seal CA.

Keys live in files under SEAL_DIR (default var/seals, mode 600), never in the database. A
development checkout creates its CA and seals on first use; production puts the keys there
(exported from the seal authority) and sets SEAL_KEYS_REQUIRED so nothing is ever generated.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sunlight.orgs.models import Organisation

CA_NAME = "望城区电子印章管理中心"


@dataclass(frozen=True)
class Seal:
    key: asn1_keys.PrivateKeyInfo
    cert: asn1_x509.Certificate


def _dir() -> Path:
    path = Path(settings.SEAL_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _name(common: str, org: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"), x509.NameAttribute(NameOID.COMMON_NAME, common)]
    if org:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    return x509.Name(parts)


def _usage(*, sign_certs: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=not sign_certs,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certs,
        crl_sign=sign_certs,
        encipher_only=False,
        decipher_only=False,
    )


def _load_or_create(stem: str, build: object) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key_path, cert_path = _dir() / f"{stem}.key.pem", _dir() / f"{stem}.cert.pem"
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key, x509.load_pem_x509_certificate(cert_path.read_bytes())
    if settings.SEAL_KEYS_REQUIRED:
        raise ImproperlyConfigured(f"the seal key {key_path} is missing")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = build(key)  # type: ignore[operator]
    try:
        _write_private(
            key_path,
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
        )
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    except FileExistsError:
        return _load_or_create(stem, build)  # another process made it first
    return key, cert


# Seals are valid from the platform's start, so documents dated by a replayed demo history (or
# a test's frozen clock) still verify; they expire as usual.
VALID_FROM = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)


def _validity(builder: x509.CertificateBuilder, years: int) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return builder.not_valid_before(VALID_FROM).not_valid_after(now + dt.timedelta(days=365 * years))


@lru_cache(maxsize=1)
def _ca() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    def build(key: rsa.RSAPrivateKey) -> x509.Certificate:
        builder = x509.CertificateBuilder().subject_name(_name(CA_NAME)).issuer_name(_name(CA_NAME))
        builder = _validity(
            builder.public_key(key.public_key()).serial_number(x509.random_serial_number()), 20
        )
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        return builder.add_extension(_usage(sign_certs=True), critical=True).sign(key, hashes.SHA256())

    return _load_or_create("ca", build)


def ca_certificate() -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(_ca()[1].public_bytes(serialization.Encoding.DER))


def ca_pem() -> bytes:
    return _ca()[1].public_bytes(serialization.Encoding.PEM)


@lru_cache(maxsize=256)
def _seal(code: str, name: str) -> Seal:
    ca_key, ca_cert = _ca()

    def build(key: rsa.RSAPrivateKey) -> x509.Certificate:
        builder = x509.CertificateBuilder().subject_name(_name(name, name)).issuer_name(ca_cert.subject)
        builder = _validity(
            builder.public_key(key.public_key()).serial_number(x509.random_serial_number()), 5
        )
        builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        return builder.add_extension(_usage(sign_certs=False), critical=True).sign(ca_key, hashes.SHA256())

    key, cert = _load_or_create(f"unit-{code}", build)
    return Seal(
        key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
    )


def seal_of(unit: Organisation) -> Seal:
    return _seal(unit.code, unit.name)
