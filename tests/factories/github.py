"""GitHub webhook payloads, cut down from the examples of GitHub's webhook documentation to
the fields Watchkeep reads, with their documented types (``pushed_at`` is Unix seconds in a
push, text elsewhere), and a delivery as GitHub makes it (signed, with its headers)."""

import copy
import hashlib
import hmac
import json
from typing import Any

import httpx
from fastapi.testclient import TestClient

from watchkeep.alert.models import AlertSource

DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958"

REPOSITORY: dict[str, Any] = {
    "id": 186853002,
    "name": "Hello-World",
    "full_name": "Codertocat/Hello-World",
    "private": False,
    "html_url": "https://github.com/Codertocat/Hello-World",
    "default_branch": "main",
    "pushed_at": "2019-05-15T15:20:52Z",
}
USER = {"login": "Codertocat", "id": 21031067, "type": "User"}
MERGED_PR: dict[str, Any] = {
    "action": "closed",
    "number": 2,
    "pull_request": {
        "html_url": "https://github.com/Codertocat/Hello-World/pull/2",
        "id": 279147437,
        "number": 2,
        "state": "closed",
        "title": "Update the README with new information.",
        "user": USER,
        "body": "This is a pretty simple change that we need to pull into main.",
        "created_at": "2019-05-15T15:20:33Z",
        "closed_at": "2019-05-15T15:21:18Z",
        "merged_at": "2019-05-15T15:21:18Z",
        "merge_commit_sha": "c4295bd74fb0f4fda03689c3df3f2803b658fd85",
        "merged": True,
        "merged_by": {"login": "octocat", "id": 583231, "type": "User"},
        "base": {"label": "Codertocat:main", "ref": "main", "sha": "f95f852bd8fca8fcc58a9a2d"},
        "head": {"label": "Codertocat:changes", "ref": "changes", "sha": "ec26c3e57ca3a959ca5a"},
    },
    "repository": REPOSITORY,
    "sender": USER,
}
DEPLOYMENT: dict[str, Any] = {
    "url": "https://api.github.com/repos/Codertocat/Hello-World/deployments/145988746",
    "id": 145988746,
    "sha": "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
    "ref": "main",
    "task": "deploy",
    "payload": {},
    "original_environment": "production",
    "environment": "production",
    "description": None,
    "creator": USER,
    "created_at": "2019-05-15T15:20:53Z",
    "updated_at": "2019-05-15T15:20:55Z",
}
DEPLOYMENT_CREATED: dict[str, Any] = {
    "action": "created",
    "deployment": DEPLOYMENT,
    "repository": REPOSITORY,
    "sender": USER,
}
DEPLOYMENT_STATUS: dict[str, Any] = {
    "action": "created",
    "deployment_status": {
        "id": 209916254,
        "state": "success",
        "creator": USER,
        "description": "",
        "environment": "production",
        "target_url": "https://ci.example.com/deploys/42",
        "log_url": "https://ci.example.com/deploys/42",
        "environment_url": "https://hello.example.com",
        "created_at": "2019-05-15T15:20:55Z",
        "updated_at": "2019-05-15T15:20:55Z",
    },
    "deployment": DEPLOYMENT,
    "repository": REPOSITORY,
    "sender": USER,
}
PUSH: dict[str, Any] = {
    "ref": "refs/heads/main",
    "before": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
    "after": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
    "created": False,
    "deleted": False,
    "forced": False,
    "base_ref": None,
    "compare": "https://github.com/Codertocat/Hello-World/compare/6113728f27ae...0d1a26e67d8f",
    "commits": [
        {"id": "a10867b14bb761a232cd80139fbd4c0d33264240", "message": "Add a test"},
        {
            "id": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
            "message": "Fix the login timeout\n\nThe session expired after 5 minutes.",
        },
    ],
    "head_commit": {
        "id": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
        "message": "Fix the login timeout\n\nThe session expired after 5 minutes.",
        "timestamp": "2019-05-15T08:20:30-07:00",
        "url": "https://github.com/Codertocat/Hello-World/commit/0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
        "author": {"name": "Codertocat", "email": "c@example.com", "username": "Codertocat"},
    },
    "repository": {**REPOSITORY, "pushed_at": 1557933657, "created_at": 1557933565},
    "pusher": {"name": "Codertocat", "email": "c@example.com"},
    "sender": USER,
}


def changed(body: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """``body`` deep-copied, with the fields named by their path (``deployment__id``) set;
    ``None`` removes one."""
    body = copy.deepcopy(body)
    for path, value in fields.items():
        *parents, last = path.split("__")
        target = body
        for name in parents:
            target = target[name]
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return body


def sign(secret: str, raw: bytes) -> str:
    """``X-Hub-Signature-256`` of ``raw`` under ``secret``."""
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def deliver(
    client: TestClient,
    source: AlertSource,
    event: str,
    body: Any,
    *,
    delivery: str = DELIVERY,
    signature: str | None = "sign",
    raw: bytes | None = None,
    content_type: str = "application/json",
) -> httpx.Response:
    """POST as GitHub does: the raw JSON body, signed with the source's secret."""
    raw = json.dumps(body).encode() if raw is None else raw
    headers = {
        "Content-Type": content_type,
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "User-Agent": "GitHub-Hookshot/044aadd",
    }
    if signature == "sign":
        signature = sign(source.signing_secret or "", raw)
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return client.post(f"/ingest/github/{source.integration_key}", content=raw, headers=headers)
