"""Which client a request came from, behind a reverse proxy: the forwarded headers of the trusted proxy
(NETMAP_TRUSTED_PROXY) are believed, anyone else's are dropped.

A proxy such as nginx connects to netmap itself, so without this every client would appear as the proxy's
address: one person's failed logins would lock everyone out, and the audit log could not tell machines apart.
But X-Forwarded-For is only a header: a client reaching netmap directly could write any address in it. So the
headers are believed only on connections from the proxy's own address, and removed from every other request
before the app sees them (then nothing downstream, werkzeug's `access_route` included, can read a forged one).
After this, `request.remote_addr` is the client's address for every view: login throttling, survey-link
throttling and the audit log all read it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING

from werkzeug.middleware.proxy_fix import ProxyFix

from netmap.config import IPNetwork

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["TrustedProxy"]

_FORWARDED = ("HTTP_FORWARDED", "HTTP_X_FORWARDED_")  # RFC 7239's header and the X-Forwarded-* family
_NEVER_BELIEVED = ("HTTP_X_FORWARDED_HOST",)  # dropped even from the proxy (see TrustedProxy's Notes)


class TrustedProxy:
    """WSGI middleware: werkzeug's ProxyFix for requests from `proxies`, forwarded headers dropped otherwise.

    Parameters
    ----------
    app
        The WSGI application to call.
    proxies
        The proxy's addresses and networks (NETMAP_TRUSTED_PROXY); empty: every request's headers are dropped.
    hops
        How many proxies stand in a row (NETMAP_PROXY_HOPS): the client is the `hops`-th address of
        X-Forwarded-For counted from the right, the ones further left being whatever the client itself sent.

    Notes
    -----
    X-Forwarded-Proto is read from the nearest proxy only (nginx sets it, replacing anything the client sent).
    X-Forwarded-Host is never believed, even from the proxy: nginx passes on whatever the client sent in it
    unless told otherwise, and netmap needs none (the proxy passes the browser's Host on; the identity
    provider's callback is built from NETMAP_PUBLIC_URL), while a believed one could make a request from
    elsewhere look like one to the server itself (webapp.security's plain-HTTP check).
    """

    def __init__(self, app: WSGIApplication, proxies: Iterable[IPNetwork], hops: int = 1) -> None:
        self._app = app
        self._proxies = tuple(proxies)
        self._believed = ProxyFix(app, x_for=hops, x_proto=1, x_host=0)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        for key in _NEVER_BELIEVED:
            environ.pop(key, None)
        if self._is_proxy(environ.get("REMOTE_ADDR", "")):
            return self._believed(environ, start_response)
        for key in [k for k in environ if k.startswith(_FORWARDED)]:
            del environ[key]
        return self._app(environ, start_response)

    def _is_proxy(self, address: str) -> bool:
        if not self._proxies:
            return False
        try:
            peer = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone (fe80::1%eth0) is not an address
        except ValueError:
            return False  # a unix socket or a test client's odd address: no proxy
        if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped:  # IPv4 on a dual-stack socket
            peer = peer.ipv4_mapped
        return any(peer in network for network in self._proxies)
