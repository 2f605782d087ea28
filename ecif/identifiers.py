"""The staging rules for one record typed by a person or sent by another system: the
single Python home of the dbt macros of dbt_project/macros/cleansing.sql,
identifiers.sql, names.sql, mention_id.sql and safe_casts.sql (try_to_date).
Identification, lookups, erasure and every steward request use these functions, so a
value refused here is one the nightly staging would flag, and a value accepted here is
one it accepts; tests/test_identifier_rules.py runs both over one corpus and asserts
equal answers.

Each `*_problem` function returns None for a good value or the macro's reason code
(PLACEHOLDER, BAD_FORMAT, BAD_CHECK, BAD_BIRTH_DATE, BAD_ORG_CODE, TOO_LONG,
BAD_CHARACTER, NO_LETTER). `check_party` and `check_attribute` apply them to a
request and raise InvalidValue naming the field and the reason, never the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from ecif.reference import read_seed

REASONS = {
    "PLACEHOLDER": "a known dummy value or one repeated character",
    "BAD_FORMAT": "wrong length or characters",
    "BAD_CHECK": "the check character does not match",
    "BAD_BIRTH_DATE": "the birth date inside the number is not a real date",
    "BAD_ORG_CODE": "the organization code inside the number is invalid",
    "BAD_DATE": "not a real date in the form",
    "TOO_LONG": "longer than allowed",
    "BAD_CHARACTER": "only Chinese characters, Latin letters and name punctuation are allowed",
    "NO_LETTER": "holds no Chinese character or Latin letter",
    "MISSING": "required",
    "UNKNOWN": "not one of",
    "NOT_ADMISSIBLE": "a new party needs a valid ID, or a name with a valid mobile",
    "PERSONS_ONLY": "an attribute of persons",
    "ORGANIZATIONS_ONLY": "an attribute of organizations",
}

# cleansing.sql: full-width ASCII and the ideographic space to half-width (halfwidth)
_HALFWIDTH = str.maketrans({**{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},
                            "\u3000": " "})
# what the macros' `\s` matches (RE2, DuckDB's regular expressions)
_BLANK = "\t\n\f\r "


class InvalidValue(ValueError):
    """A value a staging rule refuses; the message names the field and the reason."""

    def __init__(self, field: str, problem: str, detail: str = "", where: str = "") -> None:
        self.field, self.problem, self.detail = field, problem, detail
        super().__init__(f"{where + ': ' if where else ''}field {field}: {problem} "
                         f"({REASONS.get(problem, problem)}{' ' + detail if detail else ''})")


@cache
def _seed(name: str) -> tuple[dict[str, str], ...]:
    return tuple(read_seed(name))


def _placeholders(value_type: str) -> frozenset[str]:
    return frozenset(r["value"] for r in _seed("placeholder_value")
                     if r["value_type"] == value_type)


def standard_codes(code_type: str) -> tuple[str, ...]:
    """The standard codes of a code type (code_map seed): id_type, gender, party_type."""
    return tuple(sorted({r["standard_code"] for r in _seed("code_map")
                         if r["code_type"] == code_type and r["standard_code"] != "UNMAPPED"}))


def rule_parameter(name: str) -> int:
    return next(int(r["value"]) for r in _seed("dq_rule_parameter") if r["parameter"] == name)


# ---- cleansing.sql ---------------------------------------------------------------------

def halfwidth(text: str) -> str:
    return text.translate(_HALFWIDTH)


def clean_text(text: str | None) -> str | None:
    """Trimmed, half-width, empty → None."""
    return (halfwidth(text).strip(" ") or None) if text is not None else None


def digits_only(text: str | None) -> str | None:
    return (re.sub("[^0-9]", "", halfwidth(text)) or None) if text is not None else None


def clean_identifier(text: str | None) -> str | None:
    """Half-width, no blanks or hyphens, upper case."""
    if text is None:
        return None
    return re.sub(f"[{_BLANK}-]", "", halfwidth(text)).upper() or None


# ---- identifiers.sql -------------------------------------------------------------------

def is_placeholder(value: str, value_type: str) -> bool:
    return value.replace(value[:1], "") == "" or value in _placeholders(value_type)


def normalize_mobile(text: str | None) -> str | None:
    """Digits only (full-width digits too), without a +86 / 0086 / 86 prefix."""
    digits = digits_only(text)
    return re.sub(r"^(0086|86)(1[0-9]{10})$", r"\2", digits) if digits else None


def mobile_problem(mobile: str | None) -> str | None:
    if mobile is None:
        return None
    if is_placeholder(mobile, "mobile"):
        return "PLACEHOLDER"
    if not re.fullmatch("1[3-9][0-9]{9}", mobile):
        return "BAD_FORMAT"
    return None


_RID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def rid_check_char(first17: str) -> str:
    """GB 11643: ISO 7064 MOD 11-2 over the first 17 digits."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, _RID_WEIGHTS, strict=True)) % 11]


def normalize_rid(text: str | None) -> str | None:
    """Cleaned; a 15-digit legacy ID upgraded to 18 characters."""
    value = clean_identifier(text)
    if value is not None and re.fullmatch("[0-9]{15}", value):
        first17 = value[:6] + "19" + value[6:]
        return first17 + rid_check_char(first17)
    return value


def normalize_id(id_type: str | None, id_no: str | None) -> str | None:
    return normalize_rid(id_no) if id_type == "RID" else clean_identifier(id_no)


def normalize_id_no(text: str) -> str | None:
    """An ID number of unknown type (a lookup): a 15-digit one is read as a resident ID."""
    return normalize_rid(text)


def rid_birth_date(rid18: str) -> date | None:
    return to_date(rid18[6:14], "%Y%m%d")


def _document_problem(value: str | None, pattern: str,
                      check: Callable[[str], str | None] = lambda v: None) -> str | None:
    """The macros' order: a placeholder, then the format, then the type's own check."""
    if value is None:
        return None
    if is_placeholder(value, "id_no"):
        return "PLACEHOLDER"
    if not re.fullmatch(pattern, value):
        return "BAD_FORMAT"
    return check(value)


def rid_problem(rid18: str | None) -> str | None:
    def check(value: str) -> str | None:
        if rid_check_char(value[:17]) != value[17]:
            return "BAD_CHECK"
        return "BAD_BIRTH_DATE" if rid_birth_date(value) is None else None
    return _document_problem(rid18, "[0-9]{17}[0-9X]", check)


def effective_id_type(party_type: str, id_type: str | None, id_no_std: str | None) -> str | None:
    """A person's household register (HHR) or OTHER number that is a valid resident ID
    is read as one (a household register shows its holder's resident ID number)."""
    if (party_type == "P" and id_type in ("HHR", "OTHER") and id_no_std is not None
            and rid_problem(id_no_std) is None):
        return "RID"
    return id_type


def _weighted(value: str, alphabet: str, weights: tuple[int, ...]) -> int:
    return sum(alphabet.index(c) * w for c, w in zip(value, weights, strict=False))


_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def org_code_problem(code: str | None) -> str | None:
    """GB 11714: 8 characters weighted 3 7 9 10 5 8 4 2, check 11 - sum mod 11."""
    def check(value: str) -> str | None:
        total = _weighted(value[:8], _ORG_ALPHABET, (3, 7, 9, 10, 5, 8, 4, 2))
        return None if "0123456789X0"[11 - total % 11] == value[8] else "BAD_CHECK"
    return _document_problem(code, "[0-9A-Z]{8}[0-9X]", check)


def uscc_problem(uscc: str | None) -> str | None:
    """GB 32100: check 31 - sum mod 31; characters 9–17 are an organization code."""
    def check(value: str) -> str | None:
        total = _weighted(value[:17], _USCC_ALPHABET, (1, 3, 9, 27, 19, 26, 16, 17, 20, 29,
                                                       25, 13, 8, 24, 10, 30, 28))
        if _USCC_ALPHABET[(31 - total % 31) % 31] != value[17]:
            return "BAD_CHECK"
        return None if org_code_problem(value[8:17]) is None else "BAD_ORG_CODE"
    return _document_problem(uscc, "[0-9A-HJ-NPQRTUW-Y]{18}", check)


def document_problem(doc: str | None) -> str | None:
    """Any other document number: letters and digits, 5 to 20 of them."""
    return _document_problem(doc, "[0-9A-Z]{5,20}")


def id_problem(id_type: str | None, id_no_std: str | None) -> str | None:
    check = {"RID": rid_problem, "USCC": uscc_problem, "ORG": org_code_problem}
    return check.get(id_type or "", document_problem)(id_no_std)


def normalize_email(text: str | None) -> str | None:
    return re.sub(f"[{_BLANK}]", "", halfwidth(text)).lower() if text is not None else None


def email_problem(email: str | None) -> str | None:
    if not email:
        return None
    if not re.fullmatch(r"[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}", email):
        return "BAD_FORMAT"
    return None


def landline_problem(landline: str | None) -> str | None:
    if landline is not None and not re.fullmatch("0[0-9]{2,3}-[0-9]{7,8}", landline):
        return "BAD_FORMAT"
    return None


def normalize_landline(text: str | None) -> str | None:
    digits = digits_only(text)
    if digits is None:
        return None
    digits = re.sub("^(0086|86)", "", digits)
    if re.fullmatch("0(10|2[0-9])[0-9]{8}", digits):
        return digits[:3] + "-" + digits[3:]
    if re.fullmatch("0[3-9][0-9]{2}[0-9]{7,8}", digits):
        return digits[:4] + "-" + digits[4:]
    return digits


# ---- names.sql -------------------------------------------------------------------------

_CJK = "一-龥"
_MIDDLE_DOTS = str.maketrans("•・．.‧∙⋅･", "········")
_LETTERS = f"A-Za-z{_CJK}㐀-䶵"
# name_problem: the characters a name may hold (the hyphen last in a character class);
# organizations also digits, brackets and &
_PERSON_CHARS = f"{_LETTERS} ·•・．.‧∙⋅･'-"
_ORG_CHARS = f"{_LETTERS}0-9()【】〔〕& ·•・．.‧∙⋅･'-"


def has_cjk(text: str) -> bool:
    return re.search(f"[{_CJK}]", text) is not None


def standardize_person_name(text: str | None) -> str | None:
    name = clean_text(text)
    if name is None:
        return None
    if has_cjk(name):
        return re.sub(f"[{_BLANK}]", "", name).translate(_MIDDLE_DOTS)
    return re.sub(f"[{_BLANK}]+", " ", name).upper()


@cache
def _org_rules() -> dict[str, list[tuple[str, str]]]:
    """Seed org_name_rule: rule → its (value, replacement) rows, longest value first, as
    macro org_name_rules orders them (an alternation then prefers 股份有限公司 to 有限公司)."""
    rules: dict[str, list[tuple[str, str]]] = {}
    for r in sorted(_seed("org_name_rule"), key=lambda r: (-len(r["value"]), r["value"])):
        rules.setdefault(r["rule"], []).append((r["value"], r["replacement"]))
    return rules


@cache
def _name_key_legal_form() -> tuple[re.Pattern[str], str]:
    """The legal forms the name key reads as one replacement (公司), and that replacement."""
    forms = _org_rules()["name_key_legal_form"]
    replacements = {r for _, r in forms}
    if len(replacements) != 1:
        raise ValueError(f"org_name_rule: name_key_legal_form needs one replacement, "
                         f"has {sorted(replacements)}")
    (replacement,) = replacements
    return re.compile("|".join(v for v, _ in forms)), replacement   # as the macro: plain words


def standardize_org_name(text: str | None) -> str | None:
    name = clean_text(text)
    if name is None:
        return None
    name = re.sub(f"[{_BLANK}]", "", name).translate(str.maketrans("【】[]〔〕", "()()()"))
    for value, replacement in _org_rules().get("legal_form", []):
        name = name.replace(value, replacement)
    return name


def org_name_key(org_name_std: str | None) -> str | None:
    """One key for the spellings of one registered name: brackets dropped, every legal
    form read as 公司 (org_name_rule seed)."""
    if org_name_std is None:
        return None
    forms, replacement = _name_key_legal_form()
    return forms.sub(replacement, re.sub("[()]", "", org_name_std))


def standardize_name(text: str | None, party_type: str) -> str | None:
    return standardize_org_name(text) if party_type == "O" else standardize_person_name(text)


def name_problem(name: str | None, party_type: str) -> str | None:
    """A cleaned name (clean_text) a person could carry: printable Chinese or Latin,
    at most name_max_length characters (dq_rule_parameter seed)."""
    if name is None:
        return None
    if len(name) > rule_parameter("name_max_length"):
        return "TOO_LONG"
    if not re.fullmatch(f"[{_ORG_CHARS if party_type == 'O' else _PERSON_CHARS}]+", name):
        return "BAD_CHARACTER"
    if not re.search(f"[{_LETTERS}]", name):
        return "NO_LETTER"
    return None


# ---- mention_id.sql --------------------------------------------------------------------

def mention_id(system: str, entity: str, key: str, role: str) -> str:
    return f"{system}|{entity}|{key}|{role}"


def mention_parts(mention: str) -> tuple[str, str, str, str]:
    """(system, entity, source key, role) of a mention id."""
    system, entity, key, role = mention.split("|")
    return system, entity, key, role


# ---- safe_casts.sql --------------------------------------------------------------------

def to_date(text: str | None, fmt: str) -> date | None:
    """A real date written exactly in `fmt` (strptime style, e.g. %Y%m%d), else None."""
    if text is None:
        return None
    pattern = fmt.replace("%Y", "[0-9]{4}").replace("%m", "[0-9]{2}").replace("%d", "[0-9]{2}")
    if not re.fullmatch(pattern, text):
        return None
    try:
        return datetime.strptime(text, fmt).date()
    except ValueError:
        return None


# ---- requests: a record or an attribute typed by a person -------------------------------

@dataclass(frozen=True)
class PartyInput:
    """A person or organization as a request gives it, cleaned as staging cleans it."""
    party_type: str
    name: str
    id_type: str | None = None
    id_no: str | None = None
    mobile: str | None = None
    gender: str | None = None
    birth_date: date | None = None
    email: str | None = None
    user_name: str | None = None        # a portal (customer web) login name

    @property
    def admissible(self) -> bool:
        """准入: enough to create a new party: a valid ID, or a name with a valid mobile
        (every value here already passed its rule; placeholders never do)."""
        return self.id_no is not None or self.mobile is not None

    def payload(self) -> dict[str, str | None]:
        """As a steward request stores it (JSON)."""
        return {**self.__dict__, "birth_date": self.birth_date and self.birth_date.isoformat()}


def _one_of(field: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value not in allowed:
        raise InvalidValue(field, "UNKNOWN", ", ".join(allowed))
    return value


def _refuse(field: str, problem: str | None) -> None:
    if problem is not None:
        raise InvalidValue(field, problem)


def check_name(name: str | None, party_type: str, field: str = "name") -> str:
    cleaned = clean_text(name)
    if cleaned is None:
        raise InvalidValue(field, "MISSING")
    _refuse(field, name_problem(cleaned, party_type))
    return cleaned


def check_date(text: str | date | None, fmt: str, field: str) -> date | None:
    if text is None or isinstance(text, date):
        return text
    parsed = to_date(text, fmt)
    if parsed is None:
        raise InvalidValue(field, "BAD_DATE", fmt.replace("%Y", "YYYY").replace("%m", "MM")
                           .replace("%d", "DD"))
    return parsed


def user_name_problem(user_name: str | None) -> str | None:
    """A portal user name: 3 to 64 letters, digits and . _ - @ (no blanks, which a login
    form would not keep)."""
    if user_name is None:
        return None
    if not re.fullmatch(r"[A-Za-z0-9._@-]{3,64}", user_name):
        return "BAD_FORMAT"
    return None


def check_party(party_type: str, name: str | None, id_type: str | None = None,
                id_no: str | None = None, mobile: str | None = None, gender: str | None = None,
                birth_date: str | date | None = None, date_format: str = "%Y-%m-%d",
                email: str | None = None, user_name: str | None = None) -> PartyInput:
    """The record with every value standardized, or InvalidValue for the first bad one."""
    _one_of("party_type", party_type, standard_codes("party_type"))
    cleaned = check_name(name, party_type)
    id_std = normalize_id(id_type, id_no)
    if id_std is not None:
        if id_type is None:
            raise InvalidValue("id_type", "MISSING")
        _one_of("id_type", id_type, standard_codes("id_type"))
        _refuse("id_no", id_problem(id_type, id_std))
    mobile_std = normalize_mobile(mobile)
    # staging reads a mobile without a digit as none; a request that sent one is wrong
    _refuse("mobile", "BAD_FORMAT" if clean_text(mobile) and mobile_std is None
            else mobile_problem(mobile_std))
    email_std = normalize_email(clean_text(email))
    _refuse("email", email_problem(email_std))
    user = clean_text(user_name)
    _refuse("user_name", user_name_problem(user))
    return PartyInput(party_type, cleaned, id_type if id_std else None, id_std, mobile_std,
                      _one_of("gender", gender, standard_codes("gender")),
                      check_date(birth_date, date_format, "birth_date"), email_std or None, user)


# golden attributes of one party type only: the golden record drops them on the other
_ATTRIBUTE_PARTY_TYPE = {"gender": "P", "birth_date": "P", "occupation": "P",
                         "industry": "O", "legal_rep": "O"}
# occupation and industry are codes core's register sends (7-digit occupation codes,
# GB/T 4754 industry codes), which staging keeps as sent: a request gives a code, not a word
_CODE = re.compile(r"[0-9A-Za-z]{1,20}")


def check_attribute(attribute: str, value: str, party_type: str = "P",
                    attributes: tuple[str, ...] = ()) -> str:
    """A golden attribute's new value (MODIFY, ENHANCE) as staging would store it.
    Dates are YYYYMMDD, an address is province|city|district|address, an ID is
    TYPE:NUMBER, occupation and industry are codes, legal_rep a person's name."""
    _one_of("attribute", attribute, attributes)
    if _ATTRIBUTE_PARTY_TYPE.get(attribute, party_type) != party_type:
        raise InvalidValue("attribute", "PERSONS_ONLY" if party_type == "O"
                           else "ORGANIZATIONS_ONLY")
    checks = {
        "name": lambda v: check_name(v, party_type, "value"),
        "gender": lambda v: _one_of("value", v, standard_codes("gender")),
        "birth_date": lambda v: str(check_date(v, "%Y%m%d", "value")),
        "mobile": lambda v: _checked(normalize_mobile(v), mobile_problem),
        "phone": lambda v: _checked(normalize_landline(v), landline_problem),
        "email": lambda v: _checked(normalize_email(v), email_problem),
        "address": _check_address,
        "id": _check_id,
        "occupation": _check_code,
        "industry": _check_code,
        "legal_rep": lambda v: check_name(v, "P", "value"),
    }
    return checks[attribute](value)


def _check_code(value: str) -> str:
    code = clean_text(value)
    if code is None:
        raise InvalidValue("value", "MISSING")
    if not _CODE.fullmatch(code):
        raise InvalidValue("value", "BAD_FORMAT", "letters and digits, at most 20")
    return code


def _checked(value: str | None, problem) -> str:
    if value is None:
        raise InvalidValue("value", "MISSING")
    _refuse("value", problem(value))
    return value


def _check_address(value: str) -> str:
    parts = [clean_text(p) or "" for p in value.split("|")]
    if len(parts) != 4 or not parts[0] or not parts[3]:
        raise InvalidValue("value", "BAD_FORMAT", "province|city|district|address, "
                                                  "province and address given")
    if any(len(p) > rule_parameter("name_max_length") or not p.isprintable() for p in parts):
        raise InvalidValue("value", "BAD_CHARACTER")
    return "|".join(parts)


def _check_id(value: str) -> str:
    id_type, _, number = value.partition(":")
    _one_of("id_type", id_type, standard_codes("id_type"))
    id_std = _checked(normalize_id(id_type, number), lambda v: id_problem(id_type, v))
    return f"{id_type}:{id_std}"
