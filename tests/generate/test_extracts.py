"""The generator's output against the byte-level contract (source-extracts.md) and its truth.

Identifier checks are written here from the spec, independently of the generator.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from ecif.extract_spec import BY_NAME, ENTITIES, PARTY_ROLES, SYSTEMS, TRUTH_DIR
from ecif.generate.extracts import generate_extracts

PERSONS, ORGS, DAYS = 300, 40, 3
DATES = ("20261101", "20261102", "20261103")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("extracts")
    generate_extracts(d, PERSONS, ORGS, DAYS, seed=11)
    return d


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A larger run so that rare dirt and traps (rates of 0.4 %) surely appear."""
    d = tmp_path_factory.mktemp("extracts_big")
    generate_extracts(d, 6000, 600, DAYS, seed=5)
    return d


# ------------------------------------------------------------------ independent checks
def rid_ok(s: str) -> bool:
    if not re.fullmatch(r"\d{17}[\dX]", s):
        return False
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * k for c, k in zip(s[:17], w, strict=False)) % 11] == s[17]


ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc_ok(s: str) -> bool:
    if len(s) != 18 or any(c not in ALPHA for c in s):
        return False
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    check = 31 - sum(ALPHA.index(c) * k for c, k in zip(s[:17], w, strict=False)) % 31
    return ALPHA[0 if check == 31 else check] == s[17] and org_code_ok(s[8:17])


def org_code_ok(org: str) -> bool:
    val = [int(c) if c.isdigit() else ord(c) - 55 for c in org[:8]]
    c = 11 - sum(v * k for v, k in zip(val, [3, 7, 9, 10, 5, 8, 4, 2], strict=False)) % 11
    return org[8] == {10: "X", 11: "0"}.get(c, str(c))


# Person documents other than the resident ID (spec §4), by core code, as issued.
OTHER_DOCUMENTS = {"02": r"[EG]\d{8}", "03": r"军字第\d{7}号", "04": r"[HM]\d{8}", "05": r"\d{8}",
                   "07": r"[A-Z]{3}\d{12}"}
# Each system's person id-type codes → the standard code (spec §4, §5); uw files 户口簿
# under O (other), the only person document without a uw code.
PERSON_ID_CODES = {
    "core": {"01": "RID", "02": "PASSPORT", "03": "MIL", "04": "HKMO", "05": "TW", "06": "HHR",
             "07": "FPR"},
    "uw": {"I": "RID", "P": "PASSPORT", "M": "MIL", "H": "HKMO", "T": "TW", "O": "HHR",
           "F": "FPR"},
    "claims": {"身份证": "RID", "护照": "PASSPORT", "军官证": "MIL", "港澳通行证": "HKMO",
               "台胞证": "TW", "户口簿": "HHR", "外国人永久居留证": "FPR"},
}
PERSON_ID_CODES["finance"] = PERSON_ID_CODES["core"]
ID_COLUMNS = {("core", "customer", "customer"): "id_type", ("uw", "uw_case", "applicant"):
              "applicant_id_type", ("uw", "uw_case", "insured"): "insured_id_type",
              ("claims", "claim", "claimant"): "claimant_id_type",
              ("finance", "receipt", "payer"): "payer_id_type",
              ("finance", "payout", "payee"): "payee_id_type"}
FULLWIDTH = str.maketrans({chr(c + 0xFEE0): chr(c) for c in range(0x21, 0x7F)})


def read_rows(root: Path, system: str, entity: str, day: str) -> list[dict]:
    spec = BY_NAME[system, entity]
    raw = (root / system / day / spec.file_name).read_bytes()
    fmt = spec.fmt.file_format
    if fmt == "pipe":
        text = raw.decode("gbk")
        lines = text.split("\r\n")
        assert lines[-1] == ""
        header, body = lines[0].split("|"), lines[1:-1]
        assert tuple(header) == spec.columns
        rows = [dict(zip(header, ln.split("|"), strict=True)) for ln in body]
    elif fmt == "tsv":
        text = raw.decode("utf-8")
        assert "\r" not in text
        lines = text.split("\n")
        assert tuple(lines[0].split("\t")) == spec.columns
        rows = [dict(zip(spec.columns, ln.split("\t"), strict=True)) for ln in lines[1:-1]]
    elif fmt == "csv":
        text = raw.decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader)
        assert tuple(header) == spec.columns
        rows = [dict(zip(header, r, strict=True)) for r in reader]
    else:
        text = raw.decode("utf-8")
        rows = []
        for ln in text.split("\n")[:-1]:
            obj = json.loads(ln)
            assert set(obj) <= set(spec.columns)
            rows.append({c: obj.get(c) for c in spec.columns})
    return rows


def all_rows(root: Path) -> dict[tuple[str, str, str], list[dict]]:
    return {(s.system, s.entity, d): read_rows(root, s.system, s.entity, d)
            for s in ENTITIES for d in DATES}


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


# ------------------------------------------------------------------ tests
def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_extracts(a, 120, 20, 2, seed=3)
    generate_extracts(b, 120, 20, 2, seed=3)
    generate_extracts(c, 120, 20, 2, seed=4)
    ta, tb, tc = tree_bytes(a), tree_bytes(b), tree_bytes(c)
    assert ta == tb
    assert ta.keys() == tc.keys()
    assert ta["core/20261101/customer.dat"] != tc["core/20261101/customer.dat"]


def test_layout_every_entity_every_day_with_control_file(out):
    for spec in ENTITIES:
        for day in DATES:
            data = out / spec.system / day / spec.file_name
            ok = json.loads(data.with_suffix(".ok").read_text(encoding="utf-8"))
            raw = data.read_bytes()
            assert ok["system"] == spec.system and ok["entity"] == spec.entity
            assert ok["business_date"] == day and ok["file"] == spec.file_name
            assert ok["extract_type"] == ("FULL" if day == DATES[0] else "DELTA")
            assert ok["encoding"] == spec.fmt.encoding
            assert ok["bytes"] == len(raw)
            assert ok["md5"] == hashlib.md5(raw).hexdigest()
            assert ok["rows"] == len(read_rows(out, spec.system, spec.entity, day))
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", ok["generated_at"])
    assert sorted(p.name for p in out.iterdir()) == sorted([*SYSTEMS, TRUTH_DIR])


def test_core_is_gbk_crlf_pipe(out):
    raw = (out / "core" / DATES[0] / "customer.dat").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")            # really GBK, not UTF-8, since names are Chinese
    text = raw.decode("gbk")
    assert text.count("\n") == text.count("\r\n")
    for line in text.split("\r\n")[1:-1]:
        assert line.count("|") == len(BY_NAME["core", "customer"].columns) - 1
    rows = read_rows(out, "core", "customer", DATES[0])
    assert all(re.fullmatch(r"\d{8}", r["created_date"]) for r in rows)
    assert {r["id_type"] for r in rows} <= {"01", "02", "03", "04", "05", "06", "07", "99",
                                            "10", "11", "12"}
    assert {r["gender"] for r in rows} <= {"1", "2", "0", "9", ""}


def test_system_formats_and_code_sets(out, big):
    uw = read_rows(out, "uw", "uw_case", DATES[0])
    assert {r["applicant_id_type"] for r in uw} <= set("IPHTMFUCO")
    assert {r["applicant_gender"] for r in uw} <= {"M", "F", "U", ""}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", r["decision_date"]) for r in uw)
    raw = (out / "uw" / DATES[0] / "uw_case.csv").read_bytes()
    assert b"\r\n" not in raw
    boms = {(big / "uw" / d / "uw_case.csv").read_bytes().startswith(b"\xef\xbb\xbf")
            for d in DATES} | {raw.startswith(b"\xef\xbb\xbf")} | {
        (out / "uw" / d / "uw_case.csv").read_bytes().startswith(b"\xef\xbb\xbf") for d in DATES}
    assert boms == {True, False}
    claims = read_rows(big, "claims", "claim", DATES[0])
    assert {r["claimant_gender"] for r in claims} <= {"男", "女", ""}
    assert {r["status"] for r in claims} <= {"报案", "立案", "结案", "拒赔", "注销"}
    assert all(re.fullmatch(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d", r["report_time"]) for r in claims)
    assert all(re.fullmatch(r"\d{4}/\d\d/\d\d", r["loss_date"]) for r in claims)
    assert any("\n" in r["loss_description"] for r in claims)
    assert any('"' in r["loss_description"] and "," in r["loss_description"] for r in claims)
    leads = read_rows(big, "telesales", "lead", DATES[0])
    assert {r["gender"] for r in leads} <= {"male", "female", None}
    assert all(r["birth_year"] is None or type(r["birth_year"]) is int for r in leads)
    assert all(type(r["do_not_call"]) is bool for r in leads if r["do_not_call"] is not None)
    assert any(re.fullmatch(r"[A-Za-z]+ [A-Za-z]+", r["name"] or "") for r in leads)
    lines = (big / "telesales" / DATES[0] / "lead.jsonl").read_text("utf-8").splitlines()
    assert any("birth_year" not in json.loads(ln) for ln in lines)      # omitted key = null
    assert any('"birth_year":null' in ln for ln in lines)
    events = read_rows(big, "telesales", "contact_event", DATES[0])
    assert any(e["lead_id"] is None for e in events)
    assert all(re.fullmatch(r".+T\d\d:\d\d:\d\d\+08:00", e["occurred_at"]) for e in events)
    rec = read_rows(big, "finance", "receipt", DATES[0])
    assert all(re.fullmatch(r"\d+", r["amount_fen"]) for r in rec)
    assert all(re.fullmatch(r"\d{8}", r["pay_date"]) for r in rec)


def test_full_then_delta_ops(big):
    rows = all_rows(big)
    for spec in ENTITIES:
        first = rows[spec.system, spec.entity, DATES[0]]
        assert first and {r["op"] for r in first} == {"I"}
        later = [r for d in DATES[1:] for r in rows[spec.system, spec.entity, d]]
        ops = Counter(r["op"] for r in later)
        assert ops["D"] > 0, spec.entity
        for r in later:
            if r["op"] == "D":
                assert r[spec.key]
                assert all(r[c] in ("", None) for c in spec.columns if c not in (spec.key, "op"))
    for system, entity in (("core", "customer"), ("core", "policy"), ("claims", "claim"),
                           ("telesales", "lead")):
        later = [r for d in DATES[1:] for r in rows[system, entity, d]]
        assert {"I", "U", "D"} <= {r["op"] for r in later}, entity


def test_delta_semantics_unknown_keys_and_claim_progress(big):
    rows = all_rows(big)
    for spec in ENTITIES:
        seen: set[str] = set()
        unknown_u = unknown_d = 0
        for d in DATES:
            for r in rows[spec.system, spec.entity, d]:
                k = r[spec.key]
                if r["op"] == "U" and k not in seen:
                    unknown_u += 1
                if r["op"] == "D" and k not in seen:
                    unknown_d += 1
                seen.add(k)
        if spec.entity in ("customer", "policy", "claim", "receipt"):
            assert unknown_d > 0, spec.entity
        if spec.entity in ("customer", "policy"):
            assert unknown_u > 0, spec.entity
        # Occasional, whatever share of the entity arrives on DELTA days (contact events
        # mostly do): a handful per thousand rows, a couple of unknown D per file.
        total = sum(len(rows[spec.system, spec.entity, d]) for d in DATES)
        assert unknown_u <= max(5, 0.005 * total), (spec.entity, unknown_u, total)
        assert unknown_d <= 2 * (len(DATES) - 1), spec.entity
    status = {}
    for r in rows["claims", "claim", DATES[0]]:
        status[r["claim_no"]] = r["status"]
    progressed = 0
    for d in DATES[1:]:
        for r in rows["claims", "claim", d]:
            if r["op"] == "U" and r["claim_no"] in status:
                before, after = status[r["claim_no"]], r["status"]
                assert (before, after) in {("报案", "立案"), ("立案", "结案"), ("立案", "拒赔")}
                if after == "结案":
                    assert r["paid_amount"] and r["closed_time"]
                progressed += 1
                status[r["claim_no"]] = after
    assert progressed > 0


def test_renewals_same_holder_and_plate(big):
    rows = all_rows(big)
    full = {r["policy_no"]: r for r in rows["core", "policy", DATES[0]]}
    renewals = [r for d in DATES[1:] for r in rows["core", "policy", d]
                if r["op"] == "I" and r["product_line"] == "AUTO" and r["vehicle_plate"]]
    matched = 0
    for r in renewals:
        prev = [p for p in full.values() if p["vehicle_plate"] == r["vehicle_plate"]
                and p["expiry_date"] == r["effective_date"]]
        if prev:
            assert prev[0]["holder_cust_no"] == r["holder_cust_no"]
            matched += 1
    assert matched > 0
    # Historic chains inside the FULL extract too.
    by_plate = defaultdict(list)
    for p in full.values():
        if p["vehicle_plate"]:
            by_plate[p["vehicle_plate"], p["holder_cust_no"]].append(p)
    chains = [ps for ps in by_plate.values() if len(ps) > 1]
    assert chains
    for ps in chains:
        effs = {p["effective_date"] for p in ps}
        assert any(p["expiry_date"] in effs for p in ps)


def test_valid_identifiers_pass_independent_checks(big):
    rows = read_rows(big, "core", "customer", DATES[0])
    rids = [r["id_no"] for r in rows if r["id_type"] == "01"]
    plain = [s for s in rids if re.fullmatch(r"\d{17}[\dX]", s) and len(set(s)) > 1
             and s != "123456789012345678"]
    ok = sum(rid_ok(s) for s in plain)
    assert ok / len(plain) > 0.97          # the rest are deliberate bad check digits
    assert ok < len(plain)                 # …and those exist
    for s in plain:
        if rid_ok(s):
            assert 1900 <= int(s[6:10]) <= 2008 and 1 <= int(s[10:12]) <= 12
    usccs = [r["id_no"] for r in rows if r["id_type"] == "10" and re.fullmatch(r"[0-9A-Y]{18}",
                                                                                  r["id_no"])]
    assert usccs and sum(uscc_ok(s) for s in usccs) / len(usccs) > 0.95
    truth = {e["entity_id"]: e for e in csv.DictReader(
        (big / TRUTH_DIR / "entities.csv").open(encoding="utf-8"))}
    for e in truth.values():
        if e["party_type"] == "P" and not re.fullmatch(r"\d{17}[\dX]", e["id_no"]):
            assert any(re.fullmatch(p, e["id_no"]) for p in OTHER_DOCUMENTS.values())
        elif e["party_type"] == "P":
            assert rid_ok(e["id_no"])
            assert (int(e["id_no"][16]) % 2 == 1) == (e["gender"] == "M")
            assert e["id_no"][6:14] == e["birth_date"]
            assert re.fullmatch(r"1[3-9]\d{9}", e["mobile"])
        else:
            assert uscc_ok(e["id_no"])


def test_organization_codes_are_distinct_even_where_random_bodies_repeat():
    # 300,000 draws repeat some of the 10^8 all-digit bodies; an issued code names one
    # organization, so the generator must not hand one code to two
    import numpy as np

    from ecif.generate.identifiers import org_codes
    codes = np.ascontiguousarray(org_codes(np.random.default_rng(1), 300_000)).view("S9").ravel()
    assert len(set(codes.tolist())) == len(codes)
    assert all(org_code_ok(code.decode()) for code in codes[:2000])


def test_persons_carry_other_documents_consistently_across_systems(big):
    rows = all_rows(big)
    truth = {(t["source_system"], t["source_entity"], t["source_key"], t["source_role"]):
             t["entity_id"] for t in read_truth(big) if t["party_type"] == "P"}
    types: dict[str, set[str]] = defaultdict(set)
    for (system, entity, role), col in ID_COLUMNS.items():
        key = BY_NAME[system, entity].key
        for d in DATES:
            for r in rows[system, entity, d]:
                eid = truth.get((system, entity, r[key], role))
                if eid and r["op"] != "D":
                    types[eid].add(PERSON_ID_CODES[system][r[col]])
    assert all(len(t) == 1 for t in types.values())        # one document per person
    share = Counter(next(iter(t)) for t in types.values())
    other = sum(v for k, v in share.items() if k != "RID") / sum(share.values())
    assert 0.02 < other < 0.08
    assert set(share) == {"RID", "PASSPORT", "MIL", "HKMO", "TW", "HHR", "FPR"}
    # Numbers follow their document's format; resident-ID dirt (15 digits, bad check,
    # lower-case x) never lands on them.
    for d in DATES:
        for r in rows["core", "customer", d]:
            pattern = OTHER_DOCUMENTS.get(r["id_type"])
            value = r["id_no"].translate(FULLWIDTH)
            if pattern and value and len(set(value)) > 1 and value != "123456789012345678":
                assert re.fullmatch(pattern, value), r["id_type"]


def test_referential_integrity(big):
    rows = all_rows(big)

    def keys(system, entity, key):
        return {r[key] for d in DATES for r in rows[system, entity, d] if r["op"] != "D"}

    cust = keys("core", "customer", "cust_no")
    pol = keys("core", "policy", "policy_no")
    claims = keys("claims", "claim", "claim_no")
    leads = keys("telesales", "lead", "lead_id")

    def live(system, entity):
        return [r for d in DATES for r in rows[system, entity, d] if r["op"] != "D"]

    for r in live("core", "policy"):
        assert r["holder_cust_no"] in cust and r["insured_cust_no"] in cust
    uw = live("uw", "uw_case")
    assert any(r["policy_no"] == "" for r in uw)
    assert all(r["policy_no"] in pol for r in uw if r["policy_no"])
    assert all(r["policy_no"] in pol for r in live("claims", "claim"))
    assert all(r["policy_no"] in pol for r in live("finance", "receipt"))
    assert all(r["claim_no"] in claims for r in live("finance", "payout"))
    ev = live("telesales", "contact_event")
    assert all(r["lead_id"] in leads for r in ev if r["lead_id"])
    orgs = [r for r in live("core", "customer") if r["cust_type"] == "2"]
    assert any(r["parent_cust_no"] for r in orgs)
    assert all(r["parent_cust_no"] in cust for r in orgs if r["parent_cust_no"])


def read_truth(root: Path) -> list[dict]:
    with (root / TRUTH_DIR / "mentions.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_truth_covers_every_party_mention(big):
    rows = all_rows(big)
    truth = read_truth(big)
    by_key = {(t["source_system"], t["source_entity"], t["source_key"], t["source_role"]): t
              for t in truth}
    assert len(by_key) == len(truth)
    for system, entity, role in PARTY_ROLES:
        spec = BY_NAME[system, entity]
        final: dict[str, tuple[str, str, str]] = {}
        first: dict[str, str] = {}
        for d in DATES:
            for r in rows[system, entity, d]:
                first.setdefault(r[spec.key], d)
                final[r[spec.key]] = (r["op"], d, first[r[spec.key]])
        named = {k for k, (op, _, _) in final.items()}
        truth_keys = {k[2] for k in by_key if k[:2] == (system, entity) and k[3] == role}
        assert truth_keys <= named
        missing = named - truth_keys
        # only D rows of keys that never existed name no party
        assert all(final[k][0] == "D" and final[k][2] == final[k][1] for k in missing)
        for k in truth_keys:
            t = by_key[system, entity, k, role]
            op, last, fst = final[k]
            assert t["deleted"] == ("true" if op == "D" else "false")
            assert t["last_date"] == last and t["first_date"] == fst
            assert re.fullmatch(r"[PO]\d{7}", t["entity_id"])
            assert t["party_type"] == t["entity_id"][0]
    assert not any((big / s / TRUTH_DIR).exists() for s in SYSTEMS)


def test_truth_labels_every_trap_and_dirt(big):
    truth = read_truth(big)
    traps = Counter(x for t in truth for x in t["traps"].split(";") if x)
    dirt = Counter(x for t in truth for x in t["dirt"].split(";") if x)
    for label in ("placeholder_id", "placeholder_mobile", "agent_mobile", "spouse", "twin",
                  "common_name", "sister_company", "branch"):
        assert traps[label] > 0, label
    for label in ("typo", "fullwidth", "stray_space", "pinyin", "legacy15", "bad_check",
                  "lower_x", "phone_prefix", "changed_mobile", "missing_id", "missing_mobile",
                  "dup_in_system"):
        assert dirt[label] > 0, label


def test_truth_labels_match_the_values(big):
    """A label claims something about the row: check it against the row itself."""
    rows = {r["cust_no"]: r for d in DATES for r in read_rows(big, "core", "customer", d)
            if r["op"] != "D"}
    entities = {e["entity_id"]: e for e in csv.DictReader(
        (big / TRUTH_DIR / "entities.csv").open(encoding="utf-8"))}
    checked = Counter()
    for t in read_truth(big):
        if (t["source_system"], t["source_entity"]) != ("core", "customer") or \
                t["deleted"] == "true":
            continue
        r, e = rows[t["source_key"]], entities[t["entity_id"]]
        labels = set(t["traps"].split(";")) | set(t["dirt"].split(";"))
        if "placeholder_id" in labels:
            assert len(set(r["id_no"])) == 1 or r["id_no"] == "123456789012345678"
            checked["placeholder_id"] += 1
        if "legacy15" in labels:
            assert len(r["id_no"]) == 15 and r["id_no"] == e["id_no"][:6] + e["id_no"][8:17]
            checked["legacy15"] += 1
        if "missing_id" in labels:
            assert r["id_no"] == ""
        if "phone_prefix" in labels:
            assert r["mobile"] != e["mobile"] and re.sub(r"\D", "", r["mobile"]).endswith(
                e["mobile"])
            checked["phone_prefix"] += 1
        if "fullwidth" in labels:
            assert any(ord(c) >= 0xFF01 for c in r["id_no"] + r["mobile"])
        if not labels - {""} and t["party_type"] == "P":
            assert r["id_no"] == e["id_no"] and r["name"] == e["name"]
            checked["clean"] += 1
    assert checked["legacy15"] and checked["phone_prefix"] and checked["clean"]


def test_traps_are_different_people(big):
    entities = {e["entity_id"]: e for e in csv.DictReader(
        (big / TRUTH_DIR / "entities.csv").open(encoding="utf-8"))}
    rels = list(csv.DictReader((big / TRUTH_DIR / "relations.csv").open(encoding="utf-8")))
    kinds = Counter(r["relation"] for r in rels)
    assert {"spouse_of", "twin_of", "branch_of", "sister_of"} <= set(kinds)
    for r in rels:
        a, b = entities[r["entity_id"]], entities[r["related_entity_id"]]
        assert a["entity_id"] != b["entity_id"] and a["id_no"] != b["id_no"]
        if r["relation"] == "spouse_of":
            assert a["mobile"] == b["mobile"]
        if r["relation"] == "twin_of":
            assert a["birth_date"] == b["birth_date"] and a["name"][0] == b["name"][0]
        if r["relation"] == "branch_of":
            assert a["name"].startswith(b["name"]) and a["name"].endswith("分公司")
    names = Counter(e["name"] for e in entities.values() if e["party_type"] == "P")
    assert names.most_common(1)[0][1] > 3       # very common names shared by many people
    assert any("·" in n for n in names)
    assert any(n[:2] in ("欧阳", "司马", "诸葛", "上官", "司徒", "东方", "皇甫", "令狐", "慕容",
                         "公孙", "夏侯", "尉迟") for n in names)


def test_same_person_across_systems(big):
    truth = read_truth(big)
    systems_per_entity = defaultdict(set)
    for t in truth:
        systems_per_entity[t["entity_id"]].add(t["source_system"])
    multi = sum(len(s) >= 3 for s in systems_per_entity.values())
    assert multi > 0.2 * len(systems_per_entity)
    core_per_entity = Counter(t["entity_id"] for t in truth
                              if (t["source_system"], t["source_entity"]) == ("core", "customer"))
    assert any(c >= 2 for c in core_per_entity.values())  # duplicates inside one system


def test_progress_and_counts(tmp_path):
    calls = []
    counts = generate_extracts(tmp_path, 50, 10, 2, seed=1,
                               on_progress=lambda *a: calls.append(a))
    assert calls and calls[-1][1] == calls[-1][2]
    assert set(counts) == {f"{s.system}.{s.entity}" for s in ENTITIES} | {"truth_mentions"}
    for spec in ENTITIES:
        total = sum(json.loads((tmp_path / spec.system / d / spec.file_name).with_suffix(".ok")
                               .read_text())["rows"] for d in DATES[:2])
        assert counts[f"{spec.system}.{spec.entity}"] == total
    assert counts["truth_mentions"] == len(read_truth(tmp_path))
