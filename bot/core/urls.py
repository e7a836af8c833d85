"""URL canonicalisation: one article, one URL, whatever tracking or AMP dress it wears.

Identity keys and duplicate detection compare canonical URLs, so two links that a reader would
call "the same page" must come out equal: scheme and host case, default ports, fragments,
tracking parameters, AMP variants and trailing slashes are all folded away. Query parameters
that are not tracking are kept in their order (some sites route articles by `?id=`).
"""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ocid",
        "cmpid",
        "smid",
        "ito",
        "at_medium",
        "at_campaign",
        "rss",
        "from_rss",
        "feed",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
AMP_QUERY = {("amp", "1"), ("amp", "true"), ("amp", ""), ("outputtype", "amp"), ("output", "amp")}
DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_PATH = re.compile(r"(?:/amp/?$)|(?:\.amp(?=\.html?$|$))|(?:^/amp(?=/))", re.I)


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


@functools.lru_cache(maxsize=65_536)  # every item's link is canonicalised several times
def canonical_url(url: str) -> str:
    """The comparable form of an http(s) URL; other strings come back stripped."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.lower().rstrip(".")
    if host.startswith("amp."):
        host = host[4:]
    netloc = f"[{host}]" if ":" in host else host
    if port not in (None, DEFAULT_PORTS[scheme]):
        netloc += f":{port}"
    path = parts.path
    if "%" in path or not path.isascii():
        path = quote(unquote(path), safe="/:@!$&'()*+,;=-._~%")
    if "amp" in path.lower():
        path = _AMP_PATH.sub("", path)
    path = path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = ""
    if parts.query:
        pairs = [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _is_tracking(k) and (k.lower(), v.lower()) not in AMP_QUERY
        ]
        query = urlencode(pairs, quote_via=quote)
    return urlunsplit((scheme, netloc, path, query, ""))


def site_of(url: str) -> str:
    """The host without `www.`, `m.` or `amp.`: what "the same site" compares."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    for prefix in ("www.", "m.", "amp."):
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def same_site(a: str, b: str) -> bool:
    sa, sb = site_of(a), site_of(b)
    return bool(sa) and (sa == sb or sa.endswith("." + sb) or sb.endswith("." + sa))


def resolve_canonical(page_url: str, href: str | None) -> str:
    """The page's canonical URL: its `rel=canonical` when it stays on the same site.

    A canonical link to another site is ignored: a hostile page could otherwise claim
    another outlet's article and suppress it as a duplicate.
    """
    if href:
        try:
            target = urljoin(page_url, href.strip())
            usable = urlsplit(target).scheme in DEFAULT_PORTS and same_site(target, page_url)
        except ValueError:  # "http://[bad": an unreadable canonical link is no canonical link
            usable = False
        if usable:
            return canonical_url(target)
    return canonical_url(page_url)
