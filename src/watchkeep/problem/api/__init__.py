"""JSON routes for problem management: known-error matches of incidents, problem candidates,
problems and known errors."""

from fastapi import APIRouter

from watchkeep.problem.api import candidates, known_errors, matches, problems

router = APIRouter()
for module in (matches, candidates, problems, known_errors):
    router.include_router(module.router)
