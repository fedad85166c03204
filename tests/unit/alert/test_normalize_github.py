"""GitHub webhooks: the signature, and which deliveries are changes (the payloads of
``tests/factories/github.py``, cut down from GitHub's documented examples)."""

from datetime import UTC, datetime
from typing import Any

import pytest
from tests.factories.github import (
    DEPLOYMENT_CREATED,
    DEPLOYMENT_STATUS,
    MERGED_PR,
    PUSH,
    REPOSITORY,
    changed,
)

from watchkeep.alert.normalize import (
    Change,
    Ignored,
    Link,
    PayloadError,
    github,
    signature_matches,
)


def change_of(event: str, body: Any) -> Change:
    found = github(event, body)
    assert isinstance(found, Change), found
    return found


def reason_of(event: str, body: Any) -> str:
    found = github(event, body)
    assert isinstance(found, Ignored), found
    return found.reason


def errors_of(event: str, body: Any) -> list[str]:
    with pytest.raises(PayloadError) as raised:
        github(event, body)
    return raised.value.errors


# --- the signature -----------------------------------------------------------------------------


def test_the_signature_is_the_hmac_sha256_of_the_raw_body() -> None:
    # The test values of GitHub's "Validating webhook deliveries".
    secret, body = "It's a Secret to Everybody", b"Hello, World!"
    good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert signature_matches(secret, body, good)
    assert signature_matches(secret, body, good.upper().replace("SHA256=", "sha256="))
    assert not signature_matches(secret, body + b" ", good)
    assert not signature_matches("another secret", body, good)
    assert not signature_matches(secret, body, good.removeprefix("sha256="))
    assert not signature_matches(secret, body, "sha1=" + "0" * 40)
    assert not signature_matches(secret, body, None)
    assert not signature_matches(secret, body, "")
    assert not signature_matches(secret, body, "sha256=é")  # not ASCII: no match, no error


# --- pull requests -----------------------------------------------------------------------------


def test_a_merged_pull_request_is_a_change_once_per_pull_request() -> None:
    change = change_of("pull_request", MERGED_PR)
    assert change.kind == "pull_request"
    assert change.external_id == "github:Codertocat/Hello-World#2"
    assert (
        change.summary == "Codertocat/Hello-World#2 merged: Update the README with new information."
    )
    assert change.source == "Codertocat/Hello-World"
    assert change.timestamp == datetime(2019, 5, 15, 15, 21, 18, tzinfo=UTC)
    assert change.details == {
        "repository": "Codertocat/Hello-World",
        "number": 2,
        "title": "Update the README with new information.",
        "author": "Codertocat",
        "merged_by": "octocat",
        "sha": "c4295bd74fb0f4fda03689c3df3f2803b658fd85",
        "base": "main",
        "head": "changes",
    }
    assert change.links == (
        Link("https://github.com/Codertocat/Hello-World/pull/2", "Pull request #2"),
        Link(
            "https://github.com/Codertocat/Hello-World/commit/c4295bd74fb0f4fda03689c3df3f2803b658fd85",
            "Commit c4295bd",
        ),
    )


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (changed(MERGED_PR, action="opened"), "pull request opened"),
        (changed(MERGED_PR, action="synchronize"), "pull request synchronize"),
        (changed(MERGED_PR, pull_request__merged=False), "without being merged"),
    ],
)
def test_other_pull_request_events_are_ignored(body: dict[str, Any], said: str) -> None:
    assert said in reason_of("pull_request", body)


def test_a_merged_pull_request_without_what_it_needs_lists_every_problem() -> None:
    body = changed(MERGED_PR, pull_request__number=None, pull_request__title=7, repository=None)
    assert errors_of("pull_request", body) == [
        "repository is required (an object)",
        "pull_request.number is required",
        "pull_request.title must be a string, not a number",
    ]


# --- deployments -------------------------------------------------------------------------------


def test_a_deployment_is_a_deploy_change() -> None:
    change = change_of("deployment", DEPLOYMENT_CREATED)
    assert change.kind == "deploy"
    assert change.external_id == "github:Codertocat/Hello-World:deployment/145988746:created"
    assert change.summary == "Deploying Codertocat/Hello-World main (f95f852) to production"
    assert change.timestamp == datetime(2019, 5, 15, 15, 20, 53, tzinfo=UTC)
    assert change.details["state"] == "created"
    assert change.details["rollback"] is False
    assert change.details["author"] == "Codertocat"


def test_a_deployment_status_with_an_outcome_is_a_deploy_change_with_its_links() -> None:
    change = change_of("deployment_status", DEPLOYMENT_STATUS)
    assert change.external_id == "github:Codertocat/Hello-World:deployment/145988746:success"
    assert change.summary == "Deployed Codertocat/Hello-World main (f95f852) to production"
    assert change.timestamp == datetime(2019, 5, 15, 15, 20, 55, tzinfo=UTC)
    assert change.details["state"] == "success"
    assert change.links == (  # log_url repeats target_url: one link
        Link("https://ci.example.com/deploys/42", "Deployment"),
        Link("https://hello.example.com", "Environment"),
        Link(
            "https://github.com/Codertocat/Hello-World/commit/f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
            "Commit f95f852",
        ),
    )
    failed = change_of(
        "deployment_status",
        changed(DEPLOYMENT_STATUS, deployment_status__state="failure"),
    )
    assert failed.summary == "Deploy of Codertocat/Hello-World main (f95f852) to production failed"
    assert failed.external_id != change.external_id


@pytest.mark.parametrize("state", ["queued", "pending", "in_progress", "waiting", "inactive"])
def test_a_deployment_status_on_the_way_is_ignored(state: str) -> None:
    body = changed(DEPLOYMENT_STATUS, deployment_status__state=state)
    assert f"deployment status {state}" in reason_of("deployment_status", body)


@pytest.mark.parametrize(
    "body",
    [
        changed(DEPLOYMENT_STATUS, deployment_status__description="Rollback to v1.4.2"),
        changed(DEPLOYMENT_STATUS, deployment__task="deploy:rollback"),
        changed(DEPLOYMENT_STATUS, deployment__ref="revert-17-new-cache"),
        changed(DEPLOYMENT_STATUS, deployment__description="rolled back after errors"),
    ],
)
def test_a_rollback_is_said_so(body: dict[str, Any]) -> None:
    change = change_of("deployment_status", body)
    assert change.details["rollback"] is True
    assert change.summary.startswith("Rollback: Deployed Codertocat/Hello-World")


def test_a_deployment_without_an_id_is_refused() -> None:
    errors = errors_of("deployment", changed(DEPLOYMENT_CREATED, deployment__id="145988746"))
    assert errors == [
        'deployment.id must be a whole number from 1 to 9007199254740991, not "145988746"'
    ]


# --- pushes ------------------------------------------------------------------------------------


def test_a_push_to_the_default_branch_is_a_change() -> None:
    change = change_of("push", PUSH)
    assert change.kind == "push"
    assert change.summary == "Fix the login timeout (2 commits to Codertocat/Hello-World main)"
    assert change.external_id == "github:Codertocat/Hello-World@6113728f27ae..0d1a26e67d8f"
    assert change.timestamp == datetime.fromtimestamp(1557933657, UTC)  # repository.pushed_at
    assert change.details["commits"] == 2
    assert change.details["pusher"] == "Codertocat"
    assert change.details["sha"] == "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"
    assert [link.text for link in change.links] == ["Commit 0d1a26e", "Compare"]


def test_a_push_without_a_head_commit_still_says_what_was_pushed() -> None:
    change = change_of("push", changed(PUSH, head_commit=None, commits=[{"id": "a"}]))
    assert change.summary == "Pushed 1 commit to Codertocat/Hello-World main"


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (changed(PUSH, ref="refs/heads/feature"), "push to refs/heads/feature"),
        (changed(PUSH, ref="refs/tags/v1.0"), "default branch (main)"),
        (changed(PUSH, deleted=True), "push deleted refs/heads/main"),
    ],
)
def test_other_pushes_are_ignored(body: dict[str, Any], said: str) -> None:
    assert said in reason_of("push", body)


def test_a_push_needs_the_default_branch_to_tell() -> None:
    errors = errors_of("push", changed(PUSH, repository__default_branch=None))
    assert errors == [
        "repository.default_branch is required (to tell a push to the default branch)"
    ]


# --- everything else ---------------------------------------------------------------------------


def test_a_ping_and_unread_events_are_ignored_with_the_reason() -> None:
    ping = {"zen": "Design for failure.", "hook_id": 109948940, "hook": {"type": "Repository"}}
    assert "ping" in reason_of("ping", ping)
    said = reason_of("issues", {"action": "opened"})
    assert said.startswith('"issues" events are not read')
    assert '"deployment_status"' in said


@pytest.mark.parametrize("body", [[], "x", None, 3])
def test_the_body_must_be_an_object(body: Any) -> None:
    assert errors_of("push", body)[0].startswith("the body must be a JSON object")


def test_external_ids_fit_their_column_for_the_longest_names() -> None:
    longest = {**REPOSITORY, "full_name": f"{'o' * 39}/{'r' * 100}", "default_branch": "main"}
    for event, body in [
        ("pull_request", changed(MERGED_PR, number=2**53 - 1, pull_request__number=2**53 - 1)),
        ("deployment_status", changed(DEPLOYMENT_STATUS, deployment__id=2**53 - 1)),
        ("push", PUSH),
    ]:
        body = {**body, "repository": {**body["repository"], **longest}}
        external_id = change_of(event, body).external_id
        assert external_id is not None and len(external_id) <= 200
    too_long = changed(PUSH, repository__full_name="x" * 141)
    assert errors_of("push", too_long) == [
        "repository.full_name must be at most 140 characters, not 141"
    ]
