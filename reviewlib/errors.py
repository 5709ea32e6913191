"""The package's exceptions: one base class, specific subclasses.

Every problem with a user's file carries where it is (path, line, column) so the command
line can print it as ``path:line:column: message`` and exit 1 without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class ReviewlibError(Exception):
    """Base class of every error reviewlib raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a user's file.

    ``line`` and ``column`` are 1-based; ``None`` when the problem concerns the whole file
    (``line``) or a whole row (``column``).
    """

    path: str
    line: int | None
    column: int | None
    message: str
    level: str = "error"  # "error" or "note"

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class InputError(ReviewlibError):
    """A user's file cannot be used. Holds one or more :class:`Problem` objects."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, path, line: int | None, message: str, column: int | None = None) -> "InputError":
        """Build an error for one place in one file."""
        return cls(Problem(str(path), line, column, message))


class UsageError(ReviewlibError):
    """The caller asked for something that cannot be done (bad option, bad argument)."""


class ConvergenceError(ReviewlibError):
    """An iterative estimator did not reach its optimum."""


class OverwriteError(ReviewlibError):
    """A write would replace an existing file that the caller did not allow us to replace."""
