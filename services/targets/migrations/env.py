from services.targets.db import metadata
from shared.migrations import run_env

run_env(metadata)
