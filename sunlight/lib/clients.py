"""The client's address, for lockouts and throttles — never stored as such.

Directly exposed, the socket peer (REMOTE_ADDR) is the client. Behind reverse proxies listed in
TRUSTED_PROXIES, the client is the right-most address in X-Forwarded-For that is not one of
them: addresses further left were written by the client itself and prove nothing.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _trusted(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str:
    peer = str(request.META.get("REMOTE_ADDR", ""))
    networks = _trusted(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _is_trusted(peer, networks):
        return peer
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _is_trusted(address, networks):
            return address
    return peer
