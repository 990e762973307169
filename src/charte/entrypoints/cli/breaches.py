"""`charte breaches ...`: the breach register (GDPR Art. 33(5); docs/breaches.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from charte.domain.breaches import Compromised, Declared, Phase
from charte.domain.vocabulary import Language
from charte.entrypoints.cli.args import parse_moment
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import emit_json
from charte.entrypoints.cli.reader import AsOpt, actor, role_only
from charte.services import breach_actions, breach_notices, breach_scope, breaches
from charte.services.breach_records import NewBreach
from charte.services.breach_scope import Item

app = typer.Typer(
    help="Personal-data breaches: the register, the 72-hour clock, the scope from the audit.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

PARIS = ZoneInfo("Europe/Paris")
BreachArg = Annotated[int, typer.Argument(help="The breach's number.")]


def _moment(text: str, option: str) -> Any:
    """A time with its offset, or a time without one taken in Paris time (the operator's clock)."""
    return parse_moment(text, option, naive=PARIS)


def _who(role: str | None, what: str) -> tuple[breaches.Keeper, str, str]:
    return container().breach_keeper(), actor(), role_only(role, what)


def _facts(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise typer.BadParameter(
            f"cannot read a JSON object from {path}: {type(exc).__name__}", param_hint="--facts"
        ) from None
    if not isinstance(data, dict):
        raise typer.BadParameter("the facts file holds a JSON object", param_hint="--facts")
    return data


FactsOpt = Annotated[
    Path | None,
    typer.Option(
        "--facts",
        help="A JSON file of facts: cause, description, systems, actors, estimates...",
        dir_okay=False,
    ),
]


@app.command("open")
def open_(
    title: Annotated[str, typer.Option("--title", help="A short description (no personal data).")],
    nature: Annotated[
        list[str], typer.Option("--nature", help="confidentiality, integrity or availability.")
    ],
    discovered_at: Annotated[str, typer.Option("--discovered-at", help="When it was discovered (ISO 8601).")],
    discovered_by: Annotated[str, typer.Option("--discovered-by", help="Who discovered it.")],
    aware_at: Annotated[
        str | None,
        typer.Option("--aware-at", help="When the controller became aware (default: discovered-at)."),
    ] = None,
    processor: Annotated[
        str | None, typer.Option("--processor", help="The processor whose notice made the controller aware.")
    ] = None,
    facts: FactsOpt = None,
    role: AsOpt = None,
) -> None:
    """Record a breach and start its 72-hour clock (JSON: the breach with its clock)."""
    keeper, who, as_role = _who(role, "a breach")
    discovered = _moment(discovered_at, "--discovered-at")
    new = NewBreach(
        title=title,
        discovered_at=discovered,
        discovered_by=discovered_by,
        aware_at=_moment(aware_at, "--aware-at") if aware_at else discovered,
        natures=breaches.natures_of(nature),
        processor=processor,
        facts=_facts(facts),
    )
    emit_json(breaches.open_breach(keeper, actor=who, role=as_role, new=new))


@app.command("list")
def list_(
    open_only: Annotated[bool, typer.Option("--open", help="Only the breaches not closed.")] = False,
    role: AsOpt = None,
) -> None:
    """The register: each breach with its status and the hours left before the prudent target."""
    keeper, who, as_role = _who(role, "the breach register")
    emit_json(breaches.list_breaches(keeper, actor=who, role=as_role, open_only=open_only))


@app.command()
def show(number: BreachArg, role: AsOpt = None) -> None:
    """One breach whole: facts, clock, assessment, scope's counts, decisions and timeline."""
    keeper, who, as_role = _who(role, "a breach")
    emit_json(breaches.show(keeper, actor=who, role=as_role, breach=number))


@app.command()
def amend(number: BreachArg, facts: FactsOpt = None, role: AsOpt = None) -> None:
    """Add to or correct the facts (each key given replaces the one kept)."""
    keeper, who, as_role = _who(role, "a breach")
    emit_json(breaches.amend(keeper, actor=who, role=as_role, breach=number, facts=_facts(facts)))


@app.command()
def scope(
    number: BreachArg,
    actor_name: Annotated[
        list[str] | None, typer.Option("--actor", help="An actor whose token or password was compromised.")
    ] = None,
    recipient: Annotated[
        list[str] | None, typer.Option("--recipient", help="A recipient role whose copy leaked.")
    ] = None,
    system: Annotated[list[str] | None, typer.Option("--system", help="A system of the outbox.")] = None,
    disclosure: Annotated[
        list[int] | None, typer.Option("--disclosure", help="A disclosure's number.")
    ] = None,
    answer: Annotated[
        list[int] | None,
        typer.Option("--answer", help="A rights request whose answer or letters went astray."),
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="The window's start (ISO 8601).")] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="The window's end, excluded (ISO 8601).")
    ] = None,
    role: AsOpt = None,
) -> None:
    """Who was affected, from the audit and the disclosure ledger: counts, fields, categories, and
    whether the audit chain verifies over the window (JSON; the persons: `charte breaches persons`)."""
    keeper, who, as_role = _who(role, "a breach's scope")
    start = _moment(since, "--since") if since else None
    end = _moment(until, "--until") if until else None
    items = [Item(Compromised.ACTOR, name=n, since=start, until=end) for n in actor_name or []]
    items += [Item(Compromised.RECIPIENT, name=n, since=start, until=end) for n in recipient or []]
    items += [Item(Compromised.SYSTEM, name=n, since=start, until=end) for n in system or []]
    items += [Item(Compromised.DISCLOSURE, number=n) for n in disclosure or []]
    items += [Item(Compromised.ANSWER, number=n) for n in answer or []]
    c = container()
    emit_json(
        breach_scope.compute(
            keeper, source=c.breach_scope(), audit_store=c.audit_store(), checkpoints=c.auditor.checkpoints,
            actor=who, role=as_role, breach=number, items=items,
        )
    )  # fmt: skip


@app.command()
def persons(
    number: BreachArg,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 100,
    offset: Annotated[int, typer.Option("--offset", min=0)] = 0,
    role: AsOpt = None,
) -> None:
    """A page of the persons the scope found (refs and fields reached), each listing audited."""
    keeper, who, as_role = _who(role, "a breach's persons")
    emit_json(breaches.affected(keeper, actor=who, role=as_role, breach=number, limit=limit, offset=offset))


@app.command()
def assess(
    number: BreachArg,
    nature: Annotated[list[str] | None, typer.Option("--nature", help="Replace the natures.")] = None,
    vulnerable: Annotated[
        bool, typer.Option("--vulnerable", help="Vulnerable persons are affected.")
    ] = False,
    unintelligible: Annotated[
        bool, typer.Option("--unintelligible", help="The data were encrypted, the key safe (Art. 34(3)(a)).")
    ] = False,
    mitigated: Annotated[
        bool, typer.Option("--mitigated", help="Measures since make a high risk unlikely (Art. 34(3)(b)).")
    ] = False,
    restored: Annotated[
        bool, typer.Option("--restored", help="Availability only, restored in time, no copy made.")
    ] = False,
    facts: FactsOpt = None,
    role: AsOpt = None,
) -> None:
    """What charte proposes from the scope (or the estimates): the risk, notify the CNIL or not,
    tell the persons or not, with reasons (EDPB Guidelines 9/2022). The DPO decides after."""
    keeper, who, as_role = _who(role, "a breach's assessment")
    declared = Declared(
        frozenset(breaches.natures_of(nature or [])), vulnerable, unintelligible, mitigated, restored
    )
    emit_json(
        breaches.assess(
            keeper, actor=who, role=as_role, breach=number, declared=declared, facts=_facts(facts)
        )
    )


def _yes_no(value: str, option: str) -> bool:
    if value not in ("yes", "no"):
        raise typer.BadParameter("yes or no", param_hint=option)
    return value == "yes"


@app.command()
def decide(
    number: BreachArg,
    notify_cnil: Annotated[str, typer.Option("--notify-cnil", help="yes or no.")],
    notify_cnil_why: Annotated[str, typer.Option("--notify-cnil-why", help="Why.")],
    tell_persons: Annotated[str, typer.Option("--tell-persons", help="yes or no.")],
    tell_persons_why: Annotated[str, typer.Option("--tell-persons-why", help="Why.")],
    role: AsOpt = None,
) -> None:
    """The DPO's decisions, each with its reasons (GDPR Art. 33(5))."""
    keeper, who, as_role = _who(role, "a breach's decisions")
    emit_json(
        breaches.decide(
            keeper, actor=who, role=as_role, breach=number,
            notify_cnil=_yes_no(notify_cnil, "--notify-cnil"), notify_cnil_why=notify_cnil_why,
            tell_persons=_yes_no(tell_persons, "--tell-persons"), tell_persons_why=tell_persons_why,
        )
    )  # fmt: skip


@app.command()
def notify(
    number: BreachArg,
    at: Annotated[str, typer.Option("--at", help="When the notification was sent (ISO 8601).")],
    phase: Annotated[
        Phase, typer.Option("--phase", help="initial, complement or complete (Art. 33(4)).")
    ] = Phase.COMPLETE,
    reference: Annotated[str | None, typer.Option("--reference", help="The CNIL's reference.")] = None,
    delay_reasons: Annotated[
        str | None, typer.Option("--delay-reasons", help="Why after the 72 hours (Art. 33(1)).")
    ] = None,
    role: AsOpt = None,
) -> None:
    """Record a notification to the CNIL (or a phase of it)."""
    keeper, who, as_role = _who(role, "a notification")
    emit_json(
        breaches.notify_cnil(
            keeper, actor=who, role=as_role, breach=number, at=_moment(at, "--at"), phase=phase,
            reference=reference, delay_reasons=delay_reasons,
        )
    )  # fmt: skip


LangOpt = Annotated[Language | None, typer.Option("--lang", help="fr or en (default: the policy's first).")]
OutOpt = Annotated[
    Path | None, typer.Option("--out", help="The folder (default: CHARTE_HOME/breaches/breach-N).")
]


@app.command()
def draft(
    number: BreachArg,
    phase: Annotated[Phase, typer.Option("--phase", help="initial, complement or complete.")] = Phase.INITIAL,
    out: OutOpt = None,
    role: AsOpt = None,
) -> None:
    """The CNIL notification's draft (GDPR Art. 33(3)), in French: JSON, HTML and PDF written to the
    breach's folder; JSON on standard output with the paths."""
    keeper, who, as_role = _who(role, "a notification's draft")
    c = container()
    emit_json(
        breach_notices.draft_cnil(keeper, letters=c.letters(), folder=c.breach_folder(), actor=who,
                                  role=as_role, breach=number, phase=phase, out=out)
    )  # fmt: skip


@app.command()
def tell(number: BreachArg, lang: LangOpt = None, out: OutOpt = None, role: AsOpt = None) -> None:
    """Send the Art. 34 letter to each person of the scope not told yet (e-mail with the PDF; a PDF
    to post for those without an address). JSON: sent, to_post, failed, letters."""
    keeper, who, as_role = _who(role, "letters to the persons")
    c = container()
    emit_json(
        breach_notices.tell_persons(
            keeper, recipients=c.breach_store(), notifier=c.notifier, letters=c.letters(),
            folder=c.breach_folder(), actor=who, role=as_role, breach=number, lang=lang, out=out,
        )
    )  # fmt: skip


@app.command()
def public(
    number: BreachArg,
    where: Annotated[str, typer.Option("--where", help="Where it is published (a page, a newspaper).")],
    lang: LangOpt = None,
    out: OutOpt = None,
    role: AsOpt = None,
) -> None:
    """The public communication (Art. 34(3)(c)), HTML and PDF in the breach's folder."""
    keeper, who, as_role = _who(role, "a public communication")
    c = container()
    emit_json(
        breach_notices.public_communication(keeper, letters=c.letters(), folder=c.breach_folder(), actor=who,
                                            role=as_role, breach=number, where=where, lang=lang, out=out)
    )  # fmt: skip


@app.command("revoke-actor")
def revoke_actor(
    number: BreachArg,
    name: Annotated[str, typer.Option("--actor", help="The actor whose token or password was compromised.")],
    role: AsOpt = None,
) -> None:
    """Revoke the actor at once (its token and console sessions); on the breach's timeline."""
    keeper, who, as_role = _who(role, "a follow-up")
    emit_json(
        breach_actions.revoke_actor(
            keeper, actors=container().actors(), actor=who, role=as_role, breach=number, name=name
        )
    )


@app.command("reset-passwords")
def reset_passwords(
    number: BreachArg,
    name: Annotated[list[str] | None, typer.Option("--actor", help="An actor (default: every one).")] = None,
    role: AsOpt = None,
) -> None:
    """Force new console passwords (the named actors', or everyone's): sessions end at once; each
    gets a new one with `charte actors passwd`. JSON: the names cleared."""
    keeper, who, as_role = _who(role, "a follow-up")
    emit_json(
        breach_actions.reset_passwords(
            keeper, actors=container().actors(), actor=who, role=as_role, breach=number, names=name or None
        )
    )


@app.command("rotate-codes")
def rotate_codes(number: BreachArg, role: AsOpt = None) -> None:
    """Order the systems holding the sites' access codes to change those the scope found reached."""
    keeper, who, as_role = _who(role, "a follow-up")
    c = container()
    emit_json(
        breach_actions.rotate_codes(
            keeper, reached=c.breach_store(), outbox=c.outbox(), actor=who, role=as_role, breach=number
        )
    )


@app.command()
def close(
    number: BreachArg,
    summary: Annotated[str, typer.Option("--summary", help="How it ended (the remedial action taken).")],
    role: AsOpt = None,
) -> None:
    """Close the breach (once both decisions are recorded); it is kept per `breaches.keep_for`."""
    keeper, who, as_role = _who(role, "a breach")
    emit_json(breaches.close(keeper, actor=who, role=as_role, breach=number, summary=summary))
