"""/api/v1/trainings: the staff's data-protection trainings, for the roles of
``training.managed_by`` (docs/accountability.md). Recording one is audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from charte.bootstrap import Container
from charte.entrypoints.web import problems
from charte.entrypoints.web.audited_reads import NO_PERSONAL
from charte.entrypoints.web.auth import Calling
from charte.entrypoints.web.schemas import TrainingIn
from charte.services import actors as accounts
from charte.services import training

ActorName = Annotated[str, Path(min_length=1, max_length=200, description="The account.")]


def router(container: Container) -> APIRouter:
    api = APIRouter(prefix="/api/v1/trainings", tags=["trainings"], responses=problems.documented())

    @api.get("", openapi_extra=NO_PERSONAL)
    def roster(actor: Calling) -> dict[str, Any]:
        """Every staff account with its latest training, last valid day and status (current,
        lapsing, lapsed, never), and the reads under an exempt purpose with a lapsed training."""
        return training.roster(container.training_desk(), role=accounts.as_person(actor))

    @api.post("", status_code=201, openapi_extra=NO_PERSONAL)
    def record(body: TrainingIn, actor: Calling) -> dict[str, Any]:
        """Record that an account completed a course (GDPR Art. 24(1), 39(1)(b)): it counts for the
        policy's `training.valid_for`, and the account's reads of personal data open again."""
        return training.record(
            container.training_desk(),
            actor=body.actor,
            course=body.course,
            completed_on=body.completed_on,
            by=actor.name,
            role=accounts.as_person(actor),
        )

    @api.get("/{name}", openapi_extra=NO_PERSONAL)
    def history(name: ActorName, actor: Calling) -> dict[str, Any]:
        """An account's trainings, the latest first."""
        return training.history(container.training_desk(), actor=name, role=accounts.as_person(actor))

    return api
