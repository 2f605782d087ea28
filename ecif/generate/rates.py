"""Every rate the generator uses, in one place: volumes, traps and dirt.

Rates are probabilities per mention (row and role) unless said otherwise.
"""

# --- volumes (per true person / organization) ---------------------------------------
CORE_CUSTOMER_RATE = 0.97        # persons with a core customer row (others: prospects only)
CORE_DUPLICATE_RATE = 0.03       # persons with a second cust_no in core (same person)
AUTO_RATE = 0.55                 # persons holding an AUTO policy chain
OTHER_POLICY_RATE = 0.35         # persons holding an ACCIDENT/HEALTH/PROPERTY policy
AUTO_EXPIRING_RATE = 0.04        # AUTO chains whose current policy expires inside the window
ORG_POLICY_RATE = 0.8            # organizations holding a policy
UW_RATE = 0.40                   # persons appearing in underwriting
UW_PROPOSAL_RATE = 0.15          # uw cases that are proposals not (yet) issued
CLAIM_RATE = 0.10                # persons (with a policy) making a claim
CLAIM_THIRD_PARTY_RATE = 0.15    # claimant is not the holder
LEAD_RATE = 0.30                 # persons appearing as a telesales lead
LEAD_DUPLICATE_RATE = 0.05       # of those, a second lead for the same person
EVENTS_PER_LEAD = 1.5
UNKNOWN_CALLER_RATE = 0.10       # contact events with no lead_id
PAYER_OTHER_RATE = 0.08          # receipts paid by someone else (spouse)
LATE_ARRIVAL_RATE = 0.02         # rows first sent on a DELTA day (inserts), per later day

# --- person documents other than the resident ID (per person, the same in every system) ---
PERSON_DOCUMENT_RATES = {
    "PASSPORT": 0.012,           # 护照
    "HKMO": 0.008,               # 港澳居民来往内地通行证
    "TW": 0.004,                 # 台湾居民来往大陆通行证
    "MIL": 0.004,                # 军官证
    "FPR": 0.003,                # 外国人永久居留身份证
    "HHR": 0.010,                # 户口簿: its number is the resident ID number
}

# --- DELTA operations (per existing row, per DELTA day) --------------------------------
UPDATE_RATE = 0.01
DELETE_RATE = 0.002
CHANGED_MOBILE_RATE = 0.004      # a person's mobile changes (core customer and lead U rows)
UNKNOWN_KEY_U_RATE = 0.002       # per row of an entity: a late insert sent as U (key never
                                 # sent before; spec §3 "the occasional U for an unknown key")
DELETE_UNKNOWN_PER_FILE = 2      # D rows for keys that never existed

# --- traps: must never merge -----------------------------------------------------------
SPOUSE_RATE = 0.10               # persons in a married couple sharing mobile and address
TWIN_RATE = 0.01                 # persons who are one of a pair of twins
COMMON_NAME_RATE = 0.03          # persons given a very common name (张伟, 王芳 …)
MINORITY_RATE = 0.02             # persons with a Uyghur name (买买提·艾力)
PLACEHOLDER_ID_RATE = 0.004      # mentions with 111111111111111111 and the like
PLACEHOLDER_MOBILE_RATE = 0.004  # mentions with 13800000000 and the like
AGENT_MOBILE_RATE = 0.01         # mentions carrying their agent's own mobile
CUSTOMERS_PER_AGENT = 200
ORG_GROUP_RATE = 0.2             # organizations heading a group
SUBSIDIARY_RATE = 0.12           # organizations that are a subsidiary (sister companies)
BRANCH_RATE = 0.10               # organizations that are a branch (北京分公司)

# --- dirt: defects the cleansing layer must handle ---------------------------------------
TYPO_RATE = 0.02                 # one character of the name replaced by a look-alike
FULLWIDTH_RATE = 0.02            # digits/letters/brackets of an identifier or phone full-width
STRAY_SPACE_RATE = 0.02          # blanks around or inside the name
PINYIN_RATE = 0.25               # telesales names written in pinyin
LEGACY15_RATE = 0.03             # 15-digit legacy resident IDs (persons born before 1982)
BAD_CHECK_RATE = 0.01            # resident IDs / USCCs with a wrong check character
LOWER_X_RATE = 0.5               # IDs ending in X written with a lower-case x
PHONE_PREFIX_RATE = 0.06         # mobiles written +86 / 0086 / 86 / with blanks or hyphens
MISSING_ID_RATE = 0.03
MISSING_MOBILE_RATE = 0.05
MISSING_GENDER_RATE = 0.03
ORG_LEGACY_ID_RATE = 0.08        # organizations identified by organization code or BRN
