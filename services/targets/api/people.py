"""Endpoints for people."""
from fastapi import APIRouter

router = APIRouter(tags=["people"])
