"""The bibliographic record: the core fields as strings plus whatever else the source had."""

from __future__ import annotations

from dataclasses import dataclass, field, fields as dc_fields
from typing import Any, Mapping


def _text(value: Any) -> str:
    """A cell as text: ``None`` and NaN become ``""``; everything else ``str(value)``."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    try:
        import pandas as pd

        if value is pd.NA:
            return ""
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return str(value)


@dataclass
class Record:
    """One bibliographic record.

    Every field is a string, ``""`` when missing, named as in :mod:`reviewlib.records.fields`.
    Fields the source had that are not listed here are kept in ``extra`` so nothing is lost
    on a round trip.

    Examples
    --------
    >>> r = Record.from_dict({"id": "chen2023", "title": "The Role of Influencers",
    ...                       "year": 2023, "note": "live streaming"})
    >>> r.year, r.extra
    ('2023', {'note': 'live streaming'})
    >>> r.to_dict()["note"]
    'live streaming'
    """

    id: str = ""
    entrytype: str = ""
    title: str = ""
    author: str = ""
    year: str = ""
    journal: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    doi: str = ""
    abstract: str = ""
    url: str = ""
    publisher: str = ""
    issn: str = ""
    keywords: str = ""
    language: str = ""
    source: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def field_names(cls) -> list[str]:
        """The named fields, in order (without ``extra``)."""
        return [f.name for f in dc_fields(cls) if f.name != "extra"]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Record":
        """Build a record from a mapping; unknown keys go to ``extra``, values become text.

        Keys are matched exactly (use the names in :mod:`reviewlib.records.fields`).
        """
        names = set(cls.field_names())
        known = {k: _text(v) for k, v in data.items() if k in names}
        extra = {str(k): _text(v) for k, v in data.items() if k not in names and k != "extra"}
        nested = data.get("extra")
        if isinstance(nested, Mapping):
            extra.update({str(k): _text(v) for k, v in nested.items()})
        return cls(**known, extra=extra)

    def to_dict(self) -> dict[str, str]:
        """All fields as one flat dict: the named fields first (in order), then ``extra``."""
        out = {name: getattr(self, name) for name in self.field_names()}
        for k, v in self.extra.items():
            if k not in out:
                out[k] = v
        return out

