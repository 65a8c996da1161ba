"""Decide whether a remote endpoint's URL is safe to send the writer's text to.

HTTPS is always fine (certificates are always verified; nothing here ever turns that off).
Plain HTTP is fine when the host is this machine or a private network, because the text
then never crosses the internet; for any other host the writer gets a warning that the
text would travel unencrypted. The decision looks only at the URL itself: it never
resolves a name on the network, so checking a URL opens no connection.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["UrlVerdict", "check_url", "is_local_host"]

# Names that mean "this machine" or "this network" without asking any resolver.
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_LOCAL_SUFFIXES = (".localhost", ".local", ".lan", ".home.arpa", ".internal")
# Private blocks; 100.64.0.0/10 (carrier-grade NAT, e.g. Tailscale) never routes over the
# public internet either.
_PRIVATE_NETS = tuple(
    ipaddress.ip_network(net)
    for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)


@dataclass(frozen=True)
class UrlVerdict:
    """Whether a base URL may be used, and what to tell the writer about it."""

    ok: bool
    warning: str = ""  # empty when there is nothing to warn about
    host: str = ""
    encrypted: bool = False


def is_local_host(host: str) -> bool:
    """True when `host` (a literal IP or a name) is loopback or on a private network."""
    host = host.strip().strip("[]").rstrip(".").lower()
    if not host:
        return False
    # IPv6 zone ids ("fe80::1%eth0") are only valid on link-local addresses.
    literal = host.split("%", 1)[0]
    try:
        address = ipaddress.ip_address(literal)
    except ValueError:
        return host in _LOCAL_NAMES or host.endswith(_LOCAL_SUFFIXES)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback or address.is_link_local:
        return True
    # Not `address.is_private`: that also covers documentation and reserved ranges
    # (192.0.2.0/24, 2001:db8::/32), which are nobody's LAN.
    return any(
        address in network for network in _PRIVATE_NETS if address.version == network.version
    )


def check_url(base_url: str) -> UrlVerdict:
    """Judge `base_url`: https is fine, http only for loopback or private hosts, else a warning."""
    text = (base_url or "").strip()
    if not text:
        return UrlVerdict(False, "Enter the server's base URL, e.g. http://localhost:8080/v1.")
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        # Never echo the text: a malformed URL may still carry a password.
        return UrlVerdict(False, "Not a valid URL.")
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return UrlVerdict(False, "The base URL must start with http:// or https://.")
    if not host:
        return UrlVerdict(False, "The base URL has no host name.")
    if parts.username or parts.password:
        # A key embedded in the URL would end up in logs and the config file.
        return UrlVerdict(False, "Put the API key in the API key field, not in the URL.", host=host)
    if scheme == "https":
        return UrlVerdict(True, host=host, encrypted=True)
    if is_local_host(host):
        return UrlVerdict(True, host=host, encrypted=False)
    return UrlVerdict(
        True,
        f"{host} is not on this computer or your local network, and http:// is not "
        "encrypted: your text would travel over the network in the clear. Use https:// "
        "if the server offers it.",
        host=host,
        encrypted=False,
    )
