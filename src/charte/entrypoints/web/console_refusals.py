"""Why the engine refused a console action, in French: the use cases say it in English (the CLI's
and the API's words, naming options such as ``--reason``); the console's French pages say it in
the DPO's and the operator's words, naming the form's fields instead.

Each refusal the rights desk, the holds and the alarm handling can raise is matched whole by a
pattern here; a status or a date inside it is told in words. A refusal without a pattern is shown
as the engine says it — tests/unit/test_console_refusals.py fails on any, reading the messages
from the use cases' source.
"""

from __future__ import annotations

import re
from datetime import date

from charte.domain.vocabulary import Language
from charte.entrypoints.web.console_words import STATUSES

_ANY = r"(?P<{}>.+?)"

# (the English message, with {name} where the engine puts a value; the French, with the same names)
_CATALOGUE: tuple[tuple[str, str], ...] = (
    # Rights requests: opening (the portal and the API open them; kept for completeness).
    ("the policy does not grant the right '{right}' (rights.granted)",
     "la politique n'ouvre pas ce droit ({right})"),
    ("a request needs the requester's claimed name (--claimed-name) and a contact (--contact)",
     "une demande indique le nom du demandeur et un moyen de le joindre"),
    ("the {what} holds a control character ({bad}): it is one line of plain text",
     "le champ contient un caractère de contrôle ({bad}) : une ligne de texte simple est attendue"),
    ("{what} names the purpose (--purpose)", "la demande doit nommer la finalité visée"),
    ("unknown purpose '{purpose}' (--purpose)", "finalité inconnue : {purpose}"),
    ("'{purpose}' does not rest on consent (its basis: {basis}): there is no consent to withdraw — an "
     "objection (--type opposition) is the right to use",
     "cette finalité ne repose pas sur le consentement : il n'y a pas de consentement à retirer, "
     "c'est une opposition qu'il faut enregistrer"),
    ("--purpose is for opposition and consent-withdrawal requests only",
     "seules une opposition et un retrait du consentement nomment une finalité"),
    ('a rectification lists the changes (--changes \'{"field": "new value"}\')',
     "une rectification indique les données à corriger et leur nouvelle valeur"),
    ("--changes names field(s) the policy does not declare: {fields}",
     "la rectification nomme des données que la politique ne déclare pas : {fields}"),
    ("--changes: the new {field} holds a control character ({bad})",
     "la nouvelle valeur contient un caractère de contrôle ({bad})"),
    ("--changes is for rectification requests only", "seule une rectification indique des corrections"),
    ("the policy does not list the restriction ground '{ground}'",
     "la politique ne prévoit pas ce motif de limitation ({ground})"),
    ("--ground is for restriction requests only", "seule une limitation indique un motif"),
    ("--changes is not JSON ({why} at character {pos})", "les corrections ne sont pas lisibles"),
    ('--changes must be a JSON object of field names to new text values, e.g. {"phone": "0600000000"}',
     "les corrections s'écrivent donnée par donnée, chacune avec sa nouvelle valeur"),
    # Rights requests: the steps of the request's page.
    ("a {status} request is not matched any more", "une demande « {status} » ne se rattache plus"),
    ("the requester's identity was verified against another person: open a new request",
     "l'identité du demandeur a été vérifiée pour une autre personne : ouvrez une nouvelle demande"),
    ("identity can be asked of a received request, not of a {status} one",
     "un justificatif se demande pour une demande reçue, pas pour une demande « {status} »"),
    ("--on is before the request was received", "la date est antérieure à la réception de la demande"),
    ("no request for information is open on this {status} request",
     "aucun justificatif n'est attendu pour cette demande « {status} »"),
    ("--on is before the request for information ({day})",
     "la date est antérieure à la demande de justificatif ({day})"),
    ("no fee can be asked for a {status} request",
     "aucuns frais ne peuvent être demandés pour une demande « {status} »"),
    ("a fee was already asked on {day}: it is asked once, with its reasons",
     "des frais ont déjà été demandés le {day} : ils se demandent une seule fois, motivés"),
    ("a fee needs its written reasons (--reason): the requester must be told why",
     "des frais se motivent par écrit : le demandeur doit savoir pourquoi"),
    ("--amount must be a positive amount in euros (at most 100000)",
     "le montant est un nombre d'euros positif (100 000 au plus)"),
    ("no unpaid fee is asked for this request", "aucuns frais impayés ne sont demandés pour cette demande"),
    ("--on is before the fee was asked ({day})", "la date est antérieure à la demande de frais ({day})"),
    ("every notice of request {id} was sent: nothing to send again",
     "tous les avis de la demande n° {id} sont partis : rien à renvoyer"),
    ("a {status} request cannot be refused", "une demande « {status} » ne peut plus être refusée"),
    ("a refusal needs its reason (--reason): the requester must be told why",
     "un refus se motive : indiquez le motif, il est envoyé au demandeur"),
    ("the request is already {status}", "la demande est déjà « {status} »"),
    ("only a request whose requester was asked to prove identity can close as not identifiable",
     "seule une demande dont le justificatif a été demandé peut être close faute d'identification"),
    ("the requester may still answer until {day}", "le demandeur peut encore répondre jusqu'au {day}"),
    ("a {status} request cannot be extended", "une demande « {status} » ne peut plus être prolongée"),
    ("the request was already extended (Art. 12(3) allows one extension)",
     "le délai a déjà été prolongé (l'article 12(3) du RGPD ne permet qu'une prolongation)"),
    ("an extension needs its reason (--reason): the requester must be told why",
     "une prolongation se motive : indiquez le motif, il est envoyé au demandeur"),
    ("the clock is stopped while identity is awaited: extend once it runs again",
     "le délai est suspendu tant que le justificatif est attendu : prolongez quand il reprend"),
    ("an extension must be notified before the due date {day}",
     "une prolongation s'annonce avant l'échéance du {day}"),
    ("{what} {day} is after today", "la date du {day} est dans le futur"),
    ("{option} must be one of: {allowed} (not '{value}')", "valeur non reconnue : {value}"),
    ("the request is not matched to a person of the register: there is nothing to change",
     "la demande n'est rattachée à aucune personne du registre : il n'y a rien à modifier"),
    # Identity.
    ("a {status} request takes no identity document",
     "une demande « {status} » ne reçoit plus de pièce d'identité"),
    ("the policy names no field to send codes to (rights.identity_verification.contact_fields)",
     "la politique ne désigne aucune coordonnée où envoyer un code"),
    ("the person has no contact on file to send a code to: use another method",
     "la personne n'a aucune coordonnée connue où envoyer un code : choisissez une autre méthode"),
    ("the policy asks an identity document for every request (identity_verification.document_required)",
     "la politique exige une pièce d'identité pour toute demande"),
    ("the policy does not allow identity method '{method}' (allowed: {allowed})",
     "la politique n'admet pas cette méthode de vérification d'identité"),
    ("a {status} request cannot be verified", "une demande « {status} » ne se vérifie plus"),
    ("the request is not matched to a person of the register (open it with --person)",
     "la demande n'est rattachée à aucune personne du registre : rattachez-la d'abord"),
    ("--code is the code the requester received (send one with `charte rights send-code`)",
     "indiquez le code reçu par le demandeur (envoyez-en un d'abord)"),
    ("the policy names no client number field (rights.identity_verification.client_number_field)",
     "la politique ne désigne pas de numéro de client"),
    ("the client number does not match the person's", "le numéro de client ne correspond pas"),
    ("the requester's contact is not one on file for this person: use another method",
     "la coordonnée du demandeur n'est pas connue pour cette personne : choisissez une autre méthode"),
    ("no identity document is attached to this request (`charte rights attach-document`)",
     "aucune pièce d'identité n'est jointe à cette demande"),
    ("the code does not match", "le code ne correspond pas"),
    ("the code has expired: send a new one", "le code a expiré : envoyez-en un nouveau"),
    ("too many wrong codes: send a new one", "trop de codes erronés : envoyez-en un nouveau"),
    ("no code was sent for this request (`charte rights send-code`)",
     "aucun code n'a été envoyé pour cette demande"),
    # Answering.
    ("the policy has no text in '{lang}' (languages: {known})",
     "la politique n'a pas de textes dans cette langue"),
    ("the request is {status}: nothing is disclosed, changed or erased before the requester's identity "
     "is verified (`charte rights verify`)",
     "la demande est « {status} » : rien n'est communiqué, modifié ni effacé avant que l'identité du "
     "demandeur soit vérifiée"),
    ("the fee asked on {day} is not paid: record it (`charte rights fee-paid`) or refuse the request "
     "with its reasons",
     "les frais demandés le {day} ne sont pas payés : enregistrez le paiement ou refusez la demande "
     "en la motivant"),
    ("only a fulfilled restriction request can have its restriction lifted",
     "seule une limitation traitée peut être levée"),
    ("the policy names no purpose to answer requests under (rights.purpose)",
     "la politique ne désigne pas la finalité sous laquelle répondre aux demandes"),
    # Litigation holds.
    ("a hold change needs a reason (--reason): the DPO must be able to justify it",
     "un gel se motive : indiquez la raison, le DPO doit pouvoir la justifier"),
    ("name what the hold keeps: --person, --contract or --call",
     "indiquez ce que le gel conserve : une personne, un contrat ou un appel"),
    # Alarms.
    ("the policy declares no alarm handling (no 'alarms' section)",
     "la politique ne prévoit pas de traitement des alarmes"),
    ("kind: 1 to 32 letters, digits, '_' or '-' (e.g. intrusion, fire, panic)",
     "type d'alarme non reconnu"),
    ("alarms are handled under the purpose '{purpose}', not '{other}'",
     "les alarmes se traitent sous une autre finalité"),
    ("alarm session {id} is closed", "l'alarme n° {id} est close"),
    ("alarm session {id} is already held by '{who}'", "l'alarme n° {id} est déjà prise par {who}"),
    ("person '{person}' is not one to call for alarm session {id}",
     "cette personne n'est pas à appeler pour l'alarme n° {id}"),
    ("'{to}' is not a provider alarms may be dispatched to ({allowed})",
     "on ne dépêche pas ce prestataire sur une alarme"),
    ("role '{to}' has no purpose to receive data under",
     "ce prestataire n'a aucune finalité pour recevoir des données"),
    ("alarm session {id} has no client to dispatch for (contract {contract})",
     "l'alarme n° {id} n'a pas de client pour qui dépêcher un prestataire"),
    ("alarm session {id} changed meanwhile: reload it",
     "l'alarme n° {id} a changé entre-temps : rechargez la page"),
    ("outcome: one of {allowed}", "choisissez un résultat dans la liste"),
    # The console's own checks.
    ("recourse: one of none, {allowed}", "choisissez dans la liste la voie de recours ouverte"),
    ("served: {value} is not a date (YYYY-MM-DD)", "la date de signification n'est pas une date"),
    ("{name}: {day} is outside the years {first} to {last}",
     "la date du {day} est hors des années {first} à {last}"),
    ("outcome: choose how the alarm ended ({allowed})", "choisissez comment l'alarme s'est terminée"),
    ("system actor '{name}' feeds events and has no console login",
     "le compte {name} est celui d'un système : il n'a pas d'accès à la console"),
    # A role refused a page or an action (the gate's other refusals are said by their reason).
    ("access denied ({reason}): role '{role}' may not handle rights requests (policy: "
     "rights.submit_to = {handlers})",
     "accès refusé : votre rôle ne traite pas les demandes d'exercice des droits (la politique les "
     "confie à d'autres rôles : rights.submit_to)"),
    ("access denied ({reason}): role '{role}' may not handle information notices (policy: "
     "rights.submit_to = {handlers})",
     "accès refusé : votre rôle ne traite pas les notices d'information (la politique les confie à "
     "d'autres rôles : rights.submit_to)"),
    # The gate's refusal of a staff account whose training lapsed (domain.access.AccessGate.untrained).
    ("access denied ({reason}): training lapsed on {day}: staff read personal data only with a current "
     "data-protection training (policy: training)",
     "accès refusé : votre formation à la protection des données a expiré le {day} ; faites-la "
     "enregistrer par l'équipe du DPO"),
    ("access denied ({reason}): no training on record: staff read personal data only with a current "
     "data-protection training (policy: training)",
     "accès refusé : aucune formation à la protection des données n'est enregistrée pour vous ; "
     "faites-la enregistrer par l'équipe du DPO"),
    # Staff trainings (the trainings page).
    ("the policy has no `training` section: trainings are not recorded",
     "la politique ne prévoit pas de formations : aucune n'est enregistrée"),
    ("unknown course '{course}' (--course): one of {courses} (policy: training.courses)",
     "formation inconnue : choisissez-la dans la liste"),
    ("--on {day} is in the future: a training is recorded once completed",
     "la date du {day} est à venir : une formation s'enregistre une fois suivie"),
    ("--on {day} is before {first}: check the date",
     "la date du {day} est antérieure au {first} : vérifiez-la"),
    ("completed_on: not a date (YYYY-MM-DD)", "la date de la formation n'est pas une date"),
    # The console itself.
    ("login refused: wrong name or password, or too many failed attempts (wait and try again)",
     "connexion refusée : identifiant ou mot de passe erroné, ou trop d'essais manqués (patientez "
     "puis réessayez)"),
    ("the form's anti-forgery token does not match its cookie: reload the page and retry",
     "le formulaire a expiré : rechargez la page puis recommencez"),
    ("missing or invalid: {fields}", "donnée manquante ou invalide : {fields}"),
    ("the database failed ({why}): retry in {seconds} s",
     "la base de données n'a pas répondu : réessayez dans {seconds} s"),
    ("the person search's index was not built for the fields the policy searches (a register from "
     "before the index, or a policy whose search changed): run `charte db upgrade` or `charte persons "
     "reindex`",
     "l'index de recherche des personnes n'est pas à jour : l'administrateur doit lancer "
     "`charte db upgrade`"),
)  # fmt: skip


def _pattern(english: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", english)
    text = "".join(re.escape(part) if i % 2 == 0 else _ANY.format(part) for i, part in enumerate(parts))
    return re.compile(text, re.DOTALL)


_PATTERNS = tuple((_pattern(en), fr) for en, fr in _CATALOGUE)


def _value(name: str, value: str) -> str:
    """A value inside a refusal, as the French page says it: a status in words, a day as dd/mm/yyyy."""
    if name == "status":
        return STATUSES.get(value, value)
    if name == "day":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return value


def refusal(detail: str, lang: Language) -> str:
    """The refusal as the console's page says it: in French, a sentence of the catalogue with its
    values in words (the engine's English when no pattern matches); in English, as it is."""
    if lang is Language.EN:
        return detail
    for pattern, french in _PATTERNS:
        found = pattern.fullmatch(detail)
        if found is not None:
            said = french.format(**{k: _value(k, v) for k, v in found.groupdict().items()})
            return said[:1].upper() + said[1:] + "."
    return detail
