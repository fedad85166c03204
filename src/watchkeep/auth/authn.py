"""How the request kit turns API tokens and session cookies into actors."""

from sqlalchemy.orm import Session

from watchkeep.auth import service
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.http.deps import Login


class TokensAndSessions:
    """The :class:`watchkeep.http.deps.Authenticator` of the auth domain."""

    def actor_for_token(self, session: Session, secret: str) -> Actor:
        return service.actor_for_token(session, secret=secret, now=utcnow())

    def login_for_cookie(self, session: Session, secret: str) -> Login | None:
        web_session = service.find_web_session(session, secret=secret, now=utcnow())
        if web_session is None:
            return None
        user = web_session.user
        return Login(
            actor=service.actor_of(user), csrf_token=web_session.csrf_token, timezone=user.timezone
        )
