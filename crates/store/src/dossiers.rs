//! Dossiers: filing (with the day's next code number), state changes with optimistic
//! concurrency, reads and the officer's queue.
//!
//! The row keeps the columns that queries filter and sort on, and the whole dossier
//! (without its history) as JSON in `doc`; events have their own table.

use chrono::{DateTime, Utc};
use motcua_domain::dossier::local_day;
use motcua_domain::stats::StatFacts;
use motcua_domain::stats::facts::FileFlags;
use motcua_domain::{ActionKind, Applicant, Decision, Dossier, DossierCode, DossierEvent, Status};
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::StoreError;
use crate::sql::{Arg, Conn, Row, args};
use crate::writer::{AuditDraft, Batch};
use crate::{RequestMeta, Store};

/// Filters of the dossier list (the officer's queue, the citizen's "my dossiers").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DossierFilter {
    /// Only dossiers received by or handled in one of these agencies (officer scope).
    pub scope_agencies: Option<Vec<String>>,
    /// Only dossiers of this citizen account (citizen scope).
    pub owner: Option<String>,
    /// Status.
    pub status: Option<Status>,
    /// Received by or handled in this agency.
    pub agency: Option<String>,
    /// Due before this instant.
    pub due_before: Option<DateTime<Utc>>,
    /// Due at or after this instant.
    pub due_after: Option<DateTime<Utc>>,
    /// Procedure code.
    pub procedure: Option<String>,
    /// Channel name.
    pub channel: Option<String>,
    /// Handled by this officer.
    pub assignee: Option<String>,
    /// Page, from 1.
    pub page: u32,
    /// Only dossiers still open (not refused, returned, withdrawn or stopped).
    pub open_only: bool,
    /// Page size (capped at 200).
    pub per_page: u32,
}

/// Lists count exactly up to this many; a queue longer than that shows "10 000+".
pub const COUNT_CAP: i64 = 10_000;

pub(crate) const SUMMARY_COLUMNS: &str = "code, procedure_code, status, channel, receiving_agency, handling_agency, \
    handling_unit, assignee, applicant_name, submitted_at, received_at, due_at, extended, completed_at";

fn push_arg(params: &mut Vec<Arg>, a: Arg) -> String {
    params.push(a);
    format!("${}", params.len())
}

fn where_sql(clauses: &[String]) -> String {
    if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    }
}

/// A disjoint part of a list, each served by one index in deadline order.
enum Stream<'a> {
    /// No agency scope.
    All,
    /// Handled by this agency.
    Handling(&'a str),
    /// Received by this agency and forwarded to one outside the scope.
    Forwarded(&'a str, &'a [String]),
}

impl Stream<'_> {
    /// The stream's conditions and the filter's.
    fn clauses(&self, f: &DossierFilter, params: &mut Vec<Arg>) -> Vec<String> {
        let mut clauses = filter_clauses(f, params);
        match self {
            Self::All => {}
            Self::Handling(a) => {
                let ph = push_arg(params, Arg::from(*a));
                clauses.push(format!("handling_agency = {ph}"));
            }
            Self::Forwarded(a, scope) => {
                let ph = push_arg(params, Arg::from(*a));
                let yes = push_arg(params, Arg::from(true));
                clauses.push(format!("receiving_agency = {ph} AND forwarded = {yes}"));
                let list: Vec<String> = scope
                    .iter()
                    .map(|s| push_arg(params, Arg::from(s)))
                    .collect();
                clauses.push(format!("handling_agency NOT IN ({})", list.join(", ")));
            }
        }
        clauses
    }
}

/// The filter's conditions other than the agency scope.
fn filter_clauses(f: &DossierFilter, params: &mut Vec<Arg>) -> Vec<String> {
    let mut clauses = Vec::new();
    if let Some(o) = &f.owner {
        let ph = push_arg(params, Arg::from(o));
        clauses.push(format!("owner = {ph}"));
    }
    if let Some(s) = f.status {
        let ph = push_arg(params, Arg::from(s.as_str()));
        clauses.push(format!("status = {ph}"));
    }
    if let Some(a) = &f.agency {
        let ph = push_arg(params, Arg::from(a));
        clauses.push(format!(
            "(receiving_agency = {ph} OR handling_agency = {ph})"
        ));
    }
    if let Some(t) = f.due_before {
        let ph = push_arg(params, Arg::from(t));
        clauses.push(format!("due_at < {ph}"));
    }
    if let Some(t) = f.due_after {
        let ph = push_arg(params, Arg::from(t));
        clauses.push(format!("due_at >= {ph}"));
    }
    if let Some(x) = &f.procedure {
        let ph = push_arg(params, Arg::from(x));
        clauses.push(format!("procedure_code = {ph}"));
    }
    if let Some(x) = &f.channel {
        let ph = push_arg(params, Arg::from(x));
        clauses.push(format!("channel = {ph}"));
    }
    if let Some(x) = &f.assignee {
        let ph = push_arg(params, Arg::from(x));
        clauses.push(format!("assignee = {ph}"));
    }
    if f.open_only {
        let ph = push_arg(params, Arg::from(true));
        clauses.push(format!("is_open = {ph}"));
    }
    clauses
}

/// One line of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DossierSummary {
    /// Code.
    pub code: String,
    /// Procedure code.
    pub procedure_code: String,
    /// Status.
    pub status: Status,
    /// Channel.
    pub channel: String,
    /// Receiving agency.
    pub receiving_agency: String,
    /// Handling agency.
    pub handling_agency: String,
    /// Handling unit.
    pub handling_unit: Option<String>,
    /// Assignee.
    pub assignee: Option<String>,
    /// Applicant's name.
    pub applicant_name: String,
    /// Filed.
    pub submitted_at: DateTime<Utc>,
    /// Received.
    pub received_at: Option<DateTime<Utc>>,
    /// Appointment.
    pub due_at: Option<DateTime<Utc>>,
    /// Extended with apology.
    pub extended: bool,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    /// Items.
    pub items: Vec<T>,
    /// Total matching (at most [`COUNT_CAP`]).
    pub total: i64,
    /// Whether more than [`COUNT_CAP`] match.
    pub total_capped: bool,
    /// Page number.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

fn doc_json(d: &Dossier) -> Result<String, StoreError> {
    let mut v = serde_json::to_value(d)?;
    if let Value::Object(m) = &mut v {
        m.remove("events");
    }
    Ok(serde_json::to_string(&v)?)
}

fn row_args(d: &Dossier, facts: &StatFacts) -> Result<Vec<Arg>, StoreError> {
    Ok(Vec::from(args![
        d.code.as_str(),
        d.procedure_code.as_str(),
        d.status.as_str(),
        d.channel.as_str(),
        d.receiving_agency.as_str(),
        d.handling_agency.as_str(),
        d.handling_unit.clone(),
        d.assignee.clone(),
        d.owner.clone(),
        d.helper.clone(),
        d.applicant.name.as_str(),
        d.submitted_at,
        d.received_at,
        d.due_at,
        d.completed_at,
        d.returned_at,
        d.extended,
        d.version,
        doc_json(d)?,
        d.timeliness.map(|t| match t {
            motcua_calendar::Timeliness::Early => "early",
            motcua_calendar::Timeliness::OnTime => "on_time",
            motcua_calendar::Timeliness::Late => "late",
        }),
        !d.status.is_terminal(),
        d.receiving_agency != d.handling_agency,
        d.applicant.id_number.clone(),
        serde_json::to_string(facts)?,
    ]))
}

async fn insert_event(conn: &mut Conn<'_>, code: &str, e: &DossierEvent) -> Result<(), StoreError> {
    conn.exec(
        "INSERT INTO dossier_events (dossier_code, seq, at, actor, action, from_status, to_status, data) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &args![
            code,
            i64::from(e.seq),
            e.at,
            e.actor.as_str(),
            e.action.as_str(),
            e.from.map(|s| s.as_str().to_owned()),
            e.to.as_str(),
            serde_json::to_string(&e.data)?,
        ],
    )
    .await?;
    Ok(())
}

/// A decision's writes inside a batch (shared with the writes that must join it, such
/// as the payment orders made at receipt).
pub(crate) async fn apply_in(
    batch: &mut Batch,
    decision: Decision,
    meta: RequestMeta,
) -> Result<Dossier, StoreError> {
    let Decision { dossier: d, event } = decision;
    let old = match batch
        .conn()
        .opt(
            "SELECT stat_facts FROM dossiers WHERE code = $1",
            &args![d.code.as_str()],
        )
        .await?
    {
        Some(r) => crate::stats::parse_facts(r.opt_text("stat_facts")?)?,
        None => None,
    };
    let flags = match &old {
        Some(f) => f.files,
        None => crate::stats::file_flags(&mut batch.conn(), d.code.as_str()).await?,
    };
    let facts = StatFacts::of(&d, flags);
    let mut args = row_args(&d, &facts)?;
    args.push(Arg::from(d.version - 1));
    let changed = batch
        .conn()
        .exec(
            "UPDATE dossiers SET code = $1, procedure_code = $2, status = $3, channel = $4, \
             receiving_agency = $5, handling_agency = $6, handling_unit = $7, assignee = $8, \
             owner = $9, helper = $10, applicant_name = $11, submitted_at = $12, received_at = $13, \
             due_at = $14, completed_at = $15, returned_at = $16, extended = $17, version = $18, \
             doc = $19, timeliness = $20, is_open = $21, forwarded = $22, applicant_id = $23, stat_facts = $24 \
             WHERE code = $1 AND version = $25",
            &args,
        )
        .await?;
    if changed == 0 {
        return Err(StoreError::Conflict {
            what: format!("dossier {}", d.code),
        });
    }
    crate::stats::move_dossier(&mut batch.conn(), old.as_ref(), &facts).await?;
    insert_event(&mut batch.conn(), d.code.as_str(), &event).await?;
    let payload = record(batch, &d, &event, &meta);
    let topic = format!("dossier.{}", event.action.as_str());
    insert_outbox(
        &mut batch.conn(),
        event.at,
        &topic,
        d.code.as_str(),
        &payload,
    )
    .await?;
    Ok(d)
}

pub(crate) async fn insert_outbox(
    conn: &mut Conn<'_>,
    at: DateTime<Utc>,
    topic: &str,
    key: &str,
    payload: &Value,
) -> Result<(), StoreError> {
    conn.exec(
        "INSERT INTO outbox (created_at, topic, key, payload) VALUES ($1, $2, $3, $4)",
        &args![at, topic, key, serde_json::to_string(payload)?],
    )
    .await?;
    Ok(())
}

/// The outbox message and audit entry for an event.
fn record(batch: &mut Batch, d: &Dossier, e: &DossierEvent, meta: &RequestMeta) -> Value {
    let payload = json!({
        "code": d.code.as_str(),
        "seq": e.seq,
        "action": e.action.as_str(),
        "from": e.from.map(Status::as_str),
        "to": e.to.as_str(),
        "at": e.at,
        "actor": e.actor,
        "portal_status": d.portal_status(),
        "due_at": d.due_at,
    });
    batch.audit(AuditDraft {
        chain: d.handling_agency.clone(),
        at: e.at,
        actor: e.actor.clone(),
        action: format!("dossier.{}", e.action.as_str()),
        target: d.code.as_str().to_owned(),
        ip: meta.ip.clone(),
        details: json!({
            "from": e.from.map(Status::as_str),
            "to": e.to.as_str(),
            "version": d.version,
            "data": e.data,
        }),
    });
    payload
}

pub(crate) const COLUMNS: &str = "code, procedure_code, status, channel, receiving_agency, handling_agency, handling_unit, \
    assignee, owner, helper, applicant_name, submitted_at, received_at, due_at, completed_at, returned_at, \
    extended, version, doc, timeliness, is_open, forwarded, applicant_id, stat_facts";

impl Store {
    /// Saves a new dossier, giving it the receiving agency's next number of the day.
    pub async fn create_dossier(
        &self,
        dossier: Dossier,
        meta: RequestMeta,
    ) -> Result<Dossier, StoreError> {
        self.file_dossier(dossier, None, meta).await
    }

    /// Saves a new dossier filed from a draft: the draft's attachments move to the
    /// dossier and the draft is deleted, in the same transaction.
    pub async fn file_dossier(
        &self,
        dossier: Dossier,
        draft: Option<String>,
        meta: RequestMeta,
    ) -> Result<Dossier, StoreError> {
        let key = format!(
            "seq:{}:{}",
            dossier.receiving_agency,
            local_day(dossier.submitted_at).format("%y%m%d")
        );
        self.writer()
            .run_keyed(key, move |batch| {
                Box::pin(async move {
                    let mut d = dossier;
                    let day = local_day(d.submitted_at);
                    let key = day.format("%y%m%d").to_string();
                    let seq = batch
                        .conn()
                        .one(
                            "INSERT INTO code_sequences (agency, day, last) VALUES ($1, $2, 1) \
                             ON CONFLICT (agency, day) DO UPDATE SET last = code_sequences.last + 1 \
                             RETURNING last",
                            &args![d.receiving_agency.as_str(), key],
                        )
                        .await?
                        .int("last")?;
                    let seq = u32::try_from(seq).map_err(StoreError::corrupt)?;
                    d.code = DossierCode::new(&d.receiving_agency, day, seq);
                    let mut conn = batch.conn();
                    // Facts without files first; the draft's files move below and
                    // then count.
                    let facts = StatFacts::of(&d, FileFlags::default());
                    conn.exec(
                        &format!("INSERT INTO dossiers ({COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24)"),
                        &row_args(&d, &facts)?,
                    )
                    .await?;
                    crate::stats::move_dossier(&mut conn, None, &facts).await?;
                    for e in &d.events {
                        insert_event(&mut conn, d.code.as_str(), e).await?;
                    }
                    if let Some(draft) = &draft {
                        conn.exec(
                            "UPDATE attachments SET dossier_code = $1, draft_id = NULL WHERE draft_id = $2",
                            &args![d.code.as_str(), draft.as_str()],
                        )
                        .await?;
                        let gone = conn.exec("DELETE FROM drafts WHERE id = $1", &args![draft.as_str()]).await?;
                        if gone == 0 {
                            return Err(StoreError::NotFound {
                                what: format!("draft {draft}"),
                            });
                        }
                        crate::stats::refresh_files(&mut conn, d.code.as_str()).await?;
                    }
                    let events = d.events.clone();
                    for e in &events {
                        let payload = record(batch, &d, e, &meta);
                        insert_outbox(&mut batch.conn(), e.at, "dossier.created", d.code.as_str(), &payload).await?;
                    }
                    Ok(d)
                })
            })
            .await
    }

    /// Records a decision, if the dossier is still at `decision.dossier.version - 1`.
    pub async fn apply(
        &self,
        decision: Decision,
        meta: RequestMeta,
    ) -> Result<Dossier, StoreError> {
        let key = format!("dossier:{}", decision.dossier.code);
        self.writer()
            .run_keyed(key, move |batch| Box::pin(apply_in(batch, decision, meta)))
            .await
    }

    /// A dossier with its history.
    pub async fn dossier(&self, code: &str) -> Result<Option<Dossier>, StoreError> {
        let mut rc = self.read().await?;
        let mut conn = rc.conn();
        let Some(row) = conn
            .opt("SELECT doc FROM dossiers WHERE code = $1", &args![code])
            .await?
        else {
            return Ok(None);
        };
        let mut d: Dossier = serde_json::from_str(&row.text("doc")?)?;
        let events = conn
            .all(
                "SELECT seq, at, actor, action, from_status, to_status, data FROM dossier_events \
                 WHERE dossier_code = $1 ORDER BY seq",
                &args![code],
            )
            .await?;
        d.events = events
            .iter()
            .map(event_from_row)
            .collect::<Result<_, _>>()?;
        Ok(Some(d))
    }

    /// The dossiers an agency received in `[from, to)`, in order of receipt, with their
    /// events (the register's lines); at most `limit`, and whether there were more.
    pub async fn dossiers_received(
        &self,
        agency: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> Result<(Vec<Dossier>, bool), StoreError> {
        let codes: Vec<String> = {
            let mut rc = self.read().await?;
            let rows = rc
                .conn()
                .all(
                    &format!(
                        "SELECT code FROM dossiers WHERE receiving_agency = $1 AND received_at >= $2 \
                         AND received_at < $3 ORDER BY received_at, code LIMIT {}",
                        i64::from(limit) + 1
                    ),
                    &args![agency, from, to],
                )
                .await?;
            rows.iter()
                .map(|r| r.text("code"))
                .collect::<Result<_, _>>()?
        };
        let more = codes.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        let mut out = Vec::with_capacity(codes.len());
        for code in codes
            .iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
        {
            if let Some(d) = self.dossier(code).await? {
                out.push(d);
            }
        }
        Ok((out, more))
    }

    /// The applicant as last recorded for identity number `id_number` on a dossier filed
    /// at one of `agencies` (counter reception of a returning applicant), with that
    /// dossier's code. Only those agencies' dossiers are read: an officer learns nothing
    /// from dossiers filed elsewhere.
    pub async fn latest_applicant(
        &self,
        id_number: &str,
        agencies: &[&str],
    ) -> Result<Option<(String, Applicant)>, StoreError> {
        if agencies.is_empty() {
            return Ok(None);
        }
        let marks: Vec<String> = (2..=agencies.len() + 1).map(|k| format!("${k}")).collect();
        let mut params = vec![Arg::from(id_number)];
        params.extend(agencies.iter().map(|a| Arg::from(*a)));
        let mut rc = self.read().await?;
        let row = rc
            .conn()
            .opt(
                &format!(
                    "SELECT code, doc FROM dossiers WHERE applicant_id = $1 \
                     AND receiving_agency IN ({}) ORDER BY submitted_at DESC, code DESC LIMIT 1",
                    marks.join(",")
                ),
                &params,
            )
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let doc: Value = serde_json::from_str(&row.text("doc")?)?;
        let applicant: Applicant =
            serde_json::from_value(doc.get("applicant").cloned().unwrap_or(Value::Null))?;
        Ok(Some((row.text("code")?, applicant)))
    }

    /// A page of dossier summaries: open ones first, most urgent first.
    ///
    /// An officer's scope is split into disjoint index-ordered streams: per agency, the
    /// dossiers it handles, and those it received but forwarded outside the scope. Each
    /// stream is read in deadline order only as far as the page needs and counted only up
    /// to [`COUNT_CAP`], so an agency with half a million open dossiers costs a page, not
    /// a sort of all of them. Above the cap `total_capped` is set.
    pub async fn list_dossiers(
        &self,
        f: &DossierFilter,
    ) -> Result<Page<DossierSummary>, StoreError> {
        let per_page = f.per_page.clamp(1, 200);
        let page = f.page.max(1);
        let wanted = i64::from(page) * i64::from(per_page);
        let streams: Vec<Stream<'_>> = match &f.scope_agencies {
            Some(list) => list
                .iter()
                .flat_map(|a| [Stream::Handling(a), Stream::Forwarded(a, list)])
                .collect(),
            None => vec![Stream::All],
        };
        let open_flags: Vec<bool> = if f.open_only {
            vec![true]
        } else if let Some(s) = f.status {
            vec![!s.is_terminal()]
        } else {
            vec![true, false]
        };
        let mut rc = self.read().await?;
        let mut conn = rc.conn();

        let mut counted = 0;
        for stream in &streams {
            let mut params = Vec::new();
            let clauses = stream.clauses(f, &mut params);
            counted += conn
                .one(
                    &format!(
                        "SELECT COUNT(*) AS n FROM (SELECT 1 FROM dossiers{} LIMIT {}) t",
                        where_sql(&clauses),
                        COUNT_CAP + 1
                    ),
                    &params,
                )
                .await?
                .int("n")?;
        }

        let mut items: Vec<DossierSummary> = Vec::new();
        for stream in &streams {
            for &open in &open_flags {
                for null_due in [false, true] {
                    let mut params = Vec::new();
                    let mut clauses = stream.clauses(f, &mut params);
                    let ph = push_arg(&mut params, Arg::from(open));
                    clauses.push(format!("is_open = {ph}"));
                    clauses.push(
                        if null_due {
                            "due_at IS NULL"
                        } else {
                            "due_at IS NOT NULL"
                        }
                        .to_owned(),
                    );
                    let rows = conn
                        .all(
                            &format!(
                                "SELECT {SUMMARY_COLUMNS} FROM dossiers{} ORDER BY due_at, code LIMIT {wanted}",
                                where_sql(&clauses)
                            ),
                            &params,
                        )
                        .await?;
                    for r in &rows {
                        items.push(summary_from_row(r)?);
                    }
                }
            }
        }
        items.sort_by(|a, b| {
            (
                a.status.is_terminal(),
                a.due_at.is_none(),
                a.due_at,
                &a.code,
            )
                .cmp(&(
                    b.status.is_terminal(),
                    b.due_at.is_none(),
                    b.due_at,
                    &b.code,
                ))
        });
        let skip = usize::try_from((page - 1) * per_page).unwrap_or(usize::MAX);
        let items: Vec<DossierSummary> = items
            .into_iter()
            .skip(skip)
            .take(usize::try_from(per_page).unwrap_or(0))
            .collect();
        Ok(Page {
            items,
            total: counted.min(COUNT_CAP),
            total_capped: counted > COUNT_CAP,
            page,
            per_page,
        })
    }

    /// Number of dossiers in each status.
    pub async fn count_by_status(&self) -> Result<Vec<(Status, i64)>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT status, COUNT(*) AS n FROM dossiers GROUP BY status ORDER BY status",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let s = r.text("status")?;
                let status =
                    Status::parse(&s).ok_or_else(|| StoreError::corrupt(format!("status {s}")))?;
                Ok((status, r.int("n")?))
            })
            .collect()
    }

    /// All dossier codes of an agency on a day, in number order (for gap checks).
    pub async fn codes_of_day(
        &self,
        agency: &str,
        day: chrono::NaiveDate,
    ) -> Result<Vec<String>, StoreError> {
        let prefix = format!("{agency}-{}-", day.format("%y%m%d"));
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT code FROM dossiers WHERE code LIKE $1 ORDER BY length(code), code",
                &args![format!("{prefix}%")],
            )
            .await?;
        rows.iter().map(|r| r.text("code")).collect()
    }
}

fn status_of(text: &str) -> Result<Status, StoreError> {
    Status::parse(text).ok_or_else(|| StoreError::corrupt(format!("unknown status {text}")))
}

fn event_from_row(r: &Row) -> Result<DossierEvent, StoreError> {
    let action = r.text("action")?;
    Ok(DossierEvent {
        seq: i32::try_from(r.int("seq")?).map_err(StoreError::corrupt)?,
        at: r.time("at")?,
        actor: r.text("actor")?,
        action: ActionKind::parse(&action)
            .ok_or_else(|| StoreError::corrupt(format!("unknown action {action}")))?,
        from: r
            .opt_text("from_status")?
            .map(|s| status_of(&s))
            .transpose()?,
        to: status_of(&r.text("to_status")?)?,
        data: serde_json::from_str(&r.text("data")?)?,
    })
}

pub(crate) fn summary_from_row(r: &Row) -> Result<DossierSummary, StoreError> {
    Ok(DossierSummary {
        code: r.text("code")?,
        procedure_code: r.text("procedure_code")?,
        status: status_of(&r.text("status")?)?,
        channel: r.text("channel")?,
        receiving_agency: r.text("receiving_agency")?,
        handling_agency: r.text("handling_agency")?,
        handling_unit: r.opt_text("handling_unit")?,
        assignee: r.opt_text("assignee")?,
        applicant_name: r.text("applicant_name")?,
        submitted_at: r.time("submitted_at")?,
        received_at: r.opt_time("received_at")?,
        due_at: r.opt_time("due_at")?,
        extended: r.boolean("extended")?,
    })
}

impl Store {
    /// Bulk-loads dossiers that already carry their codes (migration from another
    /// system, benchmarks): one transaction, multi-row inserts, one audit entry, and
    /// the code sequences raised so new numbers continue after the loaded ones.
    pub async fn import_dossiers(
        &self,
        dossiers: Vec<Dossier>,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let actor = actor.to_owned();
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    let n = dossiers.len();
                    let mut conn = batch.conn();
                    let pg = conn.is_postgres();
                    for chunk in dossiers.chunks(500) {
                        let mut sql = format!("INSERT INTO dossiers ({COLUMNS}) VALUES ");
                        let mut args: Vec<Arg> = Vec::with_capacity(chunk.len() * 24);
                        let mut changes = Vec::new();
                        for (i, d) in chunk.iter().enumerate() {
                            if i > 0 {
                                sql.push(',');
                            }
                            sql.push_str(&crate::sql::row_marks(pg, i, 24));
                            let facts = StatFacts::of(d, FileFlags::default());
                            for (day, c) in facts.contributions() {
                                changes.push((facts.key.clone(), day, c));
                            }
                            args.extend(row_args(d, &facts)?);
                        }
                        conn.exec(&sql, &args).await?;
                        crate::stats::add_cells(&mut conn, &changes).await?;
                        let events: Vec<(&str, &DossierEvent)> =
                            chunk.iter().flat_map(|d| d.events.iter().map(move |e| (d.code.as_str(), e))).collect();
                        for ev_chunk in events.chunks(1000) {
                            let mut sql = String::from(
                                "INSERT INTO dossier_events (dossier_code, seq, at, actor, action, from_status, to_status, data) VALUES ",
                            );
                            let mut args: Vec<Arg> = Vec::with_capacity(ev_chunk.len() * 8);
                            for (i, (code, e)) in ev_chunk.iter().enumerate() {
                                if i > 0 {
                                    sql.push(',');
                                }
                                sql.push_str(&crate::sql::row_marks(pg, i, 8));
                                args.extend([
                                    Arg::from(*code),
                                    Arg::from(i64::from(e.seq)),
                                    Arg::from(e.at),
                                    Arg::from(e.actor.as_str()),
                                    Arg::from(e.action.as_str()),
                                    Arg::from(e.from.map(|s| s.as_str().to_owned())),
                                    Arg::from(e.to.as_str()),
                                    Arg::from(serde_json::to_string(&e.data)?),
                                ]);
                            }
                            conn.exec(&sql, &args).await?;
                        }
                    }
                    let mut top: std::collections::BTreeMap<(String, String), i64> = std::collections::BTreeMap::new();
                    for d in &dossiers {
                        if let (Some(day), Some(seq)) = (d.code.day(), d.code.seq()) {
                            let e = top.entry((d.code.agency().to_owned(), day.format("%y%m%d").to_string())).or_insert(0);
                            *e = (*e).max(i64::from(seq));
                        }
                    }
                    let greatest = if conn.is_postgres() { "GREATEST" } else { "MAX" };
                    for ((agency, day), last) in top {
                        conn.exec(
                            &format!(
                                "INSERT INTO code_sequences (agency, day, last) VALUES ($1, $2, $3) \
                                 ON CONFLICT (agency, day) DO UPDATE SET last = {greatest}(code_sequences.last, excluded.last)"
                            ),
                            &args![agency, day, last],
                        )
                        .await?;
                    }
                    batch.audit(AuditDraft {
                        chain: String::new(),
                        at,
                        actor,
                        action: "dossier.import".to_owned(),
                        target: "dossiers".to_owned(),
                        ip: None,
                        details: json!({ "count": n }),
                    });
                    Ok(n)
                })
            })
            .await
    }
}
