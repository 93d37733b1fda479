"""Bearer JWTs verified against a JWKS (any OIDC issuer), a local issuer for development and tests,
and the caller's role and org-unit scope as FastAPI dependencies."""

from __future__ import annotations

import json
import time
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.errors import DomainError, Forbidden
from shared.identity import Principal, Role
from shared.settings import STATE_DIR, Settings, get_settings

ALGORITHMS = ["RS256", "ES256"]


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"


class TokenVerifier:
    """Verifies signature, expiry, issuer and audience against the configured JWKS (URL or file)."""

    def __init__(self, jwks_url: str, issuer: str, audience: str):
        self.issuer = issuer
        self.audience = audience
        self._remote = jwt.PyJWKClient(jwks_url, cache_keys=True) if jwks_url.startswith("http") else None
        self._file = None if self._remote else Path(jwks_url)

    def _key(self, token: str):
        if self._remote:
            return self._remote.get_signing_key_from_jwt(token).key
        kid = jwt.get_unverified_header(token).get("kid")
        keys = jwt.PyJWKSet.from_json(self._file.read_text())
        for key in keys.keys:
            if key.key_id == kid:
                return key.key
        raise jwt.InvalidTokenError(f"no key with kid {kid!r}")

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._key(token),
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "sub", "role"]},
            )
            role = Role(claims["role"])
            org_unit = claims.get("org_unit")
            person = claims.get("person_id")
            return Principal(
                subject=claims["sub"],
                role=role,
                org_unit_id=uuid.UUID(org_unit) if org_unit else None,
                person_id=uuid.UUID(person) if person else None,
            )
        except (jwt.PyJWTError, ValueError, OSError) as exc:
            raise Unauthorized(f"invalid bearer token: {exc}") from exc


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
            jwk.update(kid=uuid.uuid4().hex[:16], alg="RS256", use="sig")
            self.key_path.write_text(json.dumps(jwk))
            self.key_path.chmod(0o600)
        self.jwk = json.loads(self.key_path.read_text())
        public = {k: self.jwk[k] for k in ("kty", "n", "e", "kid", "alg", "use")}
        self.jwks_path.write_text(json.dumps({"keys": [public]}))
        self._private = jwt.algorithms.RSAAlgorithm.from_jwk(self.jwk)

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
            "sub": subject or f"dev-{role}",
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


_bearer = HTTPBearer(auto_error=False, description="JWT issued by the configured OIDC provider")


def current_principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    request: Request,
) -> Principal:
    if credentials is None:
        raise Unauthorized("missing bearer token")
    settings: Settings = getattr(request.app.state, "settings", None) or get_settings()
    return _verifier(settings.auth_jwks_url, settings.auth_issuer, settings.auth_audience).verify(
        credentials.credentials
    )


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require_role(*roles: Role):
    """A dependency that admits only the given roles (admin always passes)."""
    allowed = set(roles) | {Role.admin}

    def check(principal: PrincipalDep) -> Principal:
        if principal.role not in allowed:
            raise Forbidden(
                f"role {principal.role.value!r} may not do this; needs one of {sorted(r.value for r in allowed)}"
            )
        return principal

    return Depends(check)
