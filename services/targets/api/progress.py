"""Endpoints for progress."""
from fastapi import APIRouter

router = APIRouter(tags=["progress"])
