"""/api/v1/datasets: analysis datasets (docs/datasets.md) — built by their recipients under their
purpose (X-Charte-Purpose), listed with their data sheets, downloaded (audited: pseudonymised rows
are still personal data), revoked by the DPO's roles."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse

from charte.bootstrap import Container
from charte.entrypoints.web import problems
from charte.entrypoints.web.audited_reads import NO_PERSONAL, PERSONAL
from charte.entrypoints.web.auth import Calling, Reading
from charte.services import actors as accounts
from charte.services import datasets
from charte.services.dataset_ports import BuildView
from charte.services.read_model import plain

Name = Annotated[str, Path(min_length=1, max_length=64, description="A dataset of the policy.")]
Number = Annotated[int, Path(ge=1, description="The build's number.")]
MEDIA = {"data.parquet": "application/vnd.apache.parquet", "data.csv": "text/csv; charset=utf-8"}


def _plain(view: BuildView) -> dict[str, Any]:
    return {**plain(view), "live": view.live}


def router(container: Container) -> APIRouter:
    api = APIRouter(prefix="/api/v1/datasets", tags=["datasets"], responses=problems.documented())

    @api.get("", openapi_extra=NO_PERSONAL)
    def list_builds(actor: Calling) -> list[dict[str, Any]]:
        """The builds the account may see — every one for the DPO's roles, its own datasets' for a
        recipient — live and destroyed, with their data sheets (no personal value)."""
        return [_plain(v) for v in datasets.builds(container.dataset_desk(), accounts.as_person(actor))]

    @api.post("/{name}/builds", status_code=201, openapi_extra=NO_PERSONAL)
    def build(name: Name, reader: Reading) -> dict[str, Any]:
        """Build the dataset now (its recipients, under its purpose): the population selected,
        transformed, checked against its privacy model before a file is written. Answers the data
        sheet; the rows are downloaded from `data.parquet` or `data.csv`."""
        return _plain(datasets.build(container.dataset_desk(), reader, name))

    @api.get("/{name}/builds/{number}", openapi_extra=NO_PERSONAL)
    def show(name: Name, number: Number, actor: Calling) -> dict[str, Any]:
        """One build with its data sheet."""
        return _plain(datasets.shown(container.dataset_desk(), accounts.as_person(actor), name, number))

    @api.get(
        "/{name}/builds/{number}/{file}",
        openapi_extra=PERSONAL,
        response_class=FileResponse,
        responses={200: {"content": {m: {} for m in MEDIA.values()}}},
    )
    def download(
        name: Name,
        number: Number,
        file: Annotated[str, Path(pattern="^data\\.(parquet|csv)$", description="data.parquet or data.csv")],
        reader: Reading,
    ) -> FileResponse:
        """A live build's rows, for its recipients under its purpose (audited)."""
        kind = file.removeprefix("data.")
        path = datasets.open_file(container.dataset_desk(), reader, name, number, kind)
        return FileResponse(path, media_type=MEDIA[file], filename=f"{name}-{number}.{kind}")

    @api.delete("/{name}/builds/{number}", openapi_extra=NO_PERSONAL)
    def revoke(name: Name, number: Number, actor: Calling) -> dict[str, Any]:
        """Destroy a build now — its files and its pseudonyms' key (the DPO's roles)."""
        view = datasets.revoke(container.dataset_desk(), actor.name, accounts.as_person(actor), name, number)
        return _plain(view)

    return api
