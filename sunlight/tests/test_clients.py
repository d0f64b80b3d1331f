from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from sunlight.lib.clients import client_address


def request(peer: str, forwarded: str = "") -> HttpRequest:
    made = RequestFactory().get("/", REMOTE_ADDR=peer)
    if forwarded:
        made.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return made


def test_it_uses_the_socket_peer_when_no_proxy_is_trusted() -> None:
    assert client_address(request("198.51.100.7", "10.9.9.9")) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_it_believes_a_trusted_proxy_and_not_what_the_client_wrote() -> None:
    # The client wrote 1.2.3.4 itself; the proxy 10.0.0.5 appended the real peer 203.0.113.9.
    assert client_address(request("10.0.0.5", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"
    # A request that does not come through the proxy cannot claim an address.
    assert client_address(request("203.0.113.50", "1.2.3.4")) == "203.0.113.50"
