"""Bearer JWTs verified against a JWKS (any OIDC issuer), a local issuer for development and tests,
and the caller's role and org-unit scope as FastAPI dependencies."""

from __future__ import annotations

import json
import logging
import math
import threading
import time
import uuid
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from shared.errors import DomainError, Forbidden
from shared.identity import Principal, Role
from shared.ids import new_uuid
from shared.settings import STATE_DIR, Settings, get_settings

log = logging.getLogger(__name__)


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"


class TokenVerifier:
    """Verifies signature, expiry, issuer and audience against the configured JWKS (URL or file).

    Keys are parsed once and looked up by `kid`; an unknown kid reloads the set, at most every
    `RELOAD_INTERVAL` seconds (a rotated key is picked up, a flood of forged kids costs no I/O).
    Each key verifies only with its own algorithm, so a header naming another one is refused, not tried.
    """

    RELOAD_INTERVAL = 10.0

    def __init__(self, jwks_url: str, issuer: str, audience: str):
        self.issuer = issuer
        self.audience = audience
        self._remote = jwt.PyJWKClient(jwks_url, cache_keys=True) if jwks_url.startswith("http") else None
        self._file = None if self._remote else Path(jwks_url)
        self._keys: dict[str, jwt.PyJWK] = {}
        self._loaded_at = -math.inf
        self.tokens = VerifiedTokens()

    def _load_file(self) -> None:
        assert self._file is not None, "the JWKS is read from a file exactly when no http(s) URL is configured"
        self._loaded_at = time.monotonic()
        keys = jwt.PyJWKSet.from_json(self._file.read_text()).keys
        self._keys = {key.key_id: key for key in keys if key.key_id}

    def _key(self, token: str) -> jwt.PyJWK:
        if self._remote:
            return self._remote.get_signing_key_from_jwt(token)
        kid = jwt.get_unverified_header(token).get("kid")
        if kid not in self._keys and time.monotonic() - self._loaded_at > self.RELOAD_INTERVAL:
            self._load_file()
        if not isinstance(kid, str) or kid not in self._keys:
            raise jwt.InvalidKeyError("no key with this kid")
        return self._keys[kid]

    def verify(self, token: str) -> Principal:
        """The caller of a valid token; Unauthorized otherwise (may read the JWKS: call it off the event loop)."""
        try:
            key = self._key(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[key.algorithm_name],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "sub", "role"]},
            )
        except (jwt.PyJWTError, ValueError, TypeError, OSError) as exc:
            log.debug("bearer token refused: %r", exc)  # the library's words, for us; the client gets ours
            raise Unauthorized(f"invalid bearer token: {_reason(exc)}") from exc
        principal = principal_from_claims(claims)
        self.tokens.remember(token, principal, claims["exp"])
        return principal


def _reason(exc: Exception) -> str:
    for kind, reason in _REASONS:
        if isinstance(exc, kind):
            return reason
    return "it could not be verified"


_REASONS = (
    (jwt.ExpiredSignatureError, "it has expired"),
    (jwt.InvalidAudienceError, "it is meant for another audience"),
    (jwt.InvalidIssuerError, "it comes from an issuer this service does not trust"),
    (jwt.MissingRequiredClaimError, "it lacks a required claim (exp, sub or role)"),
    (jwt.ImmatureSignatureError, "it is not valid yet"),
)


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    """Role, subject and scope from verified claims, each checked for its type: a malformed claim is a 401."""
    subject, role = claims.get("sub"), claims.get("role")
    if not isinstance(subject, str) or not subject or len(subject) > 200:
        raise Unauthorized("invalid bearer token: claim 'sub' must be a non-empty string")
    if not isinstance(role, str) or role not in Role._value2member_map_:
        raise Unauthorized("invalid bearer token: claim 'role' names no known role")
    return Principal(
        subject=subject,
        role=Role(role),
        org_unit_id=_uuid_claim(claims, "org_unit"),
        person_id=_uuid_claim(claims, "person_id"),
    )


def _uuid_claim(claims: dict[str, Any], name: str) -> uuid.UUID | None:
    value = claims.get(name)
    if value is None:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError(name)
        return uuid.UUID(value)
    except ValueError:
        raise Unauthorized(f"invalid bearer token: claim {name!r} must be a UUID string") from None


class VerifiedTokens:
    """Verified tokens by their exact text, so a client reusing its token costs no signature check.

    Safe because the cached text is byte for byte the one whose signature, issuer and audience were verified
    (a token differing in any byte misses the cache and is verified); each hit checks `exp` again, and an entry
    is kept at most `MAX_AGE` seconds, so a key removed from the JWKS stops working within that time.
    Bounded (least recently used dropped first), so unique tokens cannot grow memory.
    """

    MAX_AGE = 300.0

    def __init__(self, max_entries: int = 10_000):
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[Principal, float, float]] = OrderedDict()
        self._lock = threading.Lock()  # filled from worker threads, read on the event loop

    def get(self, token: str) -> Principal | None:
        entry = self._entries.get(token)
        if entry is None:
            return None
        principal, expires_at, forget_at = entry
        if min(expires_at, forget_at) <= time.time():
            with self._lock:
                self._entries.pop(token, None)
            return None
        return principal

    def remember(self, token: str, principal: Principal, exp: float) -> None:
        with self._lock:
            self._entries[token] = (principal, float(exp), time.time() + self.MAX_AGE)
            if len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


class LocalIssuer:
    """Development/test issuer: an RSA key in the state folder, its public half published as a JWKS file."""

    def __init__(self, state_dir: Path = STATE_DIR, issuer: str = "salesops-local", audience: str = "salesops"):
        self.key_path = state_dir / "signing-key.json"
        self.jwks_path = state_dir / "jwks.json"
        self.issuer = issuer
        self.audience = audience
        if not self.key_path.exists():
            state_dir.mkdir(parents=True, exist_ok=True)
            private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private))
            jwk.update(kid=new_uuid().hex[:16], alg="RS256", use="sig")
            self.key_path.write_text(json.dumps(jwk))
            self.key_path.chmod(0o600)
        self.jwk = json.loads(self.key_path.read_text())
        public = {k: self.jwk[k] for k in ("kty", "n", "e", "kid", "alg", "use")}
        self.jwks_path.write_text(json.dumps({"keys": [public]}))
        signing_key = jwt.algorithms.RSAAlgorithm.from_jwk(self.jwk)
        assert isinstance(signing_key, rsa.RSAPrivateKey), "the signing key file holds the private JWK written above"
        self._private = signing_key

    def issue(
        self,
        *,
        role: str,
        org_unit: str | None = None,
        subject: str | None = None,
        person_id: str | None = None,
        ttl_seconds: int = 12 * 3600,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject or f"dev-{role}-{new_uuid().hex[:12]}",  # one subject per token unless asked
            "role": Role(role).value,
            "iat": now,
            "exp": now + ttl_seconds,
        }
        if org_unit:
            claims["org_unit"] = str(uuid.UUID(org_unit))
        if person_id:
            claims["person_id"] = str(uuid.UUID(person_id))
        return jwt.encode(claims, self._private, algorithm="RS256", headers={"kid": self.jwk["kid"]})


@lru_cache
def _verifier(jwks_url: str, issuer: str, audience: str) -> TokenVerifier:
    return TokenVerifier(jwks_url, issuer, audience)


BEARER = HTTPBearer(auto_error=False, description="JWT issued by the configured OIDC provider")


async def authenticate(request: Request, token: str | None) -> Principal:
    """The verified caller of a bearer token, within its request rate. Async and I/O-free when the token was seen
    before, so the common request costs no thread hop; a new token is verified in the thread pool (it may fetch the
    JWKS). Shared by `current_principal` and the lean path's unit of work (`shared.http.calls`)."""
    if token is None:
        raise Unauthorized("missing bearer token")
    settings: Settings = getattr(request.app.state, "settings", None) or get_settings()
    verifier = _verifier(settings.auth_jwks_url, settings.auth_issuer, settings.auth_audience)
    principal = verifier.tokens.get(token)
    if principal is None:
        principal = await run_in_threadpool(verifier.verify, token)
    limiter = getattr(request.app.state, "rate_limiter", None)
    if limiter is not None:
        limiter.take(principal.subject)
    return principal


async def current_principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
    request: Request,
) -> Principal:
    """The verified caller (see `authenticate`)."""
    return await authenticate(request, credentials.credentials if credentials else None)


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require_role(*roles: Role) -> Any:  # FastAPI's Depends() is typed Any
    """A dependency that admits only the given roles (admin always passes)."""
    allowed = set(roles) | {Role.admin}

    async def check(principal: PrincipalDep) -> Principal:
        ensure_role(principal, allowed)
        return principal

    return Depends(check)


def ensure_role(principal: Principal, allowed: set[Role] | frozenset[Role]) -> None:
    """403 unless the caller's role is one of `allowed` (callers pass admin in `allowed` themselves)."""
    if principal.role not in allowed:
        raise Forbidden(
            f"role {principal.role.value!r} may not do this; needs one of {sorted(r.value for r in allowed)}"
        )
