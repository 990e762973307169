"""`charte rights ...`: rights requests from intake to answer (docs/rights.md).

Every command acts for a handler: `--as ROLE` (or CHARTE_AS), one of the policy's
`rights.submit_to` roles; the actor is CHARTE_ACTOR or the OS user. With `--format json` every
output is the request's summary (`id`, `status`, `due_on`, ...) or, for `list`, `{"requests": [...]}`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from charte.entrypoints.cli.args import parse_day, parse_euros, parse_optional_day
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import emit_json
from charte.entrypoints.cli.reader import AsOpt, actor, role_only
from charte.services import answers, identity
from charte.services import rights as use_cases
from charte.services.rights_desk import Desk

app = typer.Typer(
    help="Rights requests: intake, identity, deadlines, answers.", no_args_is_help=True, rich_markup_mode=None
)


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


FormatOpt = Annotated[Format, typer.Option("--format", help="text or json.")]
IdArg = Annotated[int, typer.Argument(help="The request's number.", min=1, max=2**31 - 1)]
OnOpt = Annotated[str, typer.Option("--on", help="The day it happened (YYYY-MM-DD).")]


def _desk(role: str | None) -> Desk:
    return container().rights_desk(actor(), role_only(role, "handling rights requests"))


def _show(summary: dict[str, Any], fmt: Format) -> None:
    if fmt is Format.JSON:
        emit_json(summary)
        return
    due = summary["due_on"] or ("clock stopped" if summary["paused"] else "-")
    late = " OVERDUE" if summary.get("overdue") else ""
    typer.echo(f"request {summary['id']} ({summary['type']}) {summary['status']}, due {due}{late}")
    for letter in summary.get("letters", []):
        typer.echo(f"letter: {letter}")
    if summary.get("not_sent"):
        typer.echo(f"not sent: {summary['not_sent']}; once fixed: charte rights resend {summary['id']}")


@app.command(name="open")
def open_(
    type_: Annotated[
        str,
        typer.Option(
            "--type", help="access, rectification, erasure, opposition, restriction or portability."
        ),
    ],
    received: Annotated[
        str, typer.Option("--received", help="The day any channel received it (YYYY-MM-DD).")
    ],
    channel: Annotated[str, typer.Option("--channel", help="post, email, phone, web or in_person.")],
    claimed_name: Annotated[str, typer.Option("--claimed-name", help="Who the requester says they are.")],
    contact: Annotated[str, typer.Option("--contact", help="Where to answer (e-mail or postal address).")],
    person: Annotated[
        str | None, typer.Option("--person", help="The register's person, once matched.")
    ] = None,
    purpose: Annotated[
        str | None, typer.Option("--purpose", help="Opposition: the purpose objected to.")
    ] = None,
    changes: Annotated[
        str | None, typer.Option("--changes", help='Rectification: {"field": "new value"}.')
    ] = None,
    ground: Annotated[
        str | None,
        typer.Option("--ground", help="Restriction: accuracy, unlawful, legal_claims or objection_pending."),
    ] = None,
    role: AsOpt = None,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """Record a request as received; its clock starts, matched to a person or not."""
    summary = use_cases.open_request(
        _desk(role),
        type_=type_,
        received_on=parse_day(received, "--received"),
        channel=channel,
        claimed_name=claimed_name,
        contact=contact,
        person=person,
        purpose=purpose,
        changes=use_cases.parse_changes(changes),
        ground=ground,
    )
    _show(summary, fmt)


@app.command()
def match(
    request: IdArg,
    person: Annotated[str, typer.Option("--person", help="The person's ref in the register.")],
    role: AsOpt = None,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """Say which person of the register the request concerns (a portal request arrives unmatched)."""
    _show(use_cases.match(_desk(role), request, person), fmt)


@app.command(name="ask-identity")
def ask_identity(request: IdArg, on: OnOpt, role: AsOpt = None, fmt: FormatOpt = Format.TEXT) -> None:
    """Ask the requester to prove their identity (GDPR Art. 12(6)); the policy says what the clock does."""
    _show(use_cases.ask_identity(_desk(role), request, parse_day(on, "--on")), fmt)


@app.command(name="identity-received")
def identity_received(request: IdArg, on: OnOpt, role: AsOpt = None, fmt: FormatOpt = Format.TEXT) -> None:
    """The requester answered the request for information: the clock runs again."""
    _show(use_cases.identity_received(_desk(role), request, parse_day(on, "--on")), fmt)


@app.command(name="attach-document")
def attach_document(
    request: IdArg,
    document: Annotated[
        Path,
        typer.Argument(
            help="The identity document (PDF, JPEG or PNG, at most 10 MB).",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    role: AsOpt = None,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """Keep the requester's identity document, encrypted, until it is checked (then it is erased)."""
    _show(identity.attach_document(_desk(role), request, document.read_bytes()), fmt)


@app.command(name="send-code")
def send_code(request: IdArg, role: AsOpt = None, fmt: FormatOpt = Format.TEXT) -> None:
    """Send a one-time code to a contact already on file for the matched person."""
    _show(identity.send_code(_desk(role), request), fmt)


@app.command()
def verify(
    request: IdArg,
    method: Annotated[str, typer.Option("--method", help="code, client-number or document.")],
    code: Annotated[str | None, typer.Option("--code", help="The code the requester received.")] = None,
    client_number: Annotated[
        str | None, typer.Option("--client-number", help="The number the requester gave.")
    ] = None,
    document: Annotated[
        Path | None,
        typer.Option(
            "--document",
            help="The identity document just checked (else the one attached).",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ] = None,
    role: AsOpt = None,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """Establish the requester's identity; until then nothing is disclosed, changed or erased.
    With --document, the file is attached (encrypted) and, once identity is confirmed, erased."""
    desk = _desk(role)
    if document is not None:
        identity.attach_document(desk, request, document.read_bytes())
    _show(identity.verify(desk, request, method, code=code, client_number=client_number), fmt)


@app.command()
def fulfil(
    request: IdArg,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Where to write the answer (default CHARTE_HOME/answers/request-ID)."),
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="The access letter's language (fr, en).")] = None,
    role: AsOpt = None,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """Answer a verified request and print the paths written (access: a ZIP, the letter in HTML and PDF)."""
    summary = answers.fulfil(_desk(role), request, out, lang)
    if fmt is Format.JSON:
        emit_json(summary)
        return
    for path in summary["paths"]:
        typer.echo(path)


@app.command(name="lift-restriction")
def lift_restriction(request: IdArg, role: AsOpt = None, fmt: FormatOpt = Format.TEXT) -> None:
    """Lift the restriction a fulfilled restriction request set, telling the person first (Art. 18(3))."""
    _show(answers.lift_restriction(_desk(role), request), fmt)


@app.command()
def notices(
    pending: Annotated[bool, typer.Option("--pending", help="Only those not yet sent.")] = False,
    role: AsOpt = None,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """The notices owed to recipients of rectified, erased or restricted data (GDPR Art. 19)."""
    found = answers.notices(_desk(role), pending_only=pending)
    if fmt is Format.JSON:
        emit_json({"notices": found})
        return
    for n in found:
        state = f"sent {n['sent_at']}" if n["sent_at"] else "to send"
        fields = ", ".join(n["fields"])
        typer.echo(f"{n['id']}: {n['kind']} to {n['recipient']} about {n['person']} ({fields}) {state}")


@app.command(name="send-notices")
def send_notices(role: AsOpt = None, fmt: FormatOpt = Format.TEXT) -> None:
    """Send the Art. 19 notices still owed to the recipients the policy gives a contact
    (roles.<id>.contact), and record them as sent."""
    done = answers.send_notices(_desk(role))
    if fmt is Format.JSON:
        emit_json(done)
        return
    typer.echo(f"{done['sent']} notice(s) sent")
    for recipient in done["no_contact"]:
        typer.echo(f"no contact for '{recipient}' (policy: roles.{recipient}.contact): its notices stay owed")
    for notice, why in done["failed"].items():
        typer.echo(f"notice {notice} not sent ({why}): tried again at the next sending")


@app.command(name="notice-sent")
def notice_sent(
    notice: Annotated[int, typer.Argument(help="The notice's number.", min=1, max=2**31 - 1)],
    role: AsOpt = None,
) -> None:
    """Record that a recipient notice was sent."""
    answers.notice_sent(_desk(role), notice)
    typer.echo(f"notice {notice} recorded as sent")


@app.command()
def extend(
    request: IdArg,
    on: OnOpt,
    reason: Annotated[str, typer.Option("--reason", help="Why (told to the requester).")],
    role: AsOpt = None,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """Extend the reply by the policy's extension, before the first due date, telling the requester why."""
    _show(use_cases.extend(_desk(role), request, parse_day(on, "--on"), reason), fmt)


@app.command(name="ask-fee")
def ask_fee(
    request: IdArg,
    amount: Annotated[str, typer.Option("--amount", help="In euros, e.g. 15 or 15.50.")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why the request is manifestly unfounded or excessive.")
    ],
    role: AsOpt = None,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """Ask a reasonable fee for a manifestly unfounded or excessive request, with reasons (Art. 12(5)(a))."""
    _show(use_cases.ask_fee(_desk(role), request, parse_euros(amount, "--amount"), reason), fmt)


@app.command()
def resend(request: IdArg, role: AsOpt = None, fmt: FormatOpt = Format.TEXT) -> None:
    """Send again the notices of the request that could not be sent (the relay was down, the
    address bounced), with the letters written at their step."""
    _show(use_cases.resend(_desk(role), request), fmt)


@app.command(name="fee-paid")
def fee_paid(request: IdArg, on: OnOpt, role: AsOpt = None, fmt: FormatOpt = Format.TEXT) -> None:
    """Record that the requester paid the fee asked: the request may be answered."""
    _show(use_cases.fee_paid(_desk(role), request, parse_day(on, "--on")), fmt)


@app.command()
def refuse(
    request: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="Why (told to the requester with the remedies).")],
    role: AsOpt = None,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """Refuse with written reasons, the CNIL complaint and the judicial remedy (GDPR Art. 12(4))."""
    _show(use_cases.refuse(_desk(role), request, reason), fmt)


@app.command()
def close(
    request: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="not-identifiable or withdrawn.")],
    role: AsOpt = None,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """Close a request: not identifiable (no answer in time) or withdrawn."""
    _show(use_cases.close(_desk(role), request, reason), fmt)


@app.command(name="close-expired")
def close_expired(role: AsOpt = None, fmt: FormatOpt = Format.TEXT) -> None:
    """Close as not identifiable the requests whose identity delay ran out (charte serve does it nightly)."""
    closed = use_cases.close_expired(_desk(role))
    if fmt is Format.JSON:
        emit_json({"closed": closed})
        return
    typer.echo(
        f"{len(closed)} request(s) closed as not identifiable"
        + (f": {', '.join(map(str, closed))}" if closed else "")
    )


@app.command(name="list")
def list_(
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only open requests past their due date.")
    ] = False,
    due_before: Annotated[
        str | None, typer.Option("--due-before", help="Only those due before YYYY-MM-DD.")
    ] = None,
    role: AsOpt = None,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """Requests by due date (stopped clocks last)."""
    found = use_cases.listing(
        _desk(role), overdue=overdue, due_before=parse_optional_day(due_before, "--due-before")
    )
    if fmt is Format.JSON:
        emit_json({"requests": found})
        return
    for summary in found:
        _show(summary, fmt)


@app.command()
def show(request: IdArg, role: AsOpt = None, fmt: FormatOpt = Format.TEXT) -> None:
    """One request with its timeline."""
    summary = use_cases.show(_desk(role), request)
    if fmt is Format.JSON:
        emit_json(summary)
        return
    _show(summary, fmt)
    for step in summary["timeline"]:
        typer.echo(f"  {step['on']} {step['step']} by {step['actor']}")
