"""The expert pool's input and output boundary."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import ValidationError, validate, validates_schema

from expert_pool.models import MINISTRIES, ORGANIZATION_TYPES, STATUSES, TITLE_RANKS
from expert_pool.rules import normalize
from expert_pool.rules.regions import PROVINCES
from ground import clock
from ground.api import PageArgs, page_schema
from ground.i18n import _l, text_message
from ground.schemas import ID_RANGE, Integer, StrictSchema, text

PROVINCE_CODES = tuple(sorted(PROVINCES))
RECOMMENDERS = MINISTRIES + PROVINCE_CODES
SORT_KEYS = ("name", "-name", "id", "-id", "birth_year", "-birth_year", "updated_at", "-updated_at",
             "term_end", "-term_end")


def _field_error(exc: normalize.FieldError) -> ValidationError:
    return ValidationError(text_message(exc.text))


class NormalizedString(ma.fields.String):
    """A string normalised and checked by one of :mod:`expert_pool.rules.normalize`'s functions."""

    def __init__(self, normalizer, max_length: int = 254, *, needs_today: bool = False, **kwargs):
        super().__init__(validate=validate.Length(min=1, max=max_length), **kwargs)
        self.normalizer = normalizer
        self.needs_today = needs_today  # the rule takes the date: read here, at the boundary

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        if len(raw) > 1000:
            raise ValidationError("Longer than maximum length 1000.")
        try:
            return self.normalizer(raw, today=clock.today()) if self.needs_today else self.normalizer(raw)
        except normalize.FieldError as exc:
            raise _field_error(exc) from None


def _birth_year_range(value: int) -> None:
    if not 1920 <= value <= clock.today().year - 18:
        raise ValidationError(_l("The birth year is not plausible."))


def _check_period(data: dict, start: str, end: str) -> None:
    """A period whose end (when given) is not before its start; one rule for every dated record."""
    if data.get(start) and data.get(end) and data[end] < data[start]:
        raise ValidationError({end: [_l("The end date is before the start.")]})


class ExpertWriteSchema(StrictSchema):
    name = text(100, required=True, min_length=1)
    gender = ma.fields.String(required=True, validate=validate.OneOf(("M", "F")))
    birth_year = Integer(required=True, validate=_birth_year_range)
    id_number = NormalizedString(normalize.normalize_id_number, max_length=40, required=True, needs_today=True)
    mobile = NormalizedString(normalize.normalize_mobile, max_length=40, required=True)
    email = NormalizedString(normalize.normalize_email, max_length=254, required=True)
    organization_id = Integer(required=True, validate=ID_RANGE)
    organization_since = ma.fields.Date(
        metadata={"description": "Start of the current employment (default: today)"})
    position = text(100)
    title_rank = ma.fields.String(required=True, validate=validate.OneOf(TITLE_RANKS))
    specialties = ma.fields.List(text(40, min_length=1), required=True,
                                 validate=validate.Length(min=1, max=10))
    province = ma.fields.String(required=True, validate=validate.OneOf(PROVINCE_CODES))
    city = text(50)
    recommended_by = ma.fields.String(required=True, validate=validate.OneOf(RECOMMENDERS))
    contributed_by = ma.fields.String(allow_none=True, validate=validate.OneOf(PROVINCE_CODES),
                                      metadata={"description": "Province code, or null for the Office"})
    term_start = ma.fields.Date()
    term_end = ma.fields.Date()
    status = ma.fields.String(validate=validate.OneOf(("applicant", "active")))
    language = ma.fields.String(validate=validate.OneOf(("zh", "en")))

    @validates_schema
    def _consistency(self, data, partial, **kwargs):
        problems: dict[str, normalize.FieldError] = {}
        if data.get("id_number"):
            info = normalize.validate_id_number(data["id_number"], today=clock.today())
            problems = normalize.identity_mismatches(info, birth_year=data.get("birth_year") or None,
                                                     gender=data.get("gender"))
        term = normalize.term_order_error(data.get("term_start"), data.get("term_end"))
        if term is not None:
            problems = {"term_end": term, **problems}
        if problems:
            raise ValidationError({field: [text_message(e.text)] for field, e in problems.items()})


class ContactSchema(StrictSchema):
    """What an expert keeps current about themself: how to reach them, and the language of their mails."""

    mobile = NormalizedString(normalize.normalize_mobile, max_length=40, required=True)
    email = NormalizedString(normalize.normalize_email, max_length=254, required=True)
    language = ma.fields.String(required=True, validate=validate.OneOf(("zh", "en")))


class ExpertPatchSchema(ExpertWriteSchema):
    """Every field optional; status changes go through ``/experts/{id}/status``."""

    class Meta(StrictSchema.Meta):
        exclude = ("status",)


class OrganizationRefSchema(ma.Schema):
    id = Integer()
    name = ma.fields.String()
    type = ma.fields.String()


class EmploymentSchema(ma.Schema):
    id = Integer()
    organization = ma.fields.Nested(OrganizationRefSchema)
    position = ma.fields.String()
    start_date = ma.fields.Date()
    end_date = ma.fields.Date(allow_none=True)


class EmploymentCreateSchema(StrictSchema):
    organization_id = Integer(required=True, validate=ID_RANGE)
    position = text(100)
    start_date = ma.fields.Date(required=True)
    end_date = ma.fields.Date(allow_none=True)

    @validates_schema
    def _dates(self, data, **kwargs):
        _check_period(data, "start_date", "end_date")


class ConflictSchema(ma.Schema):
    id = Integer()
    park_id = Integer(allow_none=True)
    organization_id = Integer(allow_none=True)
    relation = ma.fields.String()
    note = ma.fields.String()
    valid_from = ma.fields.Date()
    valid_to = ma.fields.Date(allow_none=True)
    source = ma.fields.String()


class ConflictCreateSchema(StrictSchema):
    park_id = Integer(validate=ID_RANGE)
    organization_id = Integer(validate=ID_RANGE)
    relation = ma.fields.String(required=True,
                                validate=validate.OneOf(("relative", "former_employment", "interest", "other")))
    note = text(500)
    valid_from = ma.fields.Date()
    valid_to = ma.fields.Date(allow_none=True)

    @validates_schema
    def _target(self, data, **kwargs):
        if not data.get("park_id") and not data.get("organization_id"):
            raise ValidationError(_l("Name a park or an organisation."), "_schema")
        _check_period(data, "valid_from", "valid_to")


class UnavailabilitySchema(StrictSchema):
    id = Integer(dump_only=True)
    start_date = ma.fields.Date(required=True)
    end_date = ma.fields.Date(required=True)
    reason = text(200)

    @validates_schema
    def _dates(self, data, **kwargs):
        _check_period(data, "start_date", "end_date")


class StatusChangeSchema(ma.Schema):
    id = Integer()
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String()
    reason = ma.fields.String()
    effective_on = ma.fields.Date()
    actor_label = ma.fields.String()
    created_at = ma.fields.DateTime()


class StatusChangeRequestSchema(StrictSchema):
    status = ma.fields.String(required=True, validate=validate.OneOf(STATUSES))
    reason = text(500, required=True, min_length=1)
    effective_on = ma.fields.Date()


class ExpertSchema(ma.Schema):
    """An expert as shown; ``id_number`` and ``mobile`` arrive already masked for callers who may not see them."""

    id = Integer()
    name = ma.fields.String()
    gender = ma.fields.String()
    birth_year = Integer()
    id_number = ma.fields.String()
    mobile = ma.fields.String()
    email = ma.fields.String()
    personal_data_masked = ma.fields.Boolean()
    organization = ma.fields.Nested(OrganizationRefSchema)
    title_rank = ma.fields.String()
    specialties = ma.fields.List(ma.fields.String(), attribute="specialty_codes")
    province = ma.fields.String()
    city = ma.fields.String()
    recommended_by = ma.fields.String()
    contributed_by = ma.fields.String(allow_none=True)
    term_start = ma.fields.Date(allow_none=True)
    term_end = ma.fields.Date(allow_none=True)
    status = ma.fields.String()
    data_confirmed_on = ma.fields.Date(allow_none=True)
    language = ma.fields.String()
    version = Integer()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class ExpertDetailSchema(ExpertSchema):
    employments = ma.fields.List(ma.fields.Nested(EmploymentSchema))
    conflicts = ma.fields.List(ma.fields.Nested(ConflictSchema))
    unavailabilities = ma.fields.List(ma.fields.Nested(UnavailabilitySchema))
    allowed_statuses = ma.fields.List(ma.fields.String())


ExpertPageSchema = page_schema(ExpertSchema, "ExpertPageSchema")


class ExpertQuerySchema(PageArgs):
    class Meta:
        unknown = ma.RAISE

    q = text(100, metadata={"description": "Free text: name, email, organisation"})
    specialty = ma.fields.List(text(40), metadata={"description": "Specialty code; repeat for all of several"})
    province = ma.fields.String(validate=validate.OneOf(PROVINCE_CODES))
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    organization_id = Integer(validate=ID_RANGE)
    title_rank = ma.fields.String(validate=validate.OneOf(TITLE_RANKS))
    contributed_by = ma.fields.String(validate=validate.OneOf((*PROVINCE_CODES, "national")))
    sort = ma.fields.String(load_default="name", validate=validate.OneOf(SORT_KEYS))


class ReviewQuerySchema(PageArgs):
    class Meta:
        unknown = ma.RAISE

    on = ma.fields.Date(metadata={"description": "Reference date (default: today in Asia/Shanghai)"})


class ReviewItemSchema(ma.Schema):
    expert = ma.fields.Nested(ExpertSchema)
    reasons = ma.fields.List(ma.fields.String())


ReviewPageSchema = page_schema(ReviewItemSchema, "ReviewPageSchema")


class AuditEntrySchema(ma.Schema):
    seq = Integer()
    created_at = ma.fields.DateTime()
    actor_label = ma.fields.String()
    action = ma.fields.String()
    data = ma.fields.Dict()


class ExpertHistorySchema(ma.Schema):
    status_changes = ma.fields.List(ma.fields.Nested(StatusChangeSchema))
    changes = ma.fields.List(ma.fields.Nested(AuditEntrySchema))


class SpecialtySchema(StrictSchema):
    code = ma.fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_.-]{1,39}$"))
    name_zh = text(100, required=True, min_length=1)
    name_en = text(200, required=True, min_length=1)
    group = text(40)
    active = ma.fields.Boolean(dump_only=True)


class BlacklistingSchema(ma.Schema):
    id = Integer()
    listed_on = ma.fields.Date()
    reason = ma.fields.String()
    lifted_on = ma.fields.Date(allow_none=True)
    lift_reason = ma.fields.String(allow_none=True)


class OrganizationSchema(ma.Schema):
    id = Integer()
    name = ma.fields.String()
    type = ma.fields.String()
    province = ma.fields.String(allow_none=True)
    blacklisted = ma.fields.Boolean()
    blacklistings = ma.fields.List(ma.fields.Nested(BlacklistingSchema))


OrganizationPageSchema = page_schema(OrganizationSchema, "OrganizationPageSchema")


class OrganizationCreateSchema(StrictSchema):
    name = text(200, required=True, min_length=1)
    type = ma.fields.String(required=True, validate=validate.OneOf(ORGANIZATION_TYPES))
    province = ma.fields.String(allow_none=True, validate=validate.OneOf(PROVINCE_CODES))


class OrganizationQuerySchema(PageArgs):
    class Meta:
        unknown = ma.RAISE

    q = text(100)
    type = ma.fields.String(validate=validate.OneOf(ORGANIZATION_TYPES))
    blacklisted = ma.fields.Boolean()


class BlacklistRequestSchema(StrictSchema):
    listed_on = ma.fields.Date(required=True)
    reason = text(1000, required=True, min_length=1)


class BlacklistLiftSchema(StrictSchema):
    lifted_on = ma.fields.Date(required=True)
    reason = text(1000, required=True, min_length=1)


class ExportQuerySchema(StrictSchema):
    format = ma.fields.String(load_default="xlsx", validate=validate.OneOf(("csv", "xlsx")))
    lang = ma.fields.String(load_default="zh", validate=validate.OneOf(("zh", "en")))


class ImportFormSchema(StrictSchema):
    dry_run = ma.fields.Boolean(load_default=False)


class ImportFileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "CSV (UTF-8 or GB18030) or XLSX"})


class ImportIssueSchema(ma.Schema):
    row = Integer(allow_none=True)
    column = ma.fields.String(allow_none=True)
    field = ma.fields.String(allow_none=True)
    code = ma.fields.String()
    message = ma.fields.String()


class ImportReportSchema(ma.Schema):
    dry_run = ma.fields.Boolean()
    rows = Integer()
    created = Integer()
    organizations_created = ma.fields.List(ma.fields.String())
    issues = ma.fields.List(ma.fields.Nested(ImportIssueSchema))
