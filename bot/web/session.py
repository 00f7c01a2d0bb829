"""The admin page's sign-in: ADMIN_TOKEN typed once into a form, then a cookie that proves it.

The cookie holds an expiry time and an HMAC of it keyed by ADMIN_TOKEN, never the token itself, so
it is worthless after it expires or once the token changes, and every worker process can check it
without shared state. It is HttpOnly (no script reads it), SameSite=Strict (no other site's page can
send it along), limited to /admin, and Secure when the request came over HTTPS.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import Response, request

from .http import require_bearer

COOKIE = "lessons_admin"
#: How long one sign-in lasts.
SESSION_SECONDS = 8 * 3600


def _signature(token: str, expires: int) -> str:
    message = f"lessons admin session until {expires}".encode()
    return hmac.new(token.encode("utf-8"), message, hashlib.sha256).hexdigest()


def session_value(token: str, now: float) -> str:
    """A fresh cookie value: valid for `SESSION_SECONDS` from `now`."""
    expires = int(now) + SESSION_SECONDS
    return f"{expires}.{_signature(token, expires)}"


def session_valid(token: str, value: str, now: float) -> bool:
    """True for a cookie value this token issued that has not expired."""
    expires, _, signature = value.partition(".")
    if not expires.isdigit() or len(expires) > 12 or int(expires) <= now:
        return False
    return hmac.compare_digest(signature.encode(), _signature(token, int(expires)).encode())


def token_matches(token: str, given: str) -> bool:
    """Constant-time comparison of a typed token with ADMIN_TOKEN."""
    return hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8"))


def signed_in(token: str, now: float) -> bool:
    """True when the request carries a valid session cookie or `Authorization: Bearer <ADMIN_TOKEN>`."""
    if session_valid(token, request.cookies.get(COOKIE, ""), now):
        return True
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(given.strip()) and token_matches(token, given)


def require_admin(token: str, now: float) -> None:
    """401 (JSON) unless signed in by cookie or bearer token."""
    if not session_valid(token, request.cookies.get(COOKIE, ""), now):
        require_bearer(token, "the admin report")


def sign_in(response: Response, token: str, now: float) -> Response:
    """Set the session cookie on `response`."""
    secure = request.is_secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"
    response.set_cookie(COOKIE, session_value(token, now), max_age=SESSION_SECONDS, path="/admin",
                        httponly=True, samesite="Strict", secure=secure)
    return response


def sign_out(response: Response) -> Response:
    """Remove the session cookie."""
    response.delete_cookie(COOKIE, path="/admin", httponly=True, samesite="Strict")
    return response
