"""GitHub webhooks (``/ingest/github/{key}``): what changed in a repository.

GitHub names the event in the ``X-GitHub-Event`` header and signs the raw body with the
webhook's secret (``X-Hub-Signature-256: sha256=<hex HMAC-SHA256>``). Four events are
changes, each with an external id taken from the payload, so that a redelivery, or the same
event sent by two webhooks, is one change:

- ``pull_request`` closed with ``merged: true``: kind ``pull_request``, id
  ``github:<owner>/<repo>#<number>`` (a pull request is merged once);
- ``deployment`` (created): kind ``deploy``, id ``github:<owner>/<repo>:deployment/<id>:created``;
- ``deployment_status`` with an outcome (``success``, ``failure``, ``error``): kind
  ``deploy``, id ``github:<owner>/<repo>:deployment/<id>:<state>``;
- ``push`` to the default branch: kind ``push``, id
  ``github:<owner>/<repo>@<before>..<after>`` (the first 12 digits of each commit).

Anything else (``ping``, a pull request opened, a deployment still queued or in progress, a
push to another branch, an event Watchkeep does not read) is :class:`Ignored`, with why.
"""

import dataclasses
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from watchkeep.alert.normalize.fields import Fields, finish, parse_instant
from watchkeep.alert.normalize.shapes import TITLE_MAX, Change, Ignored, Link, PayloadError
from watchkeep.alert.normalize.words import one_of, shown

GITHUB_EVENTS = ("pull_request", "deployment", "deployment_status", "push")
"""The events that become changes (``ping`` is answered too)."""
DEPLOYMENT_OUTCOMES = ("success", "failure", "error")
"""The deployment statuses stored; the others (queued, pending, in_progress, waiting,
inactive) are steps on the way or a later deployment's doing."""

SIGNATURE_PREFIX = "sha256="
REPOSITORY_MAX = 140  # an owner is at most 39 characters, a repository's name at most 100
_SHA_MAX = 64  # SHA-256 repositories
_SHORT_SHA = 7
_ID_SHA = 12
_NAME_MAX = 255
_LARGEST_ID = 2**53 - 1
_ROLLBACK = re.compile(r"\broll(?:ed|ing)?[ _-]?backs?\b|\brevert", re.IGNORECASE)


def signature_matches(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` (``X-Hub-Signature-256``) is ``sha256=`` and the hex HMAC-SHA256
    of the raw ``body`` under ``secret``, compared in constant time."""
    if not header:
        return False
    expected = SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().lower().encode("utf-8", "replace"))


def github(event: str, body: Any) -> Change | Ignored:
    """The change a GitHub delivery of ``event`` (its ``X-GitHub-Event``) reports, or why it
    reports none. Raises :class:`PayloadError` when an event Watchkeep reads lacks what it
    needs."""
    errors: list[str] = []
    top = Fields.of(body, "", errors)
    if top is None:
        raise PayloadError(errors)
    if event == "ping":
        return Ignored("ping: the webhook reaches Watchkeep and its secret matches")
    read = _READERS.get(event)
    if read is None:
        return Ignored(
            f"{shown(event)} events are not read; select {one_of(GITHUB_EVENTS)} "
            "in the webhook's events"
        )
    found = read(top)
    finish(errors)
    if found is None:  # every reader that finds nothing has said why in ``errors``
        raise PayloadError(errors)
    return found


@dataclass(frozen=True)
class _Repository:
    name: str | None = None
    url: str | None = None
    default_branch: str | None = None

    def commit(self, sha: str | None) -> tuple[Link, ...]:
        if self.url is None or not sha:
            return ()
        return (Link(f"{self.url}/commit/{sha}", f"Commit {sha[:_SHORT_SHA]}"),)


def _repository(top: Fields) -> _Repository:
    repo = top.nested("repository", required=True)
    if repo is None:
        return _Repository()
    return _Repository(
        name=repo.text("full_name", required=True, non_empty=True, most=REPOSITORY_MAX),
        url=repo.url("html_url"),
        default_branch=repo.text("default_branch", most=_NAME_MAX),
    )


def _pull_request(top: Fields) -> Change | Ignored | None:
    action = top.text("action", required=True, most=_NAME_MAX)
    if action is not None and action != "closed":
        return Ignored(f"pull request {action}: only a merged pull request is a change")
    pr = top.nested("pull_request", required=True)
    repo = _repository(top)
    if pr is None or action is None:
        return None
    if _flag(pr, "merged") is not True:
        return Ignored("pull request closed without being merged: not a change")
    number = _whole(pr, "number")
    title = pr.text("title", required=True, cut=TITLE_MAX)
    sha = pr.text("merge_commit_sha", most=_SHA_MAX)
    merged_at = pr.instant("merged_at") or pr.instant("closed_at")
    url = pr.url("html_url")
    base, head = pr.nested("base"), pr.nested("head")
    details = {
        "repository": repo.name,
        "number": number,
        "title": title,
        "author": _login(pr, "user"),
        "merged_by": _login(pr, "merged_by"),
        "sha": sha,
        "base": base.text("ref", cut=_NAME_MAX) if base else None,
        "head": head.text("ref", cut=_NAME_MAX) if head else None,
    }
    if repo.name is None or number is None or title is None:
        return None
    links = ((Link(url, f"Pull request #{number}"),) if url else ()) + repo.commit(sha)
    return Change(
        summary=f"{repo.name}#{number} merged: {title}"[:TITLE_MAX],
        source=repo.name,
        timestamp=merged_at,
        details=_given(details),
        links=links,
        kind="pull_request",
        external_id=f"github:{repo.name}#{number}",
    )


@dataclass(frozen=True)
class _Deployment:
    id: int | None = None
    sha: str | None = None
    ref: str | None = None
    task: str | None = None
    environment: str | None = None
    description: str | None = None
    creator: str | None = None
    created_at: datetime | None = None

    def what(self, repo: str) -> str:
        """``owner/repo main (f95f852)``: what was deployed."""
        sha = (self.sha or "")[:_SHORT_SHA]
        ref = self.ref or sha or "?"
        return f"{repo} {ref}" + (f" ({sha})" if sha and not ref.startswith(sha) else "")


def _deployment_of(top: Fields) -> _Deployment:
    deployment = top.nested("deployment", required=True)
    if deployment is None:
        return _Deployment()
    return _Deployment(
        id=_whole(deployment, "id"),
        sha=deployment.text("sha", most=_SHA_MAX),
        ref=deployment.text("ref", cut=_NAME_MAX),
        task=deployment.text("task", cut=_NAME_MAX),
        environment=deployment.text("environment", cut=_NAME_MAX),
        description=deployment.text("description", cut=TITLE_MAX),
        creator=_login(deployment, "creator"),
        created_at=deployment.instant("created_at"),
    )


def _deployment(top: Fields) -> Change | None:
    repo, deployment = _repository(top), _deployment_of(top)
    if repo.name is None or deployment.id is None:
        return None
    return _deploy_change(repo, deployment, "created", None, deployment.created_at, ())


def _deployment_status(top: Fields) -> Change | Ignored | None:
    status = top.nested("deployment_status", required=True)
    repo, deployment = _repository(top), _deployment_of(top)
    if status is None:
        return None
    state = status.text("state", required=True, non_empty=True, most=_NAME_MAX)
    description = status.text("description", cut=TITLE_MAX)
    environment = status.text("environment", cut=_NAME_MAX)
    created_at = status.instant("created_at")
    links = _links(
        (status.url("target_url"), "Deployment"),
        (status.url("log_url"), "Deployment log"),
        (status.url("environment_url"), "Environment"),
    )
    if repo.name is None or deployment.id is None or state is None:
        return None
    if state not in DEPLOYMENT_OUTCOMES:
        return Ignored(
            f"deployment status {state}: only an outcome ({one_of(DEPLOYMENT_OUTCOMES)}) "
            "is stored; the deployment event marks its start"
        )
    if environment:
        deployment = dataclasses.replace(deployment, environment=environment)
    return _deploy_change(repo, deployment, state, description, created_at, links)


_DEPLOY_WORDS = {
    "created": "Deploying {what} to {env}",
    "success": "Deployed {what} to {env}",
    "failure": "Deploy of {what} to {env} failed",
    "error": "Deploy of {what} to {env} errored",
}


def _deploy_change(
    repo: _Repository,
    deployment: _Deployment,
    state: str,
    description: str | None,
    at: datetime | None,
    links: tuple[Link, ...],
) -> Change:
    assert repo.name is not None and deployment.id is not None  # checked by the callers
    environment = deployment.environment or "an environment"
    said = [deployment.environment, deployment.ref, deployment.task]
    said += [deployment.description, description]
    rollback = any(_ROLLBACK.search(text) for text in said if text)
    summary = _DEPLOY_WORDS[state].format(what=deployment.what(repo.name), env=environment)
    if rollback:
        summary = f"Rollback: {summary}"
    if description or deployment.description:
        summary += f": {description or deployment.description}"
    details = {
        "repository": repo.name,
        "deployment_id": deployment.id,
        "state": state,
        "environment": deployment.environment,
        "ref": deployment.ref,
        "sha": deployment.sha,
        "task": deployment.task,
        "author": deployment.creator,
        "description": description or deployment.description,
        "rollback": rollback,
    }
    return Change(
        summary=summary[:TITLE_MAX],
        source=repo.name,
        timestamp=at or deployment.created_at,
        details=_given(details),
        links=links + repo.commit(deployment.sha),
        kind="deploy",
        external_id=f"github:{repo.name}:deployment/{deployment.id}:{state}",
    )


def _push(top: Fields) -> Change | Ignored | None:
    repo = _repository(top)
    ref = top.text("ref", required=True, most=_NAME_MAX)
    if repo.name is not None and repo.default_branch is None:
        top.errors.append(
            "repository.default_branch is required (to tell a push to the default branch)"
        )
    if ref is None or repo.name is None or repo.default_branch is None:
        return None
    if ref != f"refs/heads/{repo.default_branch}":
        return Ignored(
            f"push to {ref}: only a push to the default branch ({repo.default_branch}) is a change"
        )
    if _flag(top, "deleted"):
        return Ignored(f"push deleted {ref}: not a change")
    before = top.text("before", required=True, most=_SHA_MAX)
    after = top.text("after", required=True, most=_SHA_MAX)
    commits = len(top.items("commits", required=True))
    head = top.nested("head_commit")
    pushed_at = _moment(top.nested("repository"), "pushed_at")
    message = head.text("message") if head else None
    pusher = top.nested("pusher")
    details = {
        "repository": repo.name,
        "ref": ref,
        "branch": repo.default_branch,
        "before": before,
        "sha": after,
        "commits": commits,
        "forced": _flag(top, "forced"),
        "pusher": pusher.text("name", cut=_NAME_MAX) if pusher else None,
        "author": _author(head),
    }
    links = _links(
        (head.url("url") if head else None, f"Commit {(after or '')[:_SHORT_SHA]}"),
        (top.url("compare"), "Compare"),
    )
    if before is None or after is None:
        return None
    where = f"{commits} commit{'' if commits == 1 else 's'} to {repo.name} {repo.default_branch}"
    first_line = (message or "").strip().split("\n", 1)[0].strip()
    return Change(
        summary=(f"{first_line} ({where})" if first_line else f"Pushed {where}")[:TITLE_MAX],
        source=repo.name,
        timestamp=pushed_at,
        details=_given(details),
        links=links,
        kind="push",
        external_id=f"github:{repo.name}@{before[:_ID_SHA]}..{after[:_ID_SHA]}",
    )


_READERS: dict[str, Callable[[Fields], Change | Ignored | None]] = {
    "pull_request": _pull_request,
    "deployment": _deployment,
    "deployment_status": _deployment_status,
    "push": _push,
}


def _flag(fields: Fields, key: str) -> bool | None:
    value = fields.obj.get(key)
    if value is None or isinstance(value, bool):
        return value
    fields.fail(key, f"must be true or false, not {shown(value)}")
    return None


def _whole(fields: Fields, key: str) -> int | None:
    """A required id or number, as GitHub gives them (whole numbers within JSON's exact range)."""
    value = fields.obj.get(key)
    if value is None:
        fields.fail(key, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= _LARGEST_ID:
        fields.fail(key, f"must be a whole number from 1 to {_LARGEST_ID}, not {shown(value)}")
        return None
    return value


def _login(fields: Fields, key: str) -> str | None:
    """The login of a user object (``user``, ``merged_by``, ``creator``), which may be null."""
    user = fields.nested(key)
    return user.text("login", cut=_NAME_MAX) if user else None


def _author(commit: Fields | None) -> str | None:
    author = commit.nested("author") if commit else None
    if author is None:
        return None
    return author.text("username", cut=_NAME_MAX) or author.text("name", cut=_NAME_MAX)


def _moment(fields: Fields | None, key: str) -> datetime | None:
    """An instant GitHub gives as text or, in push events, as Unix seconds."""
    if fields is None:
        return None
    value = fields.obj.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            fields.fail(key, f"must be a time, not {shown(value)}")
            return None
    if isinstance(value, str):
        try:
            return parse_instant(value)
        except ValueError:
            fields.fail(key, f"must be a time, not {shown(value)}")
            return None
    return None


def _links(*candidates: tuple[str | None, str]) -> tuple[Link, ...]:
    """The links given, each address once (GitHub often repeats ``target_url`` as
    ``log_url``)."""
    seen: dict[str, Link] = {}
    for href, text in candidates:
        if href and href not in seen:
            seen[href] = Link(href, text)
    return tuple(seen.values())


def _given(details: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in details.items() if value is not None}
