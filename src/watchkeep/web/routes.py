"""Every web UI router, gathered for the app."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
