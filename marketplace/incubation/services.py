"""Incubation: programmes, enrolment, the stage ladder, the checklist, mentoring and the support ledger.

Plain functions over the session (flush, never commit); every change is audited. Rules refused with a
DomainError carry a message for the person who tried.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace import catalogue, regions
from marketplace.audit import services as audit
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    ACTIVE_STAGES,
    LADDER,
    ActionItem,
    ChecklistItem,
    Enrolment,
    LegalForm,
    MemberRole,
    MentoringSession,
    OrganisationProfile,
    Party,
    PartyKind,
    PartyStatus,
    Programme,
    ProgrammeMentor,
    Stage,
    StageMove,
    SupportEntry,
    SupportKind,
    User,
)
from marketplace.notifications.inbox import notify

from . import checklist, readiness


@dataclass
class ProgrammeInput:
    name: str
    focus_categories: list[str]
    focus_regions: list[str]
    starts_on: date
    ends_on: date
    capacity: int
    budget: Decimal
    support_offered: str | None = None


@dataclass
class ActionInput:
    text: str
    owner: str
    due_on: date


@dataclass
class SessionInput:
    held_on: date
    topics: str
    notes: str | None = None
    actions: list[ActionInput] = field(default_factory=list)


def _check_programme(data: ProgrammeInput) -> None:
    if not data.name.strip():
        raise DomainError(_l("Give the programme a name."), field="name")
    unknown = [code for code in data.focus_categories if not catalogue.is_service(code)]
    if not data.focus_categories or unknown:
        raise DomainError(_l("Choose at least one service from the catalogue."), field="focus_categories")
    if not data.focus_regions or any(regions.get(code) is None for code in data.focus_regions):
        raise DomainError(_l("Choose at least one region."), field="focus_regions")
    if data.ends_on <= data.starts_on:
        raise DomainError(_l("The programme must end after it starts."), field="ends_on")
    if data.capacity < 1:
        raise DomainError(_l("A programme takes at least one group."), field="capacity")
    if data.budget < 0:
        raise DomainError(_l("The budget cannot be negative."), field="budget")


def create_programme(incubator: Party, data: ProgrammeInput, *, by: User) -> Programme:
    if incubator.kind != PartyKind.INCUBATOR or incubator.status != PartyStatus.APPROVED:
        raise DomainError(_l("Only an approved incubator runs programmes."))
    _check_programme(data)
    programme = Programme(incubator_id=incubator.id, created_by_id=by.id, name=data.name.strip(),
                          focus_categories=list(data.focus_categories), focus_regions=list(data.focus_regions),
                          starts_on=data.starts_on, ends_on=data.ends_on, capacity=data.capacity, budget=data.budget,
                          support_offered=data.support_offered)
    db.session.add(programme)
    db.session.flush()
    audit.record("incubation.programme_create", incubator,
                 summary={"programme": programme.id, "name": programme.name, "budget": str(programme.budget)})
    return programme


def update_programme(programme: Programme, data: ProgrammeInput) -> None:
    _check_programme(data)
    if data.capacity < _active_count(programme):
        raise DomainError(_l("More groups are enrolled than this capacity."), field="capacity")
    changes = {}
    for name, value in vars(data).items():
        if getattr(programme, name) != value:
            changes[name] = [str(getattr(programme, name)), str(value)]
            setattr(programme, name, value)
    db.session.flush()
    if changes:
        audit.record("incubation.programme_update", programme.incubator,
                     summary={"programme": programme.id, "changes": changes})


def add_mentor(programme: Programme, user: User) -> ProgrammeMentor:
    """Staff or an outside expert; both must belong to the incubator (experts join it with the mentor role)."""
    if user.membership_in(programme.incubator_id) is None:
        raise DomainError(_l("Invite this person to the incubator first (as staff or with the mentor role)."),
                          field="user")
    if any(mentor.user_id == user.id for mentor in programme.mentors):
        raise DomainError(_l("This person already mentors the programme."), field="user")
    mentor = ProgrammeMentor(programme_id=programme.id, user_id=user.id)
    programme.mentors.append(mentor)
    db.session.flush()
    audit.record("incubation.mentor_add", programme.incubator, summary={"programme": programme.id,
                                                                        "mentor": user.email})
    return mentor


def _active_count(programme: Programme) -> int:
    return db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.programme_id == programme.id, Enrolment.stage.in_(ACTIVE_STAGES))) or 0


def enrol(programme: Programme, party: Party, intake_assessment: str, *, by: User, on: date,
          stage: Stage = Stage.GRASSROOTS, done: tuple[str, ...] = ()) -> Enrolment:
    """Enrol an organisation (registered or not) after its intake assessment.

    `stage` places a group that arrives further along (an existing organisation, say); the checklist items
    `done` at intake must cover that stage's gate like any later move.
    """
    if party.kind != PartyKind.ORGANISATION:
        raise DomainError(_l("Only organisations and emerging groups can be enrolled."))
    if not intake_assessment.strip():
        raise DomainError(_l("Record the intake assessment."), field="intake_assessment")
    if stage not in ACTIVE_STAGES:
        raise DomainError(_l("A group is enrolled at a stage before graduation."), field="stage")
    if any(existing.party_id == party.id for existing in programme.enrolments):
        raise DomainError(_l("This group has already been enrolled in this programme."), status=409)
    if _active_count(programme) >= programme.capacity:
        raise DomainError(_l("The programme is full (%(n)d groups).", n=programme.capacity), status=409)
    overlapping = db.session.scalar(select(Programme.name).join(Enrolment, Enrolment.programme_id == Programme.id)
                                    .where(Enrolment.party_id == party.id, Enrolment.stage.in_(ACTIVE_STAGES),
                                           Programme.starts_on <= programme.ends_on,
                                           Programme.ends_on >= programme.starts_on))
    if overlapping is not None:
        raise DomainError(_l("This group is already enrolled in %(programme)s, which overlaps these dates.",
                             programme=overlapping), status=409)
    enrolment = Enrolment(party_id=party.id, stage=stage, enrolled_on=on, intake_assessment=intake_assessment.strip(),
                          created_by_id=by.id)
    programme.enrolments.append(enrolment)
    db.session.flush()
    for item in checklist.template():
        ticked = item.key in done
        enrolment.checklist.append(ChecklistItem(key=item.key, done=ticked, done_on=on if ticked else None,
                                                 checked_by_id=by.id if ticked else None))
    missing = _missing_for(enrolment, stage)
    if missing:
        raise DomainError(_l("To start at this stage, first tick: %(items)s.", items=missing))
    enrolment.moves.append(StageMove(from_stage=None, to_stage=stage, moved_on=on, moved_by_id=by.id))
    db.session.flush()
    readiness.record(enrolment)
    audit.record("incubation.enrol", party, summary={"programme": programme.id, "stage": stage.value})
    return enrolment


def create_group(programme: Programme, name: str, home_region: str, *, by: User, on: date,
                 intake_assessment: str, name_en: str | None = None, contact_name: str | None = None,
                 contact_phone: str | None = None) -> Enrolment:
    """An unregistered group enrolled on its behalf; its own people claim it later by a party invitation."""
    if not name.strip():
        raise DomainError(_l("Give the group a name."), field="name")
    if regions.get(home_region) is None:
        raise DomainError(_l("Choose the group's home region."), field="home_region")
    party = Party(kind=PartyKind.ORGANISATION, name=name.strip(), name_en=(name_en or "").strip() or None,
                  status=PartyStatus.APPROVED)
    db.session.add(party)
    db.session.flush()
    db.session.add(OrganisationProfile(party_id=party.id, legal_form=LegalForm.UNREGISTERED, home_region=home_region,
                                       contact_name=contact_name, contact_phone=contact_phone))
    db.session.flush()
    audit.record("incubation.group_create", party, summary={"programme": programme.id, "name": party.name})
    return enrol(programme, party, intake_assessment, by=by, on=on)


def _missing_for(enrolment: Enrolment, stage: Stage) -> str:
    from marketplace.i18n import current_locale

    done = {item.key for item in enrolment.checklist if item.done}
    return "、".join(item.label(current_locale()) for item in checklist.needed_to_enter(stage) if item.key not in done)


def set_item(enrolment: Enrolment, key: str, done: bool, *, by: User, on: date, evidence: str | None = None
             ) -> ChecklistItem:
    item = next((entry for entry in enrolment.checklist if entry.key == key), None)
    if item is None:
        if checklist.item(key) is None:
            raise DomainError(_l("No such checklist item."), field="key")
        item = ChecklistItem(key=key)
        enrolment.checklist.append(item)
    if not enrolment.active:
        raise DomainError(_l("The checklist of a graduated or withdrawn group is closed."))
    evidence = (evidence or "").strip() or None
    if item.done == done:
        if done and evidence and evidence != item.evidence:
            item.evidence = evidence
            db.session.flush()
        return item
    item.done, item.done_on, item.checked_by_id = done, on if done else None, by.id
    item.evidence = evidence if done else None
    db.session.flush()
    readiness.record(enrolment)
    audit.record("incubation.checklist", enrolment.party, summary={"enrolment": enrolment.id, "item": key,
                                                                  "done": done})
    return item


def move(enrolment: Enrolment, to: Stage, *, by: User, on: date, note: str | None = None) -> StageMove:
    """One rung up (gated by the checklist), one rung down, or out (withdrawn). Graduating enters the market."""
    current = enrolment.stage
    if not enrolment.active:
        raise DomainError(_l("This group has left the programme."))
    if to == Stage.WITHDRAWN:
        if not (note or "").strip():
            raise DomainError(_l("Say why the group withdraws."), field="note")
        enrolment.withdrawn_on = on
    elif to not in LADDER or abs(LADDER.index(to) - LADDER.index(current)) != 1:
        raise DomainError(_l("A group moves one stage at a time."), field="stage")
    elif LADDER.index(to) > LADDER.index(current):
        missing = _missing_for(enrolment, to)
        if missing:
            raise DomainError(_l("Not yet: this stage needs %(items)s.", items=missing), field="stage")
        if to == Stage.GRADUATED:
            enrolment.graduated_on = on
    enrolment.stage = to
    stage_move = StageMove(from_stage=current, to_stage=to, moved_on=on, moved_by_id=by.id,
                           note=(note or "").strip() or None)
    enrolment.moves.append(stage_move)
    db.session.flush()
    audit.record("incubation.stage", enrolment.party, summary={"enrolment": enrolment.id,
                                                              "stage": [current.value, to.value]})
    if to in (Stage.GRADUATED, Stage.WITHDRAWN) or current == Stage.MARKET_READY:
        # Graduation puts the group in the market the matcher ranks (and leaving it takes it out).
        from marketplace.shortlists.jobs import request_rerank_for_organisation

        request_rerank_for_organisation(enrolment.party_id, f"incubation stage {to.value}")
    readiness.record(enrolment)
    return stage_move


def record_session(enrolment: Enrolment, mentor: User, data: SessionInput) -> MentoringSession:
    if not data.topics.strip():
        raise DomainError(_l("Say what the session covered."), field="topics")
    programme = enrolment.programme
    if enrolment.stage == Stage.WITHDRAWN:  # a graduate may still be mentored through its first bids
        raise DomainError(_l("This group has left the programme."), status=409)
    staff = mentor.membership_in(programme.incubator_id)
    if (staff is None or staff.role == MemberRole.MENTOR) and \
            not any(entry.user_id == mentor.id for entry in programme.mentors):
        raise DomainError(_l("The mentor must be one of the programme's mentors or the incubator's staff."),
                          field="mentor")
    for action in data.actions:
        if not action.text.strip() or not action.owner.strip():
            raise DomainError(_l("Every action needs what to do and who does it."), field="actions")
        if action.due_on < data.held_on:
            raise DomainError(_l("An action cannot be due before the session (%(day)s).",
                                 day=data.held_on.isoformat()), field="actions")
    session = MentoringSession(enrolment_id=enrolment.id, mentor_id=mentor.id, held_on=data.held_on,
                               topics=data.topics.strip(), notes=(data.notes or "").strip() or None)
    session.actions = [ActionItem(text=a.text.strip(), owner=a.owner.strip(), due_on=a.due_on) for a in data.actions]
    db.session.add(session)
    db.session.flush()
    audit.record("incubation.session", enrolment.party, summary={"enrolment": enrolment.id, "session": session.id,
                                                                "actions": len(session.actions)})
    return session


def complete_action(action: ActionItem, *, on: date) -> None:
    if action.done_on is None:
        action.done_on = on
        db.session.flush()
        audit.record("incubation.action_done", action.session.enrolment.party, summary={"action": action.id})


def spent(programme: Programme) -> Decimal:
    return db.session.scalar(select(func.coalesce(func.sum(SupportEntry.amount), 0))
                             .join(Enrolment, Enrolment.id == SupportEntry.enrolment_id)
                             .where(Enrolment.programme_id == programme.id)) or Decimal(0)


def add_support(enrolment: Enrolment, kind: SupportKind, description: str, amount: Decimal, *, given_on: date,
                by: User, confirm_over_budget: bool = False) -> SupportEntry:
    """Record support given; going over the programme's budget needs an explicit confirmation."""
    if not description.strip():
        raise DomainError(_l("Describe the support."), field="description")
    if amount < 0:
        raise DomainError(_l("The value cannot be negative."), field="amount")
    if enrolment.stage == Stage.WITHDRAWN:
        raise DomainError(_l("This group has left the programme."), status=409)
    programme = enrolment.programme
    total = Decimal(spent(programme)) + amount
    over = total > programme.budget
    if over and not confirm_over_budget:
        raise DomainError(_l("This brings the programme to %(total)s CNY, over its budget of %(budget)s CNY. "
                             "Confirm to record it anyway.", total=f"{total:,.2f}", budget=f"{programme.budget:,.2f}"),
                          field="confirm_over_budget")
    entry = SupportEntry(enrolment_id=enrolment.id, kind=kind, description=description.strip(), amount=amount,
                         given_on=given_on, over_budget_confirmed=over, recorded_by_id=by.id)
    db.session.add(entry)
    db.session.flush()
    audit.record("incubation.support", enrolment.party, summary={"enrolment": enrolment.id, "kind": kind.value,
                                                                "amount": str(amount), "over_budget": over})
    return entry


def remind_overdue_actions(today: date, *, every_days: int = 7) -> int:
    """Remind the mentor and the group's people of each overdue action, again every `every_days` days."""
    overdue = db.session.scalars(select(ActionItem).where(ActionItem.done_on.is_(None), ActionItem.due_on < today))
    reminded = 0
    for action in overdue:
        if action.reminded_on is not None and (today - action.reminded_on).days < every_days:
            continue
        session = action.session
        enrolment = session.enrolment
        people = [session.mentor] + [m.user for m in enrolment.party.memberships if m.role != MemberRole.MENTOR]
        notify(people, "incubation.action_overdue", "incubation_action_overdue",
               link=f"/incubation/enrolments/{enrolment.id}", action=action.text, owner=action.owner,
               due_on=action.due_on.isoformat(), group=enrolment.party.name)
        action.reminded_on = today
        reminded += 1
    db.session.flush()
    return reminded
