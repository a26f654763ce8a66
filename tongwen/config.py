"""Configuration in one typed place: where the data lives and how the server runs. Read once, passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = "./tongwen-data"


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000

    @property
    def database_path(self) -> Path:
        return self.data_dir / "tongwen.sqlite"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def sources_path(self) -> Path:
        return self.data_dir / "sources.toml"

    @classmethod
    def load(cls, data_dir: str | os.PathLike[str] | None = None) -> Settings:
        """`data_dir` if given, else $TONGWEN_DATA, else ./tongwen-data."""
        chosen = data_dir or os.environ.get("TONGWEN_DATA") or DEFAULT_DATA_DIR
        return cls(data_dir=Path(chosen).expanduser().resolve())

    def ensure(self) -> Settings:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self


def settings_of(context_obj: object) -> Settings:
    """The Settings a command runs with: the main `tongwen` group's ``ctx.obj`` (built from --data or
    $TONGWEN_DATA), or — for a command invoked on its own — those from the environment."""
    return context_obj if isinstance(context_obj, Settings) else Settings.load()
