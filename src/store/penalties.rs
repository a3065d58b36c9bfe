//! 行政处罚决定: the record (`penalties`), its progress (`penalty_states`) and the public name index
//! (`penalty_name_grams`, over what the public view shows).

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::name_index::{postings_are_exact, Candidates, Facets, NameIndex, Posting};
use super::schema::{authorities, penalties, penalty_name_grams, penalty_states};
use super::{corrupt, AnyConn};
use crate::domain::credit_code::CreditCode;
use crate::domain::inspector::CertificateNo;
use crate::domain::penalty::fields::{OtherCodes, PenaltyFields};
use crate::domain::penalty::kinds::{IdType, PartyKind, PenaltyType, Procedure, Severity};
use crate::domain::penalty::number::DecisionNumber;
use crate::domain::penalty::public::PublicRecord;
use crate::domain::penalty::record::{AuthorityLabel, PenaltyRecord, Progress, Workflow};
use crate::domain::penalty::workflow::State;
use crate::domain::text::search_form;

/// What a decision's postings carry: its authority and its decision day, so that a fragment
/// with an authority or a date range skips the other decisions in the posting list itself
/// instead of reading each one (issue 27: ten times faster on the mean for a fragment with an
/// authority and a `from` date, for 1.8 times the postings' disk).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DecisionFacets {
    pub authority_id: i64,
    /// The decision date as days since 1970-01-01 (see [`day_number`]).
    pub decision_day: i32,
}

/// A date as the postings' day number: days since 1970-01-01.
pub fn day_number(d: NaiveDate) -> i32 {
    // Dates that fit a `NaiveDate` are within ±262,143 years: their day numbers fit an i32.
    (d - NaiveDate::default()).num_days() as i32
}

impl DecisionFacets {
    fn of(authority_id: i64, decision_date: NaiveDate) -> DecisionFacets {
        DecisionFacets {
            authority_id,
            decision_day: day_number(decision_date),
        }
    }
}

impl Facets for DecisionFacets {
    const COLUMNS: &'static [&'static str] = &["authority_id", "decision_day"];
    /// A posting list is walked newest decision first.
    const LEAD: Option<&'static str> = Some("decision_day");
    fn lead(&self) -> i64 {
        self.decision_day.into()
    }
    fn serialize_after<S: serde::ser::SerializeSeq>(&self, seq: &mut S) -> Result<(), S::Error> {
        seq.serialize_element(&self.authority_id)?;
        seq.serialize_element(&self.decision_day)
    }
    fn copy_fields(&self, buf: &mut Vec<u8>) {
        super::pg_copy::binary_bigint(buf, self.authority_id);
        super::pg_copy::binary_int(buf, self.decision_day);
    }
    const BYTES: usize = 12;
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.authority_id.to_le_bytes());
        out.extend_from_slice(&self.decision_day.to_le_bytes());
    }
    fn decode(b: &[u8]) -> Self {
        let mut a = [0; 8];
        a.copy_from_slice(&b[..8]);
        let mut d = [0; 4];
        d.copy_from_slice(&b[8..12]);
        DecisionFacets {
            authority_id: i64::from_le_bytes(a),
            decision_day: i32::from_le_bytes(d),
        }
    }
}

/// A bulk load's postings and counts (see [`insert_many`]).
pub type Tally = super::name_index::Tally<DecisionFacets>;

/// The public name index of decisions.
pub const NAME_INDEX: NameIndex<DecisionFacets> = NameIndex {
    table: "penalty_name_grams",
    owner: "penalty_id",
    counts: "penalty_name_gram_counts",
    copy_postings,
    rebuild_lock: 0x0067_6f6e_6770_656e, // "gongpen"
};

fn copy_postings(
    c: &mut diesel::PgConnection,
    postings: &[Posting<DecisionFacets>],
) -> QueryResult<usize> {
    diesel::copy_from(penalty_name_grams::table)
        .from_raw_data(
            (
                penalty_name_grams::gram,
                penalty_name_grams::penalty_id,
                penalty_name_grams::authority_id,
                penalty_name_grams::decision_day,
            ),
            |w| super::name_index::stream_postings(w, postings),
        )
        .with_format(diesel::pg::CopyFormat::Binary)
        .execute(c)
}

/// What the public search matches for a decision: its public name and its number, each in
/// search form, separated by a space (never in a search form, so no query spans the two). The
/// public finds a decision by what its view shows and by nothing else.
fn search_text(public_name: &str, number: &DecisionNumber) -> String {
    let name: String = search_form(public_name).into_iter().collect();
    let number: String = search_form(number.as_str()).into_iter().collect();
    format!("{name} {number}")
}

/// The index keys of the public name and of the number.
fn index_keys_of(public_name: &str, number: &DecisionNumber) -> Vec<i64> {
    let mut keys = super::name_index::name_keys(public_name);
    keys.extend(super::name_index::name_keys(number.as_str()));
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The private fields, kept in one column that no public view reads.
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Private {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    address: Option<String>,
    #[serde(default)]
    other_codes: OtherCodes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    internal_notes: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = penalties)]
struct PenaltyRow {
    id: i64,
    authority_id: i64,
    decision_number: String,
    party_kind: String,
    party_name: String,
    public_name: String,
    party_credit_code: Option<String>,
    legal_representative: Option<String>,
    private_json: String,
    violation_type: String,
    facts: String,
    legal_basis: String,
    penalty_types: String,
    content: String,
    fine_fen: Option<i64>,
    confiscation_fen: Option<i64>,
    licence_affected: Option<String>,
    decision_date: NaiveDate,
    procedure: String,
    severity: String,
    severity_reason: Option<String>,
    case_officers: String,
    entity_credit_code: Option<String>,
    imported: bool,
    created_by: String,
    created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = penalty_states)]
struct StateRow {
    state: String,
    version: i32,
    workflow_json: String,
    publication_deadline: NaiveDate,
    publication_deadline_provisional: bool,
    publicity_min_end: NaiveDate,
    publicity_max_end: NaiveDate,
    published_at: Option<NaiveDateTime>,
    published_on: Option<NaiveDate>,
    working_days_late: Option<i32>,
    withdrawal_event_date: Option<NaiveDate>,
    withdrawal_deadline: Option<NaiveDate>,
    withdrawal_deadline_provisional: Option<bool>,
    withdrawn_on: Option<NaiveDate>,
    updated_at: NaiveDateTime,
}

/// The public columns of a decision (`public_search`).
#[derive(Queryable, Selectable)]
#[diesel(table_name = penalties)]
struct PublicRow {
    id: i64,
    authority_id: i64,
    decision_number: String,
    party_kind: String,
    public_name: String,
    party_credit_code: Option<String>,
    legal_representative: Option<String>,
    violation_type: String,
    facts: String,
    legal_basis: String,
    penalty_types: String,
    content: String,
    fine_fen: Option<i64>,
    confiscation_fen: Option<i64>,
    licence_affected: Option<String>,
    decision_date: NaiveDate,
}

/// The public columns of a decision's progress (`public_search`); the workflow is read for the
/// withdrawal's public reason only.
#[derive(Queryable, Selectable)]
#[diesel(table_name = penalty_states)]
struct PublicStateRow {
    state: String,
    workflow_json: String,
    publicity_max_end: NaiveDate,
    published_on: Option<NaiveDate>,
    withdrawn_on: Option<NaiveDate>,
}

fn json<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> QueryResult<T> {
    serde_json::from_str(s).map_err(|_| corrupt(what, s))
}

/// The stored JSON list of penalty type codes, read back.
fn penalty_types(stored: &str) -> QueryResult<BTreeSet<PenaltyType>> {
    let types: Vec<String> = json("penalty types", stored)?;
    types
        .iter()
        .map(|t| PenaltyType::parse(t).ok_or_else(|| corrupt("penalty type", t)))
        .collect()
}

/// A stored decision number, read back.
fn decision_number(stored: &str) -> QueryResult<DecisionNumber> {
    DecisionNumber::parse(stored).map_err(|_| corrupt("decision number", stored))
}

/// A stored credit code, read back.
fn credit_code(stored: &Option<String>, what: &str) -> QueryResult<Option<CreditCode>> {
    stored
        .as_deref()
        .map(|c| CreditCode::parse(c).map_err(|_| corrupt(what, c)))
        .transpose()
}

fn record(p: PenaltyRow, s: StateRow) -> QueryResult<PenaltyRecord> {
    let private: Private = json("private fields", &p.private_json)?;
    let penalty_types = penalty_types(&p.penalty_types)?;
    let officers: Vec<String> = json("case officers", &p.case_officers)?;
    let case_officers = officers
        .iter()
        .map(|o| CertificateNo::parse(o).map_err(|_| corrupt("certificate number", o)))
        .collect::<QueryResult<Vec<_>>>()?;
    let number = decision_number(&p.decision_number)?;
    let fields = PenaltyFields {
        decision_number: Some(number.clone()),
        party_kind: PartyKind::parse(&p.party_kind)
            .ok_or_else(|| corrupt("party kind", &p.party_kind))?,
        party_name: p.party_name,
        party_credit_code: credit_code(&p.party_credit_code, "party credit code")?,
        party_other_codes: private.other_codes,
        legal_representative: p.legal_representative,
        party_id_type: private
            .id_type
            .as_deref()
            .map(|t| IdType::parse(t).ok_or_else(|| corrupt("ID type", t)))
            .transpose()?,
        party_id_number: private.id_number,
        party_address: private.address,
        violation_type: p.violation_type,
        facts: p.facts,
        legal_basis: p.legal_basis,
        penalty_types,
        content: p.content,
        fine_fen: p.fine_fen,
        confiscation_fen: p.confiscation_fen,
        licence_affected: p.licence_affected,
        decision_date: p.decision_date,
        procedure: Procedure::parse(&p.procedure)
            .ok_or_else(|| corrupt("procedure", &p.procedure))?,
        severity: Severity::parse(&p.severity).ok_or_else(|| corrupt("severity", &p.severity))?,
        severity_reason: p.severity_reason,
        case_officers,
        entity_credit_code: credit_code(&p.entity_credit_code, "entity credit code")?,
        internal_notes: private.internal_notes,
    };
    Ok(PenaltyRecord {
        id: p.id,
        authority_id: p.authority_id,
        decision_number: number,
        fields,
        public_name: p.public_name,
        imported: p.imported,
        created_by: p.created_by,
        created_at: p.created_at,
        progress: Progress {
            state: State::parse(&s.state).ok_or_else(|| corrupt("state", &s.state))?,
            version: s.version,
            workflow: json::<Workflow>("workflow", &s.workflow_json)?,
            publication_deadline: s.publication_deadline,
            publication_deadline_provisional: s.publication_deadline_provisional,
            publicity_min_end: s.publicity_min_end,
            publicity_max_end: s.publicity_max_end,
            published_at: s.published_at,
            published_on: s.published_on,
            working_days_late: s.working_days_late,
            withdrawal_event_date: s.withdrawal_event_date,
            withdrawal_deadline: s.withdrawal_deadline,
            withdrawal_deadline_provisional: s.withdrawal_deadline_provisional,
            withdrawn_on: s.withdrawn_on,
            updated_at: s.updated_at,
        },
    })
}

fn public_record(p: PublicRow, s: PublicStateRow) -> QueryResult<PublicRecord> {
    let penalty_types = penalty_types(&p.penalty_types)?;
    #[derive(serde::Deserialize)]
    struct Reason {
        #[serde(default)]
        withdrawal_reason: Option<String>,
    }
    let reason: Reason = json("workflow", &s.workflow_json)?;
    Ok(PublicRecord {
        id: p.id,
        authority_id: p.authority_id,
        decision_number: decision_number(&p.decision_number)?,
        party_kind: PartyKind::parse(&p.party_kind)
            .ok_or_else(|| corrupt("party kind", &p.party_kind))?,
        public_name: p.public_name,
        party_credit_code: credit_code(&p.party_credit_code, "party credit code")?,
        legal_representative: p.legal_representative,
        violation_type: p.violation_type,
        facts: p.facts,
        legal_basis: p.legal_basis,
        penalty_types,
        content: p.content,
        fine_fen: p.fine_fen,
        confiscation_fen: p.confiscation_fen,
        licence_affected: p.licence_affected,
        decision_date: p.decision_date,
        state: State::parse(&s.state).ok_or_else(|| corrupt("state", &s.state))?,
        published_on: s.published_on,
        publicity_max_end: s.publicity_max_end,
        withdrawn_on: s.withdrawn_on,
        withdrawal_reason: reason.withdrawal_reason,
    })
}

fn private_json(f: &PenaltyFields) -> String {
    serde_json::to_string(&Private {
        id_type: f.party_id_type.map(|t| t.code().to_string()),
        id_number: f.party_id_number.clone(),
        address: f.party_address.clone(),
        other_codes: f.party_other_codes.clone(),
        internal_notes: f.internal_notes.clone(),
    })
    .unwrap_or_default()
}

fn codes_json<T>(items: impl Iterator<Item = T>, code: impl Fn(T) -> String) -> String {
    serde_json::to_string(&items.map(code).collect::<Vec<_>>()).unwrap_or_default()
}

/// Whether `authority` already has a decision with this number (in any spelling).
pub fn number_taken(
    conn: &mut AnyConn,
    authority: i64,
    number: &DecisionNumber,
    except: Option<i64>,
) -> QueryResult<bool> {
    let mut q = penalties::table
        .filter(penalties::authority_id.eq(authority))
        .filter(penalties::number_key.eq(number.key()))
        .select(penalties::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(penalties::id.ne(id));
    }
    Ok(q.first::<i64>(conn).optional()?.is_some())
}

/// What a new decision's row holds besides its fields.
pub struct NewPenalty<'a> {
    pub authority_id: i64,
    pub number: &'a DecisionNumber,
    pub fields: &'a PenaltyFields,
    pub public_name: &'a str,
    pub imported: bool,
    pub created_by: &'a str,
    pub progress: &'a Progress,
    /// The import it came in with (the file's SHA-256), if any.
    pub import_id: Option<&'a str>,
}

/// Inserts a decision, its progress and its index keys. Call inside a write transaction.
pub fn insert(conn: &mut AnyConn, new: NewPenalty<'_>, now: NaiveDateTime) -> QueryResult<i64> {
    let id = insert_row(conn, &new, now)?;
    let keys = index_keys_of(new.public_name, new.number);
    let facets = DecisionFacets::of(new.authority_id, new.fields.decision_date);
    NAME_INDEX.insert(
        conn,
        keys.into_iter()
            .map(|g| Posting::new(g, id, facets))
            .collect(),
    )?;
    Ok(id)
}

/// One decision's record and progress, by INSERT; returns its id.
fn insert_row(conn: &mut AnyConn, n: &NewPenalty<'_>, now: NaiveDateTime) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(penalties::table)
        .values((
            penalties::authority_id.eq(n.authority_id),
            record_values(n.number, n.fields, n.public_name),
            penalties::imported.eq(n.imported),
            penalties::created_by.eq(n.created_by),
            penalties::created_at.eq(now),
            penalties::import_id.eq(n.import_id),
        ))
        .returning(penalties::id)
        .get_result(conn)?;
    diesel::insert_into(penalty_states::table)
        .values((penalty_states::penalty_id.eq(id), state_values(n.progress)))
        .execute(conn)?;
    Ok(id)
}

/// Inserts new decisions (a bulk load: an import) with their lives; returns their ids in input
/// order. Their index postings are counted in `tally`, which [`write_name_index`] must write
/// before the transaction ends. Call inside a write transaction.
pub fn insert_many(
    conn: &mut AnyConn,
    new: &[NewPenalty<'_>],
    now: NaiveDateTime,
    tally: &mut Tally,
) -> QueryResult<Vec<i64>> {
    let ids = match conn {
        AnyConn::Pg(c) => copy_penalties(c, new, now)?,
        AnyConn::Sqlite(_) => new
            .iter()
            .map(|n| insert_row(conn, n, now))
            .collect::<QueryResult<Vec<i64>>>()?,
    };
    let mut postings = Vec::with_capacity(new.len() * 16);
    for (n, &id) in new.iter().zip(&ids) {
        let facets = DecisionFacets::of(n.authority_id, n.fields.decision_date);
        postings.extend(
            index_keys_of(n.public_name, n.number)
                .into_iter()
                .map(|g| Posting::new(g, id, facets)),
        );
    }
    NAME_INDEX.insert_tallied(conn, postings, tally)?;
    Ok(ids)
}

/// Writes the index postings and counts a bulk load gathered (see [`insert_many`]).
pub fn write_name_index(conn: &mut AnyConn, tally: Tally) -> QueryResult<()> {
    NAME_INDEX.write_tally(conn, tally)
}

/// PostgreSQL's bulk path for new decisions: ids drawn from the sequence, the records and
/// their lives sent by COPY.
fn copy_penalties(
    c: &mut diesel::PgConnection,
    new: &[NewPenalty<'_>],
    now: NaiveDateTime,
) -> QueryResult<Vec<i64>> {
    let ids = super::pg_copy::reserve_ids(c, "penalties", new.len())?;
    let mut records = super::pg_copy::Rows::with_capacity(new.len() * 900);
    let mut lives = super::pg_copy::Rows::with_capacity(new.len() * 200);
    for (&id, n) in ids.iter().zip(new) {
        let v = record_values(n.number, n.fields, n.public_name);
        records
            .int(id)
            .int(n.authority_id)
            .text(Some(&v.decision_number))
            .text(Some(&v.number_key))
            .text(Some(v.party_kind))
            .text(Some(&v.party_name))
            .text(Some(&v.public_name))
            .text(Some(&v.search_text))
            .text(v.party_credit_code.as_deref())
            .text(v.legal_representative.as_deref())
            .text(Some(&v.private_json))
            .text(Some(&v.violation_type))
            .text(Some(&v.facts))
            .text(Some(&v.legal_basis))
            .text(Some(&v.penalty_types))
            .text(Some(&v.content))
            .int_or_null(v.fine_fen)
            .int_or_null(v.confiscation_fen)
            .text(v.licence_affected.as_deref())
            .date(Some(v.decision_date))
            .text(Some(v.procedure))
            .text(Some(v.severity))
            .text(v.severity_reason.as_deref())
            .text(Some(&v.case_officers))
            .text(v.entity_credit_code.as_deref())
            .bool(Some(n.imported))
            .text(Some(n.created_by))
            .timestamp(now)
            .text(n.import_id);
        records.end_row();
        let l = state_values(n.progress);
        lives
            .int(id)
            .text(Some(l.state))
            .int(i64::from(l.version))
            .text(Some(&l.workflow_json))
            .date(Some(l.publication_deadline))
            .bool(Some(l.publication_deadline_provisional))
            .date(Some(l.publicity_min_end))
            .date(Some(l.publicity_max_end))
            .timestamp_or_null(l.published_at)
            .date(l.published_on)
            .int_or_null(l.working_days_late.map(i64::from))
            .date(l.withdrawal_event_date)
            .date(l.withdrawal_deadline)
            .bool(l.withdrawal_deadline_provisional)
            .date(l.withdrawn_on)
            .timestamp(l.updated_at);
        lives.end_row();
    }
    use penalties::dsl as p;
    diesel::copy_from(penalties::table)
        .from_raw_data(
            (
                p::id,
                p::authority_id,
                p::decision_number,
                p::number_key,
                p::party_kind,
                p::party_name,
                p::public_name,
                p::search_text,
                p::party_credit_code,
                p::legal_representative,
                p::private_json,
                p::violation_type,
                p::facts,
                p::legal_basis,
                p::penalty_types,
                p::content,
                p::fine_fen,
                p::confiscation_fen,
                p::licence_affected,
                p::decision_date,
                p::procedure,
                p::severity,
                p::severity_reason,
                p::case_officers,
                p::entity_credit_code,
                p::imported,
                p::created_by,
                p::created_at,
                p::import_id,
            ),
            |w| {
                w.write_all(records.bytes())
                    .map_err(super::pg_copy::write_error)
            },
        )
        .execute(c)?;
    use penalty_states::dsl as s;
    diesel::copy_from(penalty_states::table)
        .from_raw_data(
            (
                s::penalty_id,
                s::state,
                s::version,
                s::workflow_json,
                s::publication_deadline,
                s::publication_deadline_provisional,
                s::publicity_min_end,
                s::publicity_max_end,
                s::published_at,
                s::published_on,
                s::working_days_late,
                s::withdrawal_event_date,
                s::withdrawal_deadline,
                s::withdrawal_deadline_provisional,
                s::withdrawn_on,
                s::updated_at,
            ),
            |w| {
                w.write_all(lives.bytes())
                    .map_err(super::pg_copy::write_error)
            },
        )
        .execute(c)?;
    Ok(ids)
}

/// A decision's fields in their stored form: the INSERT's and the draft UPDATE's columns.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = penalties, treat_none_as_null = true)]
struct RecordValues {
    decision_number: String,
    number_key: String,
    party_kind: &'static str,
    party_name: String,
    public_name: String,
    search_text: String,
    party_credit_code: Option<String>,
    legal_representative: Option<String>,
    private_json: String,
    violation_type: String,
    facts: String,
    legal_basis: String,
    penalty_types: String,
    content: String,
    fine_fen: Option<i64>,
    confiscation_fen: Option<i64>,
    licence_affected: Option<String>,
    decision_date: NaiveDate,
    procedure: &'static str,
    severity: &'static str,
    severity_reason: Option<String>,
    case_officers: String,
    entity_credit_code: Option<String>,
}

fn record_values(number: &DecisionNumber, f: &PenaltyFields, public_name: &str) -> RecordValues {
    RecordValues {
        decision_number: number.to_string(),
        number_key: number.key(),
        party_kind: f.party_kind.code(),
        party_name: f.party_name.clone(),
        public_name: public_name.to_string(),
        search_text: search_text(public_name, number),
        party_credit_code: f.party_credit_code.as_ref().map(|c| c.to_string()),
        legal_representative: f.legal_representative.clone(),
        private_json: private_json(f),
        violation_type: f.violation_type.clone(),
        facts: f.facts.clone(),
        legal_basis: f.legal_basis.clone(),
        penalty_types: codes_json(f.penalty_types.iter(), |t| t.code().into()),
        content: f.content.clone(),
        fine_fen: f.fine_fen,
        confiscation_fen: f.confiscation_fen,
        licence_affected: f.licence_affected.clone(),
        decision_date: f.decision_date,
        procedure: f.procedure.code(),
        severity: f.severity.code(),
        severity_reason: f.severity_reason.clone(),
        case_officers: codes_json(f.case_officers.iter(), |c| c.as_str().to_string()),
        entity_credit_code: f.entity_credit_code.as_ref().map(|c| c.to_string()),
    }
}

/// A decision's progress in its stored form.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = penalty_states, treat_none_as_null = true)]
struct StateValues {
    state: &'static str,
    version: i32,
    workflow_json: String,
    publication_deadline: NaiveDate,
    publication_deadline_provisional: bool,
    publicity_min_end: NaiveDate,
    publicity_max_end: NaiveDate,
    published_at: Option<NaiveDateTime>,
    published_on: Option<NaiveDate>,
    working_days_late: Option<i32>,
    withdrawal_event_date: Option<NaiveDate>,
    withdrawal_deadline: Option<NaiveDate>,
    withdrawal_deadline_provisional: Option<bool>,
    withdrawn_on: Option<NaiveDate>,
    updated_at: NaiveDateTime,
}

fn state_values(l: &Progress) -> StateValues {
    StateValues {
        state: l.state.code(),
        version: l.version,
        workflow_json: serde_json::to_string(&l.workflow).unwrap_or_default(),
        publication_deadline: l.publication_deadline,
        publication_deadline_provisional: l.publication_deadline_provisional,
        publicity_min_end: l.publicity_min_end,
        publicity_max_end: l.publicity_max_end,
        published_at: l.published_at,
        published_on: l.published_on,
        working_days_late: l.working_days_late,
        withdrawal_event_date: l.withdrawal_event_date,
        withdrawal_deadline: l.withdrawal_deadline,
        withdrawal_deadline_provisional: l.withdrawal_deadline_provisional,
        withdrawn_on: l.withdrawn_on,
        updated_at: l.updated_at,
    }
}

/// Writes `progress` if the stored version is still `expected`; `false` when someone changed the
/// decision first (two reviewers publishing at once: one wins). Call inside a write transaction.
pub fn update_progress_if_version(
    conn: &mut AnyConn,
    id: i64,
    expected: i32,
    progress: &Progress,
) -> QueryResult<bool> {
    let n = diesel::update(
        penalty_states::table
            .filter(penalty_states::penalty_id.eq(id))
            .filter(penalty_states::version.eq(expected)),
    )
    .set(state_values(progress))
    .execute(conn)?;
    Ok(n == 1)
}

/// Replaces a draft's fields (and its index keys). Call inside a write transaction, after
/// [`update_progress_if_version`] succeeded.
pub fn update_fields(
    conn: &mut AnyConn,
    before: &PenaltyRecord,
    number: &DecisionNumber,
    f: &PenaltyFields,
    public_name: &str,
) -> QueryResult<()> {
    diesel::update(penalties::table.filter(penalties::id.eq(before.id)))
        .set(record_values(number, f, public_name))
        .execute(conn)?;
    let old = index_keys_of(&before.public_name, &before.decision_number);
    let new = index_keys_of(public_name, number);
    NAME_INDEX.replace_keys(
        conn,
        before.id,
        (
            &old,
            DecisionFacets::of(before.authority_id, before.fields.decision_date),
        ),
        (
            &new,
            DecisionFacets::of(before.authority_id, f.decision_date),
        ),
    )
}

pub fn by_id(conn: &mut AnyConn, id: i64) -> QueryResult<Option<PenaltyRecord>> {
    penalties::table
        .inner_join(penalty_states::table)
        .filter(penalties::id.eq(id))
        .select((PenaltyRow::as_select(), StateRow::as_select()))
        .first::<(PenaltyRow, StateRow)>(conn)
        .optional()?
        .map(|(p, s)| record(p, s))
        .transpose()
}

/// What a listing asks for.
#[derive(Debug, Clone, Default)]
pub struct PenaltyQuery {
    /// A name or number fragment in search form.
    pub text: Vec<char>,
    /// A whole decision number's key: when set, it is what `text` matches (see
    /// `domain::penalty::number::whole_number_key`), found through its index.
    pub number_key: Option<String>,
    pub credit_code: Option<String>,
    pub authority_id: Option<i64>,
    pub penalty_type: Option<PenaltyType>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only decisions in these states (empty: any).
    pub states: Vec<State>,
    /// Only decisions whose publicity lasts at least until this day.
    pub shown_on: Option<NaiveDate>,
    /// Only the decisions after this place in the order (a page's continuation).
    pub after: Option<Place>,
    pub limit: i64,
}

/// A place in the order every listing walks decisions in: newest decision date first, and on
/// one day the last logged first. The decisions after a place are the older ones, and those of
/// its day logged before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub date: NaiveDate,
    pub id: i64,
}

impl Place {
    pub fn of(r: &PenaltyRecord) -> Place {
        Place {
            date: r.fields.decision_date,
            id: r.id,
        }
    }
}

/// `$query` kept to decisions in one of `$states` (any state when empty). One or two states as
/// equalities, not `IN (…)`: diesel prepares a statement with a list of values afresh every
/// time, one without is prepared once per connection (issue 27's profile: preparing was a tenth
/// of a credit-code search).
macro_rules! in_states {
    ($query:expr, $states:expr) => {
        match $states.as_slice() {
            [] => $query,
            [one] => $query.filter(penalty_states::state.eq(one.code())),
            [a, b] => $query.filter(
                penalty_states::state
                    .eq(a.code())
                    .or(penalty_states::state.eq(b.code())),
            ),
            many => $query.filter(penalty_states::state.eq_any(many.iter().map(|s| s.code()))),
        }
    };
}

/// The rows matching `q` as `$select` (a tuple of selectable rows) reads them: one query
/// shape for the staff's whole records and the public's public columns. `$decisions!()` is the
/// caller's join of the decisions with what it selects from (their states, and the authorities
/// when it reads their labels).
macro_rules! matching {
    ($conn:expr, $q:expr, $decisions:ident, $select:expr, $row:ty) => {{
        let conn: &mut AnyConn = $conn;
        let q: &PenaltyQuery = $q;
        let plan = if q.text.is_empty() || q.number_key.is_some() {
            Candidates::Scan
        } else {
            NAME_INDEX.plan(conn, &q.text)?
        };
        // A posting list that holds exactly the names with the query needs no text check (and
        // PostgreSQL, unable to estimate a LIKE, planned the walk badly with one).
        let check_text = !q.text.is_empty()
            && q.number_key.is_none()
            && !(matches!(plan, Candidates::Postings(_)) && postings_are_exact(&q.text));
        macro_rules! with_filters {
            ($query:expr) => {{
                let mut query = $query;
                if check_text {
                    // Search forms hold only letters and digits: no LIKE wildcard can appear.
                    let text: String = q.text.iter().collect();
                    query = query.filter(penalties::search_text.like(format!("%{text}%")));
                }
                if let Some(t) = q.penalty_type {
                    // The types are a JSON list of codes: a quoted code matches only itself.
                    query =
                        query.filter(penalties::penalty_types.like(format!("%\"{}\"%", t.code())));
                }
                if let Some(c) = &q.credit_code {
                    query = query.filter(penalties::party_credit_code.eq(c.clone()));
                }
                if let Some(a) = q.authority_id {
                    query = query.filter(penalties::authority_id.eq(a));
                }
                if let Some(from) = q.from {
                    query = query.filter(penalties::decision_date.ge(from));
                }
                if let Some(to) = q.to {
                    query = query.filter(penalties::decision_date.le(to));
                }
                query = in_states!(query, q.states);
                if let Some(day) = q.shown_on {
                    query = query
                        .filter(penalties::decision_date.le(day))
                        .filter(penalty_states::publicity_max_end.ge(day));
                }
                query
            }};
        }
        // Newest first, from the place on (`penalties_newest` is the walk's index).
        macro_rules! newest {
            ($query:expr) => {{
                let mut query =
                    $query.order((penalties::decision_date.desc(), penalties::id.desc()));
                if let Some(p) = q.after {
                    query = query.filter(penalties::decision_date.le(p.date)).filter(
                        penalties::decision_date
                            .lt(p.date)
                            .or(penalties::id.lt(p.id)),
                    );
                }
                query
            }};
        }
        if let Some(key) = &q.number_key {
            // The few decisions with this number (one per authority at most), found by the key's
            // index first; then the other filters over just those.
            let ids: Vec<i64> = penalties::table
                .filter(penalties::number_key.eq(key))
                .select(penalties::id)
                .load(conn)?;
            let rows: Vec<$row> = with_filters!(newest!($decisions!()
                .filter(penalties::id.eq_any(ids))
                .limit(q.limit)
                .select($select)
                .into_boxed()))
            .load(conn)?;
            return Ok(rows);
        }
        let rows: Vec<$row> = match plan {
            Candidates::Empty => Vec::new(),
            Candidates::Postings(gram) => {
                let mut query = with_filters!(penalty_name_grams::table
                    .inner_join($decisions!())
                    .filter(penalty_name_grams::gram.eq(gram))
                    .order((
                        penalty_name_grams::decision_day.desc(),
                        penalty_name_grams::penalty_id.desc(),
                    ))
                    .limit(q.limit)
                    .select($select)
                    .into_boxed());
                // Walks the key's postings from the place on, in the primary key's order.
                if let Some(p) = q.after {
                    let day = day_number(p.date);
                    query = query
                        .filter(penalty_name_grams::decision_day.le(day))
                        .filter(
                            penalty_name_grams::decision_day
                                .lt(day)
                                .or(penalty_name_grams::penalty_id.lt(p.id)),
                        );
                }
                // The same filters on the postings' facets: a posting of another authority or
                // day is passed over without reading its decision.
                if let Some(a) = q.authority_id {
                    query = query.filter(penalty_name_grams::authority_id.eq(a));
                }
                if let Some(from) = q.from {
                    query = query.filter(penalty_name_grams::decision_day.ge(day_number(from)));
                }
                if let Some(to) = [q.to, q.shown_on].into_iter().flatten().min() {
                    query = query.filter(penalty_name_grams::decision_day.le(day_number(to)));
                }
                query.load(conn)?
            }
            Candidates::Range(lo, hi) => with_filters!(newest!($decisions!()
                .filter(
                    penalties::id.eq_any(
                        penalty_name_grams::table
                            .filter(penalty_name_grams::gram.between(lo, hi))
                            .select(penalty_name_grams::penalty_id),
                    ),
                )
                .limit(q.limit)
                .select($select)
                .into_boxed()))
            .load(conn)?,
            Candidates::Scan => with_filters!(newest!($decisions!()
                .limit(q.limit)
                .select($select)
                .into_boxed()))
            .load(conn)?,
        };
        Ok(rows)
    }};
}

/// Decisions matching `q`, newest decision date first (see [`Place`]).
///
/// A text query of two or more characters walks, in that order, the posting list of its rarest
/// index key joined to the decisions (as the directory's search does), so it stops as soon as
/// `limit` rows match; it never collects a common key's whole posting list first.
pub fn search(conn: &mut AnyConn, q: &PenaltyQuery) -> QueryResult<Vec<PenaltyRecord>> {
    let rows: QueryResult<Vec<(PenaltyRow, StateRow)>> = (|| {
        macro_rules! decisions {
            () => {
                penalties::table.inner_join(penalty_states::table)
            };
        }
        matching!(
            conn,
            q,
            decisions,
            (PenaltyRow::as_select(), StateRow::as_select()),
            (PenaltyRow, StateRow)
        )
    })();
    rows?.into_iter().map(|(p, s)| record(p, s)).collect()
}

/// How many decisions match `q` (its place and limit aside), counted up to `cap`: the same walk
/// as [`search`], reading only ids, so a count costs at most `cap` rows of it.
///
/// A name fragment whose other filters are all on the postings' facets and the states (the
/// public list's usual question) is counted on those two alone, never reading a decision's wide
/// row: a thousand postings and their states are a few pages, a thousand decisions are a
/// thousand (issue 28's first measurement: 50 ms a count at a million decisions).
pub fn count_up_to(conn: &mut AnyConn, q: &PenaltyQuery, cap: i64) -> QueryResult<i64> {
    let q = PenaltyQuery {
        after: None,
        limit: cap,
        ..q.clone()
    };
    let facets_suffice = q.number_key.is_none()
        && q.credit_code.is_none()
        && q.penalty_type.is_none()
        && postings_are_exact(&q.text);
    if facets_suffice {
        if let Candidates::Postings(gram) = NAME_INDEX.plan(conn, &q.text)? {
            let mut query = penalty_name_grams::table
                .inner_join(
                    penalty_states::table
                        .on(penalty_states::penalty_id.eq(penalty_name_grams::penalty_id)),
                )
                .filter(penalty_name_grams::gram.eq(gram))
                .select(penalty_name_grams::penalty_id)
                .limit(cap)
                .into_boxed();
            if let Some(a) = q.authority_id {
                query = query.filter(penalty_name_grams::authority_id.eq(a));
            }
            if let Some(from) = q.from {
                query = query.filter(penalty_name_grams::decision_day.ge(day_number(from)));
            }
            if let Some(to) = [q.to, q.shown_on].into_iter().flatten().min() {
                query = query.filter(penalty_name_grams::decision_day.le(day_number(to)));
            }
            if let Some(day) = q.shown_on {
                query = query.filter(penalty_states::publicity_max_end.ge(day));
            }
            query = in_states!(query, q.states);
            let ids: Vec<i64> = query.load(conn)?;
            return Ok(ids.len() as i64);
        }
    }
    let ids: QueryResult<Vec<i64>> = (|| {
        macro_rules! decisions {
            () => {
                penalties::table.inner_join(penalty_states::table)
            };
        }
        matching!(conn, &q, decisions, penalties::id, i64)
    })();
    Ok(ids?.len() as i64)
}

/// One decision's public columns (`public_search`'s reading of one id).
pub fn public_by_id(conn: &mut AnyConn, id: i64) -> QueryResult<Option<PublicRecord>> {
    penalties::table
        .inner_join(penalty_states::table)
        .filter(penalties::id.eq(id))
        .select((PublicRow::as_select(), PublicStateRow::as_select()))
        .first::<(PublicRow, PublicStateRow)>(conn)
        .optional()?
        .map(|(p, s)| public_record(p, s))
        .transpose()
}

/// [`search`] for the public: the same query reading only the public columns
/// (`domain::penalty::public`), never the private fields, the unmasked name, the notes, the case
/// officers or the staff; with the labels of the authorities the decisions name (read in the same
/// query, each parsed once).
pub fn public_search(
    conn: &mut AnyConn,
    q: &PenaltyQuery,
) -> QueryResult<(Vec<PublicRecord>, Vec<AuthorityLabel>)> {
    type Labelled = (PublicRow, PublicStateRow, (String, String));
    let rows: QueryResult<Vec<Labelled>> = (|| {
        macro_rules! decisions {
            () => {
                penalties::table
                    .inner_join(penalty_states::table)
                    .inner_join(authorities::table)
            };
        }
        matching!(
            conn,
            q,
            decisions,
            (
                PublicRow::as_select(),
                PublicStateRow::as_select(),
                (authorities::name, authorities::credit_code)
            ),
            Labelled
        )
    })();
    let mut labels: Vec<AuthorityLabel> = Vec::new();
    let mut records = Vec::new();
    for (p, s, (name, code)) in rows? {
        if !labels.iter().any(|a| a.id == p.authority_id) {
            labels.push(AuthorityLabel {
                id: p.authority_id,
                name,
                credit_code: CreditCode::parse(&code)
                    .map_err(|_| corrupt("authority credit code", &code))?,
            });
        }
        records.push(public_record(p, s)?);
    }
    Ok((records, labels))
}

/// Calls `each` with every decision matching `q` (its `after` and `limit` aside), a thousand at
/// a time newest first: how the exports walk a province's decisions without holding them all.
pub fn each_batch<E: From<diesel::result::Error>>(
    conn: &mut AnyConn,
    mut q: PenaltyQuery,
    mut each: impl FnMut(&[PenaltyRecord]) -> Result<(), E>,
) -> Result<(), E> {
    q.after = None;
    q.limit = 1_000;
    loop {
        let batch = search(conn, &q)?;
        let Some(last) = batch.last() else {
            return Ok(());
        };
        q.after = Some(Place::of(last));
        each(&batch)?;
    }
}

/// Every decision with a provisional deadline (to recompute after a calendar year is loaded).
pub fn with_provisional_deadlines(conn: &mut AnyConn) -> QueryResult<Vec<PenaltyRecord>> {
    penalties::table
        .inner_join(penalty_states::table)
        .filter(
            penalty_states::publication_deadline_provisional
                .eq(true)
                .or(penalty_states::withdrawal_deadline_provisional.eq(true)),
        )
        .order(penalties::id.asc())
        .select((PenaltyRow::as_select(), StateRow::as_select()))
        .load::<(PenaltyRow, StateRow)>(conn)?
        .into_iter()
        .map(|(p, s)| record(p, s))
        .collect()
}

/// Loaded rows as records.
fn records(rows: Vec<(PenaltyRow, StateRow)>) -> QueryResult<Vec<PenaltyRecord>> {
    rows.into_iter().map(|(p, s)| record(p, s)).collect()
}

/// Decisions not yet published (draft, submitted, approved), optionally of one authority.
pub fn unpublished(conn: &mut AnyConn, authority: Option<i64>) -> QueryResult<Vec<PenaltyRecord>> {
    let mut q = penalties::table
        .inner_join(penalty_states::table)
        .filter(penalty_states::state.eq_any(["draft", "submitted", "approved"]))
        .order(penalty_states::publication_deadline.asc())
        .select((PenaltyRow::as_select(), StateRow::as_select()))
        .into_boxed();
    if let Some(a) = authority {
        q = q.filter(penalties::authority_id.eq(a));
    }
    records(q.load::<(PenaltyRow, StateRow)>(conn)?)
}

/// The decisions an import brought in that are in `state`, in id order, optionally of one
/// authority.
pub fn of_import(
    conn: &mut AnyConn,
    import_id: &str,
    state: State,
    authority: Option<i64>,
) -> QueryResult<Vec<PenaltyRecord>> {
    let mut q = penalties::table
        .inner_join(penalty_states::table)
        .filter(penalties::import_id.eq(import_id))
        .filter(penalty_states::state.eq(state.code()))
        .order(penalties::id.asc())
        .select((PenaltyRow::as_select(), StateRow::as_select()))
        .into_boxed();
    if let Some(a) = authority {
        q = q.filter(penalties::authority_id.eq(a));
    }
    records(q.load::<(PenaltyRow, StateRow)>(conn)?)
}

/// Decisions published late, or withdrawn after their withdrawal deadline.
pub fn late(conn: &mut AnyConn, authority: Option<i64>) -> QueryResult<Vec<PenaltyRecord>> {
    let mut q = penalties::table
        .inner_join(penalty_states::table)
        // Each side of the OR has its own index (penalty_states_late, penalty_states_state),
        // so the report reads the few late decisions, not every decision's state.
        .filter(penalty_states::working_days_late.gt(0).or(
            penalty_states::state.eq("withdrawn").and(
                penalty_states::withdrawn_on.gt(penalty_states::withdrawal_deadline.nullable()),
            ),
        ))
        .select((PenaltyRow::as_select(), StateRow::as_select()))
        .into_boxed();
    if let Some(a) = authority {
        q = q.filter(penalties::authority_id.eq(a));
    }
    // Sorted here, not by the query: an ORDER BY id would have the planner walk every decision
    // in id order instead of reading the two indexes.
    let mut rows = q.load::<(PenaltyRow, StateRow)>(conn)?;
    rows.sort_unstable_by_key(|(p, _)| p.id);
    rows.into_iter().map(|(p, s)| record(p, s)).collect()
}

/// The decisions the newest publication events can be about (`domain::penalty::feed`): the
/// `n` most recently published, the `n` most recently withdrawn or repaired, and the `n` whose
/// publicity period ended last (before `today`); of one authority when asked. Each of the three
/// reads its own index (migration 000013) and stops after `n` rows.
pub fn recent_publicity(
    conn: &mut AnyConn,
    authority: Option<i64>,
    today: NaiveDate,
    n: usize,
) -> QueryResult<Vec<PenaltyRecord>> {
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    let base = || {
        let q = penalties::table
            .inner_join(penalty_states::table)
            .select((PenaltyRow::as_select(), StateRow::as_select()))
            .into_boxed();
        match authority {
            Some(a) => q.filter(penalties::authority_id.eq(a)),
            None => q,
        }
    };
    let mut rows = base()
        .filter(penalty_states::state.eq_any(["published", "withdrawn"]))
        .filter(penalty_states::published_at.is_not_null())
        .order(penalty_states::published_at.desc())
        .limit(n)
        .load::<(PenaltyRow, StateRow)>(conn)?;
    rows.extend(
        base()
            .filter(penalty_states::state.eq_any(["withdrawn", "repaired"]))
            .order(penalty_states::updated_at.desc())
            .limit(n)
            .load::<(PenaltyRow, StateRow)>(conn)?,
    );
    rows.extend(
        base()
            .filter(penalty_states::state.eq_any(["published", "withdrawn"]))
            .filter(penalty_states::publicity_max_end.lt(today))
            .order(penalty_states::publicity_max_end.desc())
            .limit(n)
            .load::<(PenaltyRow, StateRow)>(conn)?,
    );
    rows.sort_unstable_by_key(|(p, _)| p.id);
    rows.dedup_by_key(|(p, _)| p.id);
    rows.into_iter().map(|(p, s)| record(p, s)).collect()
}

/// The decision `authority` recorded under this number (in any spelling).
pub fn by_number(
    conn: &mut AnyConn,
    authority: i64,
    number: &DecisionNumber,
) -> QueryResult<Option<PenaltyRecord>> {
    penalties::table
        .inner_join(penalty_states::table)
        .filter(penalties::authority_id.eq(authority))
        .filter(penalties::number_key.eq(number.key()))
        .select((PenaltyRow::as_select(), StateRow::as_select()))
        .first::<(PenaltyRow, StateRow)>(conn)
        .optional()?
        .map(|(p, s)| record(p, s))
        .transpose()
}

/// The decisions recorded under any of these (authority, number) pairs, keyed by the pair
/// (the number in its [`DecisionNumber::key`] form); a bulk load's lookup, a thousand at a time.
pub fn by_numbers(
    conn: &mut AnyConn,
    wanted: &[(i64, &DecisionNumber)],
) -> QueryResult<std::collections::HashMap<(i64, String), PenaltyRecord>> {
    let mut out = std::collections::HashMap::new();
    for chunk in wanted.chunks(1_000) {
        let authorities: BTreeSet<i64> = chunk.iter().map(|(a, _)| *a).collect();
        let keys: BTreeSet<String> = chunk.iter().map(|(_, n)| n.key()).collect();
        let rows = penalties::table
            .inner_join(penalty_states::table)
            .filter(penalties::authority_id.eq_any(authorities))
            .filter(penalties::number_key.eq_any(keys))
            .select((PenaltyRow::as_select(), StateRow::as_select()))
            .load::<(PenaltyRow, StateRow)>(conn)?;
        for (p, st) in rows {
            let r = record(p, st)?;
            out.insert((r.authority_id, r.decision_number.key()), r);
        }
    }
    Ok(out)
}

/// After a withdrawal the public sees only the number: the name search then finds the decision
/// by its number alone. Call inside the withdrawal's transaction.
pub fn search_by_number_only(conn: &mut AnyConn, r: &PenaltyRecord) -> QueryResult<()> {
    let number: String = search_form(r.decision_number.as_str())
        .into_iter()
        .collect();
    diesel::update(penalties::table.filter(penalties::id.eq(r.id)))
        .set(penalties::search_text.eq(format!(" {number}")))
        .execute(conn)?;
    let old = index_keys_of(&r.public_name, &r.decision_number);
    let new = super::name_index::name_keys(r.decision_number.as_str());
    let facets = DecisionFacets::of(r.authority_id, r.fields.decision_date);
    NAME_INDEX.replace_keys(conn, r.id, (&old, facets), (&new, facets))
}

/// Re-derives the public names (and their index keys) of an authority's decisions after its
/// masking setting changed; a withdrawn decision stays findable by its number only. Call
/// inside the change's transaction.
pub fn refresh_public_names(
    conn: &mut AnyConn,
    authority: &crate::domain::penalty::record::Authority,
) -> QueryResult<()> {
    let mut after = None;
    loop {
        let batch = search(
            conn,
            &PenaltyQuery {
                authority_id: Some(authority.id),
                after,
                limit: 1_000,
                ..PenaltyQuery::default()
            },
        )?;
        let Some(last) = batch.last() else {
            return Ok(());
        };
        after = Some(Place::of(last));
        for r in batch
            .iter()
            .filter(|r| r.progress.state != State::Withdrawn)
        {
            let public = authority
                .fields
                .public_name(r.fields.party_kind, &r.fields.party_name);
            if public != r.public_name {
                update_fields(conn, r, &r.decision_number, &r.fields, &public)?;
            }
        }
    }
}

/// Publications since `since` (UTC), per day of publication: `(day, published, published late)`,
/// of one authority when asked (the Today page's chart). Reads the publication-time index.
pub fn publications_per_day(
    conn: &mut AnyConn,
    authority: Option<i64>,
    since: NaiveDateTime,
) -> QueryResult<Vec<(NaiveDate, i64, i64)>> {
    use diesel::dsl::count_star;
    use diesel::sql_types::Bool;
    let mut counts = |late_only: bool| -> QueryResult<Vec<(Option<NaiveDate>, i64)>> {
        penalty_states::table
            .inner_join(penalties::table)
            .filter(penalty_states::published_at.ge(since))
            .filter(
                penalties::authority_id
                    .eq(authority.unwrap_or(0))
                    .or(authority.is_none().into_sql::<Bool>()),
            )
            .filter(
                penalty_states::working_days_late
                    .gt(0)
                    .or((!late_only).into_sql::<Bool>()),
            )
            .group_by(penalty_states::published_on)
            .select((penalty_states::published_on, count_star()))
            .load(conn)
    };
    let all = counts(false)?;
    let late = counts(true)?;
    Ok(all
        .into_iter()
        .filter_map(|(day, n)| {
            let day = day?;
            let l = late
                .iter()
                .find(|(d, _)| *d == Some(day))
                .map_or(0, |(_, n)| *n);
            Some((day, n, l))
        })
        .collect())
}
