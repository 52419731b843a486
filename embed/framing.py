"""Which pages may be framed, and by whom: the finder by this site and EMBED_ALLOWED_ORIGINS, nothing else.

The site's policy stays as it is (frame-ancestors 'none' and X-Frame-Options: DENY for every page); a view that
is meant to be framed opts in with ``framable_by_embedders``, through django-csp's and Django's own decorators.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.clickjacking import xframe_options_exempt

View = Callable[..., HttpResponseBase]


def frame_ancestors() -> list[str]:
    """The pages allowed to frame the finder: this site and the configured origins (read per request)."""
    return [SELF, *settings.EMBED_ALLOWED_ORIGINS]


def framable_by_embedders(view: View) -> View:
    """Let this site and EMBED_ALLOWED_ORIGINS frame the view; browsers refuse the frame on any other page.

    Browsers that know CSP obey frame-ancestors; X-Frame-Options (which can name no list of origins) is left off
    this response only, since DENY would refuse the frame even where the policy allows it.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        allowed = csp_replace({"frame-ancestors": frame_ancestors()})(view)
        return allowed(request, *args, **kwargs)

    return xframe_options_exempt(wrapped)
