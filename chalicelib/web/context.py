"""Per-request page context: the translator (gettext, `messages` domain) and formats in the salon's
locale and zone, link building, and the pages that show a domain error."""
from urllib.parse import urlencode, urlparse

from ..api.errors import STATUS, retry_headers
from ..api.http import base_url
from ..domain.errors import DomainError, NotFound
from ..wiring import config
from .i18n import Formatter, Texts, from_accept_language
from .render import page


class Ctx:
    def __init__(self, request, salon=None):
        self.salon = salon
        # With no salon behind the page (a bad link), speak the visitor's language.
        locale = salon.locale if salon else from_accept_language(request.headers.get("accept-language"))
        self.t = Texts(locale)
        self.fmt = Formatter(self.t, salon.tz, salon.currency) if salon else None
        self.base = base_url(request, config().public_base_url)
        # The public URL's path prefix (an API Gateway stage), so links keep working behind it.
        self.root = urlparse(self.base).path.rstrip("/")

    def book_url(self, **params) -> str:
        return self._url(f"/book/{self.salon.id}", params)

    def manage_url(self, token: str, action: str = "", **params) -> str:
        return self._url(f"/manage/{token}{action}", params)

    def my_url(self, action: str = "", **params) -> str:
        """The client's area at this salon (`/my/<salon>`)."""
        return self._url(f"/my/{self.salon.id}{action}", params)

    def full_manage_url(self, token: str) -> str:
        return f"{self.base}/manage/{token}"

    def _url(self, path: str, params: dict) -> str:
        query = urlencode({k: v for k, v in params.items() if v})
        return self.root + path + (f"?{query}" if query else "")

    def page(self, template: str, status: int = 200, private: bool = False, **context):
        return page(template, self.t, status, private, salon=self.salon, fmt=self.fmt, ctx=self, **context)


def status_of(error: DomainError) -> int:
    return next((s for cls, s in STATUS.items() if isinstance(error, cls)), 400)


def error_page(ctx: Ctx, error: DomainError | None, private: bool = True):
    """NotFound: the friendly 404 page; other domain errors: their status; None: a 500."""
    if error is None:
        return ctx.page("error.html", 500, private, error=None)
    template = "not_found.html" if isinstance(error, NotFound) else "error.html"
    return with_retry_after(ctx.page(template, status_of(error), private, error=error), error)


def with_retry_after(response, error: DomainError | None):
    """A page refusing for a while (429) says when to come back, as the API does."""
    if error is not None:
        response.headers.update(retry_headers(error))
    return response
