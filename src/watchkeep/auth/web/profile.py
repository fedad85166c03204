"""Your own profile: name, time zone, password and personal API tokens."""

from fastapi import APIRouter

from watchkeep.http.browser import WebRoute

router = APIRouter(route_class=WebRoute)
