"""The journey file's building blocks: ids, scores, phases and the scale every score sits on."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

ENTRY = "entry"
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
SHARE_TOLERANCE = 1e-6
MAX_INTEGER = 2**63 - 1  # the largest integer every store holds (SQLite, Bolt: 64-bit signed)

Slug = Annotated[str, Field(pattern=ID_PATTERN)]


def _none_if_empty(value: list[Any] | None) -> list[Any] | None:
    return value or None


# an empty list is the same as none; the validator sits inside the optional so that an
# absent list (most of a million transitions) costs no Python call
Ids = Annotated[list[str], AfterValidator(_none_if_empty)] | None
Score = Annotated[float, Field(allow_inf_nan=False)]
Phase = Literal["pre_sale", "sale", "after_sale"]
PHASES: tuple[Phase, ...] = ("pre_sale", "sale", "after_sale")
LANES: tuple[str, ...] = ("front-stage", "back-stage", "support")  # the usual lanes; any text is allowed
Status = Literal["idea", "planned", "in_progress", "done"]
STATUSES: tuple[Status, ...] = ("idea", "planned", "in_progress", "done")
URL_PATTERN = r"^https?://\S+$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Scale(_Strict):
    min: Score = 0.0
    max: Score = 10.0

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if not self.min < self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        return self
