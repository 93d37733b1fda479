"""Endpoints for plans."""
from fastapi import APIRouter

router = APIRouter(tags=["plans"])
