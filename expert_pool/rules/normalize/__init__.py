"""Normalise and validate what people type about an expert: plain functions on plain values.

Every normaliser returns the canonical stored form or raises :class:`FieldError` with a stable ``code`` and a
message in Chinese and English that tells the user what to fix. The marshmallow schemas, the spreadsheet
import and the CLI all call these. Split by what changes together: ``text`` (the clean-up every normaliser
starts with), ``identity`` (ID number, mobile, email), ``masking`` (identifiers, also inside other text),
``vocabularies`` (closed lists, provinces, recommending bodies), ``dates`` (dates, years, lists, terms).
"""

from __future__ import annotations

from expert_pool.rules.errors import FieldError
from expert_pool.rules.normalize.dates import parse_date, parse_year, split_list, term_order_error
from expert_pool.rules.normalize.identity import (
    IdNumberInfo,
    id_number_check_digit,
    identity_mismatches,
    normalize_email,
    normalize_id_number,
    normalize_mobile,
    validate_id_number,
)
from expert_pool.rules.normalize.masking import (
    holds_identifier,
    mask_embedded_identifiers,
    mask_id_number,
    mask_mobile,
    may_probe_identifier,
)
from expert_pool.rules.normalize.text import normalize_text
from expert_pool.rules.normalize.vocabularies import (
    GENDERS,
    LANGUAGES,
    MINISTRIES,
    ORGANIZATION_TYPES,
    STATUSES,
    TITLE_RANKS,
    normalize_gender,
    normalize_language,
    normalize_organization_type,
    normalize_province,
    normalize_recommended_by,
    normalize_status,
    normalize_title_rank,
    province_name,
)

__all__ = [
    "GENDERS",
    "LANGUAGES",
    "MINISTRIES",
    "ORGANIZATION_TYPES",
    "STATUSES",
    "TITLE_RANKS",
    "FieldError",
    "IdNumberInfo",
    "holds_identifier",
    "id_number_check_digit",
    "identity_mismatches",
    "mask_embedded_identifiers",
    "mask_id_number",
    "mask_mobile",
    "may_probe_identifier",
    "normalize_email",
    "normalize_gender",
    "normalize_id_number",
    "normalize_language",
    "normalize_mobile",
    "normalize_organization_type",
    "normalize_province",
    "normalize_recommended_by",
    "normalize_status",
    "normalize_text",
    "normalize_title_rank",
    "parse_date",
    "parse_year",
    "province_name",
    "split_list",
    "term_order_error",
    "validate_id_number",
]
