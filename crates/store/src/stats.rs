//! The statistics cells: kept in the same transaction as every change of a dossier or
//! payment order (see `motcua_domain::stats`), read back as sums over a few rows.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use motcua_domain::stats::facts::{FileFlags, PaymentFacts, delta};
use motcua_domain::stats::measures::Stock;
use motcua_domain::stats::{
    Counter, Counters, Grain, Piece, Plan, StatFacts, StatKey, plan, since_plan,
};

use crate::Store;
use crate::error::StoreError;
use crate::sql::{Arg, Conn, Row};

/// What the rows of a query are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatGroup {
    /// One row for everything.
    Total,
    /// Per agency.
    Agency,
    /// Per unit (within the agencies asked for; the key is `agency/unit`).
    Unit,
    /// Per procedure.
    Procedure,
    /// Per officer (the key is `agency/officer`).
    Officer,
}

impl StatGroup {
    /// The columns a group is made of (for GROUP BY in key order).
    fn columns(self) -> &'static [&'static str] {
        match self {
            Self::Total => &[],
            Self::Agency => &["agency"],
            Self::Unit => &["agency", "unit"],
            Self::Procedure => &["procedure"],
            Self::Officer => &["agency", "officer"],
        }
    }

    fn expr(self) -> &'static str {
        match self {
            Self::Total => "''",
            Self::Agency => "agency",
            Self::Unit => "agency || '/' || unit",
            Self::Procedure => "procedure",
            Self::Officer => "agency || '/' || officer",
        }
    }
}

/// The counters of a period and the all-time sums before its two ends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Part {
    /// Counters of `[from, to)`.
    pub flows: Counters,
    /// Sums over every day before `from` (for the stock at the start).
    pub before_from: Counters,
    /// Sums over every day before `to`.
    pub before_to: Counters,
    /// Sums over every day before the cut asked for (today, inside a period not over).
    pub before_cut: Option<Counters>,
}

impl Part {
    /// Adds another part.
    pub fn add(&mut self, o: &Part) {
        self.flows.add_all(&o.flows);
        self.before_from.add_all(&o.before_from);
        self.before_to.add_all(&o.before_to);
        if let Some(c) = &o.before_cut {
            self.before_cut
                .get_or_insert_with(Counters::default)
                .add_all(c);
        }
    }
}

/// Parts per (group key, procedure): a period's counters are split by procedure so
/// that callers can split by its sector or online mode; the stocks of a group are
/// under the empty procedure. Summing a group's parts gives the group's part.
pub type StatParts = BTreeMap<(String, String), Part>;

/// Rows of the cells table, for the consistency check: (grain, period, key) → counters.
pub type CellMap = BTreeMap<(Grain, String, StatKey), Counters>;

/// The upsert of `rows` cells at once (each cell appears once, as the caller
/// gathered them by key).
fn upsert_sql(pg: bool, rows: usize) -> String {
    let cols: Vec<&str> = Counter::ALL.iter().map(|c| c.column()).collect();
    let width = 6 + cols.len();
    let mut sql =
        String::from("INSERT INTO stat_cells (grain, period, agency, unit, procedure, officer");
    for c in &cols {
        let _ = write!(sql, ", {c}");
    }
    sql.push_str(") VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push_str(&crate::sql::row_marks(pg, r, width));
    }
    sql.push_str(" ON CONFLICT (grain, period, procedure, agency, unit, officer) DO UPDATE SET ");
    let sets: Vec<String> = cols
        .iter()
        .map(|c| format!("{c} = stat_cells.{c} + excluded.{c}"))
        .collect();
    sql.push_str(&sets.join(", "));
    sql
}

/// Cells per statement: 35 parameters each stays far below both databases' limits.
const CELLS_PER_STATEMENT: usize = 200;

/// Sums of the given counters. Every query using it groups its rows, so a group is
/// never empty and SUM never NULL; PostgreSQL's SUM of BIGINT is NUMERIC, cast back.
fn sums_sql(pg: bool, cols: &[Counter]) -> String {
    cols.iter()
        .map(|c| {
            if pg {
                format!("CAST(SUM({0}) AS BIGINT) AS {0}", c.column())
            } else {
                format!("SUM({0}) AS {0}", c.column())
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn grain_of(code: &str) -> Result<Grain, StoreError> {
    Grain::ALL
        .into_iter()
        .find(|g| g.code() == code)
        .ok_or_else(|| StoreError::corrupt(format!("unknown grain {code}")))
}

fn counters_of(r: &Row) -> Result<Counters, StoreError> {
    counters_in(r, Counter::ALL)
}

fn counters_in(r: &Row, cols: &[Counter]) -> Result<Counters, StoreError> {
    let mut c = Counters::default();
    for k in cols {
        c.add(*k, r.int(k.column())?);
    }
    Ok(c)
}

/// Adds `changes` (per key and day) to every grain's cells. Rows are written in one
/// fixed order so that concurrent transactions on PostgreSQL take their row locks in
/// the same order and cannot deadlock.
pub(crate) async fn add_cells(
    conn: &mut Conn<'_>,
    changes: &[(StatKey, NaiveDate, Counters)],
) -> Result<(), StoreError> {
    let mut cells: BTreeMap<(Grain, String, &StatKey), Counters> = BTreeMap::new();
    for (key, day, c) in changes {
        for g in Grain::ALL {
            cells.entry((g, g.key(*day), key)).or_default().add_all(c);
        }
    }
    let cells: Vec<_> = cells.into_iter().filter(|(_, c)| !c.is_zero()).collect();
    for chunk in cells.chunks(CELLS_PER_STATEMENT) {
        let mut args: Vec<Arg> = Vec::with_capacity(chunk.len() * (6 + Counter::ALL.len()));
        for ((g, period, key), c) in chunk {
            args.extend([
                Arg::from(g.code()),
                Arg::from(period.as_str()),
                Arg::from(key.agency.as_str()),
                Arg::from(key.unit.as_str()),
                Arg::from(key.procedure.as_str()),
                Arg::from(key.officer.as_str()),
            ]);
            args.extend(c.0.iter().map(|v| Arg::from(*v)));
        }
        let sql = upsert_sql(conn.is_postgres(), chunk.len());
        conn.exec(&sql, &args).await?;
    }
    Ok(())
}

/// Parses stored facts (none for rows written before statistics existed).
pub(crate) fn parse_facts(text: Option<String>) -> Result<Option<StatFacts>, StoreError> {
    text.map(|t| serde_json::from_str(&t).map_err(StoreError::from))
        .transpose()
}

/// The change of cells when a dossier's facts go from `old` to `new`.
pub(crate) async fn move_dossier(
    conn: &mut Conn<'_>,
    old: Option<&StatFacts>,
    new: &StatFacts,
) -> Result<(), StoreError> {
    if old == Some(new) {
        return Ok(());
    }
    let changes = delta(
        old.map(|f| (&f.key, f.contributions())),
        Some((&new.key, new.contributions())),
    );
    add_cells(conn, &changes).await
}

/// Re-reads what a dossier's files say (submission and result attachments).
pub(crate) async fn file_flags(conn: &mut Conn<'_>, code: &str) -> Result<FileFlags, StoreError> {
    let r = conn
        .one(
            "SELECT \
             CAST(COALESCE(SUM(CASE WHEN kind IN ('submission', 'supplement') THEN 1 ELSE 0 END), 0) AS BIGINT) AS papers, \
             CAST(COALESCE(SUM(CASE WHEN kind = 'result' THEN 1 ELSE 0 END), 0) AS BIGINT) AS results \
             FROM attachments WHERE dossier_code = $1",
            &[Arg::from(code)],
        )
        .await?;
    Ok(FileFlags {
        digitised: r.int("papers")? > 0,
        e_result: r.int("results")? > 0,
    })
}

/// A dossier's files changed: its facts are read again and the cells moved.
pub(crate) async fn refresh_files(conn: &mut Conn<'_>, code: &str) -> Result<(), StoreError> {
    let Some(row) = conn
        .opt(
            "SELECT stat_facts FROM dossiers WHERE code = $1",
            &[Arg::from(code)],
        )
        .await?
    else {
        return Ok(());
    };
    let Some(old) = parse_facts(row.opt_text("stat_facts")?)? else {
        return Ok(());
    };
    let flags = file_flags(conn, code).await?;
    // What the dossier says about an online return is kept.
    let new = StatFacts {
        files: FileFlags {
            digitised: flags.digitised,
            e_result: flags.e_result || old.files.e_result,
        },
        ..old.clone()
    };
    if new == old {
        return Ok(());
    }
    conn.exec(
        "UPDATE dossiers SET stat_facts = $1 WHERE code = $2",
        &[Arg::from(serde_json::to_string(&new)?), Arg::from(code)],
    )
    .await?;
    move_dossier(conn, Some(&old), &new).await
}

/// What an order's facts are read from (its procedure is its dossier's).
const ORDER_FACTS_SQL: &str = "SELECT o.agency AS agency, d.procedure_code AS procedure_code, \
     o.paid_at AS paid_at, o.amount_paid AS amount_paid, o.status AS status, o.stat_facts AS stat_facts, \
     CAST((SELECT COUNT(*) FROM pay_credits c WHERE c.order_id = o.id AND c.method = 'cash') AS BIGINT) AS cash \
     FROM pay_orders o JOIN dossiers d ON d.code = o.dossier_code";

/// An order's facts from a row of [`ORDER_FACTS_SQL`].
fn payment_facts(r: &Row) -> Result<PaymentFacts, StoreError> {
    let paid = matches!(
        r.text("status")?.as_str(),
        "paid" | "refunded" | "partially_refunded"
    );
    Ok(PaymentFacts {
        agency: r.text("agency")?,
        procedure: r.text("procedure_code")?,
        paid: if paid {
            r.opt_time("paid_at")?.map(crate::payments::vietnam_day)
        } else {
            None
        },
        cashless: r.int("cash")? == 0,
        amount: r.int("amount_paid")?,
    })
}

/// A payment order's facts, read in the transaction that changed it, and the cells
/// moved from what it contributed before.
pub(crate) async fn refresh_order(conn: &mut Conn<'_>, order_id: i64) -> Result<(), StoreError> {
    let Some(r) = conn
        .opt(
            &format!("{ORDER_FACTS_SQL} WHERE o.id = $1"),
            &[Arg::from(order_id)],
        )
        .await?
    else {
        return Ok(());
    };
    let old: Option<PaymentFacts> = r
        .opt_text("stat_facts")?
        .map(|t| serde_json::from_str(&t))
        .transpose()?;
    let new = payment_facts(&r)?;
    if old.as_ref() == Some(&new) {
        return Ok(());
    }
    conn.exec(
        "UPDATE pay_orders SET stat_facts = $1 WHERE id = $2",
        &[Arg::from(serde_json::to_string(&new)?), Arg::from(order_id)],
    )
    .await?;
    let old_key = old.as_ref().map(PaymentFacts::key);
    let new_key = new.key();
    let changes = delta(
        old.as_ref()
            .zip(old_key.as_ref())
            .map(|(f, k)| (k, f.contributions())),
        Some((&new_key, new.contributions())),
    );
    add_cells(conn, &changes).await
}

/// The condition selecting a run's rows: its grain and its one period by equality
/// (so that the rows come in key order, procedure then agency), or a range of periods.
fn piece_sql(piece: &Piece, args: &mut Vec<Arg>) -> String {
    args.push(Arg::from(piece.grain.code()));
    let mut s = format!("grain = ${}", args.len());
    if let Some(day) = piece.single() {
        args.push(Arg::from(day.format("%Y-%m-%d").to_string()));
        let _ = write!(s, " AND period = ${}", args.len());
        return s;
    }
    if let Some(f) = piece.from {
        args.push(Arg::from(f.format("%Y-%m-%d").to_string()));
        let _ = write!(s, " AND period >= ${}", args.len());
    }
    if let Some(t) = piece.to {
        args.push(Arg::from(t.format("%Y-%m-%d").to_string()));
        let _ = write!(s, " AND period < ${}", args.len());
    }
    s
}

/// ` AND agency IN (…)` for the agencies asked for, their codes bound as arguments.
fn agency_in(list: &[String], args: &mut Vec<Arg>) -> String {
    let marks: Vec<String> = list
        .iter()
        .map(|a| {
            args.push(Arg::from(a.as_str()));
            format!("${}", args.len())
        })
        .collect();
    format!(" AND agency IN ({})", marks.join(", "))
}

type Sums = BTreeMap<(String, String), Counters>;

impl Store {
    /// Sums of `cols` per (group, procedure) over `pieces`: one query per run, so that
    /// each is a range of the primary key (an OR of ranges made SQLite scan the whole
    /// table), the runs read at the same time on their own connections. A run of one
    /// period is read in key order and summed as it is read (grouping the wide rows
    /// otherwise sorts them all first).
    async fn stat_sum(
        &self,
        pieces: &[Piece],
        agencies: Option<&[String]>,
        group: StatGroup,
        by_procedure: bool,
        cols: &[Counter],
    ) -> Result<Sums, StoreError> {
        let mut out = Sums::new();
        if agencies.is_some_and(<[String]>::is_empty) {
            return Ok(out);
        }
        let runs = pieces
            .iter()
            .map(|piece| self.stat_sum_run(piece, agencies, group, by_procedure, cols));
        for rows in futures::future::try_join_all(runs).await? {
            for (k, c) in rows {
                out.entry(k).or_default().add_all(&c);
            }
        }
        Ok(out)
    }

    async fn stat_sum_run(
        &self,
        piece: &Piece,
        agencies: Option<&[String]>,
        group: StatGroup,
        by_procedure: bool,
        cols: &[Counter],
    ) -> Result<Vec<((String, String), Counters)>, StoreError> {
        let mut rc = self.read().await?;
        let pg = rc.conn().is_postgres();
        // Grouped by the run's one grain at least: no rows then means no group, never
        // a row of NULL sums.
        let mut group_by: Vec<&str> = vec!["grain"];
        if by_procedure {
            group_by.push("procedure");
        }
        group_by.extend(group.columns());
        let mut args = Vec::new();
        let mut sql = format!(
            "SELECT {} AS g, {} AS p, {} FROM stat_cells WHERE {}",
            group.expr(),
            if by_procedure { "procedure" } else { "''" },
            sums_sql(pg, cols),
            piece_sql(piece, &mut args)
        );
        if let Some(list) = agencies {
            sql.push_str(&agency_in(list, &mut args));
        }
        let _ = write!(sql, " GROUP BY {}", group_by.join(", "));
        let rows = rc.conn().all(&sql, &args).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let c = counters_in(r, cols)?;
            if !c.is_zero() {
                out.push(((r.text("g")?, r.text("p")?), c));
            }
        }
        Ok(out)
    }

    /// The sums a plan adds up to: its runs to add minus its runs to take away.
    async fn stat_plan_sum(
        &self,
        plan: &Plan,
        agencies: Option<&[String]>,
        group: StatGroup,
        by_procedure: bool,
        cols: &[Counter],
    ) -> Result<Sums, StoreError> {
        let (mut sums, minus) = tokio::try_join!(
            self.stat_sum(&plan.plus, agencies, group, by_procedure, cols),
            self.stat_sum(&plan.minus, agencies, group, by_procedure, cols),
        )?;
        if !minus.is_empty() {
            for (k, m) in minus {
                sums.entry(k).or_default().sub_all(&m);
            }
            sums.retain(|_, c| !c.is_zero());
        }
        Ok(sums)
    }

    /// The counters of the days `[from, to)` and the all-time sums before `from` and
    /// before `to` (stocks), per group, for the given agencies (all when `None`);
    /// `today` only helps choose the cheapest rows to read.
    /// Three queries over a bounded number of rows whatever the number of dossiers.
    pub async fn stat_parts(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
        agencies: Option<&[String]>,
        group: StatGroup,
    ) -> Result<StatParts, StoreError> {
        let whole = |grain| Piece {
            grain,
            from: None,
            to: None,
        };
        // Stocks need no procedure split: they are read per group only (a handful of
        // rows), the period's counters per group and procedure. The four sums are
        // read at the same time.
        let stock = |plan: Plan| async move {
            self.stat_plan_sum(&plan, agencies, group, false, &Stock::COUNTERS)
                .await
        };
        // Inside a period not over, the sums before today too (what is overdue now).
        let inside = from <= today && today < to;
        let period = plan(from, to, today);
        let (all, flows, after, after_today) = tokio::try_join!(
            stock(Plan {
                plus: vec![whole(Grain::All)],
                minus: Vec::new(),
            }),
            self.stat_plan_sum(&period, agencies, group, true, Counter::ALL),
            stock(since_plan(to, today)),
            async {
                if inside {
                    stock(since_plan(today, today)).await.map(Some)
                } else {
                    Ok(None)
                }
            },
        )?;
        let mut flows_of_group: BTreeMap<&str, Counters> = BTreeMap::new();
        for ((g, _), f) in &flows {
            flows_of_group.entry(g.as_str()).or_default().add_all(f);
        }
        let mut parts = StatParts::new();
        for ((g, _), total) in &all {
            let a = after
                .get(&(g.clone(), String::new()))
                .copied()
                .unwrap_or_default();
            let f = flows_of_group.get(g.as_str()).copied().unwrap_or_default();
            let before_cut = after_today.as_ref().map(|m| {
                total.minus(
                    &m.get(&(g.clone(), String::new()))
                        .copied()
                        .unwrap_or_default(),
                )
            });
            // The group's stocks, under an empty procedure.
            parts.insert(
                (g.clone(), String::new()),
                Part {
                    flows: Counters::default(),
                    before_to: total.minus(&a),
                    before_from: total.minus(&a).minus(&f),
                    before_cut,
                },
            );
        }
        for (k, f) in flows {
            parts.entry(k).or_default().flows.add_all(&f);
        }
        Ok(parts)
    }

    /// Counters per day or month (`grain`) of `[from, to)`, for a trend chart.
    pub async fn stat_series(
        &self,
        grain: Grain,
        from: NaiveDate,
        to: NaiveDate,
        agencies: Option<&[String]>,
    ) -> Result<Vec<(NaiveDate, Counters)>, StoreError> {
        let mut rc = self.read().await?;
        let pg = rc.conn().is_postgres();
        let mut args = Vec::new();
        let mut sql = format!(
            "SELECT period AS g, {} FROM stat_cells WHERE {}",
            sums_sql(pg, Counter::ALL),
            piece_sql(
                &Piece {
                    grain,
                    from: Some(from),
                    to: Some(to),
                },
                &mut args
            )
        );
        if let Some(list) = agencies {
            if list.is_empty() {
                return Ok(Vec::new());
            }
            sql.push_str(&agency_in(list, &mut args));
        }
        sql.push_str(" GROUP BY period ORDER BY period");
        let rows = rc.conn().all(&sql, &args).await?;
        rows.iter()
            .map(|r| {
                let d = NaiveDate::parse_from_str(&r.text("g")?, "%Y-%m-%d")
                    .map_err(StoreError::corrupt)?;
                Ok((d, counters_of(r)?))
            })
            .collect()
    }

    /// Every stored cell (for the consistency check and exports).
    pub async fn stat_cells(&self) -> Result<CellMap, StoreError> {
        let cols: Vec<&str> = Counter::ALL.iter().map(|c| c.column()).collect();
        let sql = format!(
            "SELECT grain, period, agency, unit, procedure, officer, {} FROM stat_cells",
            cols.join(", ")
        );
        let mut rc = self.read().await?;
        let rows = rc.conn().all(&sql, &[]).await?;
        let mut out = CellMap::new();
        for r in &rows {
            let c = counters_of(r)?;
            if c.is_zero() {
                continue;
            }
            out.insert(
                (
                    grain_of(&r.text("grain")?)?,
                    r.text("period")?,
                    StatKey {
                        agency: r.text("agency")?,
                        unit: r.text("unit")?,
                        procedure: r.text("procedure")?,
                        officer: r.text("officer")?,
                    },
                ),
                c,
            );
        }
        Ok(out)
    }

    /// Every dossier's facts, recomputed from its document, history and files.
    async fn all_dossier_facts(&self) -> Result<Vec<(String, StatFacts)>, StoreError> {
        let mut facts = Vec::new();
        let mut after = String::new();
        loop {
            let codes: Vec<String> = {
                let mut rc = self.read().await?;
                rc.conn()
                    .all(
                        "SELECT code FROM dossiers WHERE code > $1 ORDER BY code LIMIT 500",
                        &[Arg::from(after.as_str())],
                    )
                    .await?
                    .iter()
                    .map(|r| r.text("code"))
                    .collect::<Result<_, _>>()?
            };
            let Some(last) = codes.last() else { break };
            after.clone_from(last);
            for code in codes {
                if let Some(d) = self.dossier(&code).await? {
                    let flags = {
                        let mut rc = self.read().await?;
                        file_flags(&mut rc.conn(), &code).await?
                    };
                    facts.push((code, StatFacts::of(&d, flags)));
                }
            }
        }
        Ok(facts)
    }

    /// The cells recounted from scratch: every dossier's facts recomputed from its
    /// document, history and files, every order's from its row. What `stat_cells`
    /// must equal.
    pub async fn stat_recount(&self) -> Result<CellMap, StoreError> {
        let mut changes: Vec<(StatKey, NaiveDate, Counters)> = Vec::new();
        for (_, f) in self.all_dossier_facts().await? {
            for (day, c) in f.contributions() {
                changes.push((f.key.clone(), day, c));
            }
        }
        let orders = {
            let mut rc = self.read().await?;
            rc.conn().all(ORDER_FACTS_SQL, &[]).await?
        };
        for r in &orders {
            let f = payment_facts(r)?;
            for (day, c) in f.contributions() {
                changes.push((f.key(), day, c));
            }
        }
        let mut out = CellMap::new();
        for (key, day, c) in changes {
            for g in Grain::ALL {
                out.entry((g, g.key(day), key.clone()))
                    .or_default()
                    .add_all(&c);
            }
        }
        out.retain(|_, c| !c.is_zero());
        Ok(out)
    }

    /// Rebuilds the cells and every row's facts from scratch (after an upgrade from a
    /// version without statistics, or by an administrator): one transaction.
    pub async fn stat_rebuild(&self) -> Result<usize, StoreError> {
        let facts = self.all_dossier_facts().await?;
        let n = facts.len();
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    let mut conn = batch.conn();
                    conn.exec("DELETE FROM stat_cells", &[]).await?;
                    conn.exec("UPDATE pay_orders SET stat_facts = NULL", &[])
                        .await?;
                    let mut changes = Vec::new();
                    for (code, f) in &facts {
                        conn.exec(
                            "UPDATE dossiers SET stat_facts = $1 WHERE code = $2",
                            &[
                                Arg::from(serde_json::to_string(f)?),
                                Arg::from(code.as_str()),
                            ],
                        )
                        .await?;
                        for (day, c) in f.contributions() {
                            changes.push((f.key.clone(), day, c));
                        }
                    }
                    add_cells(&mut conn, &changes).await?;
                    let ids: Vec<i64> = conn
                        .all("SELECT id FROM pay_orders ORDER BY id", &[])
                        .await?
                        .iter()
                        .map(|r| r.int("id"))
                        .collect::<Result<_, _>>()?;
                    for id in ids {
                        refresh_order(&mut conn, id).await?;
                    }
                    Ok(n)
                })
            })
            .await
    }

    /// Whether some dossier has no statistics facts yet (written before they existed).
    pub async fn stat_backfill_needed(&self) -> Result<bool, StoreError> {
        let mut rc = self.read().await?;
        Ok(rc
            .conn()
            .opt(
                "SELECT code FROM dossiers WHERE stat_facts IS NULL LIMIT 1",
                &[],
            )
            .await?
            .is_some())
    }
}

impl Store {
    /// Dossiers of `agencies` whose processing ended late in `[from, to)` (instants),
    /// latest first, at most `limit` (the drill-down behind a late figure).
    pub async fn late_dossiers(
        &self,
        agencies: &[String],
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
        limit: u32,
    ) -> Result<Vec<crate::DossierSummary>, StoreError> {
        let mut rc = self.read().await?;
        let mut conn = rc.conn();
        let mut out = Vec::new();
        // One index range per agency, each already in order; merged here.
        for a in agencies {
            let rows = conn
                .all(
                    &format!(
                        "SELECT {} FROM dossiers WHERE timeliness = 'late' AND handling_agency = $1 \
                         AND completed_at >= $2 AND completed_at < $3 ORDER BY completed_at DESC LIMIT {limit}",
                        crate::dossiers::SUMMARY_COLUMNS
                    ),
                    &[Arg::from(a.as_str()), Arg::from(from), Arg::from(to)],
                )
                .await?;
            for r in &rows {
                out.push((
                    r.opt_time("completed_at")?,
                    crate::dossiers::summary_from_row(r)?,
                ));
            }
        }
        out.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.code.cmp(&b.1.code)));
        Ok(out
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|(_, s)| s)
            .collect())
    }
}

/// A dossier made up for a benchmark: the columns the queues and statistics read and
/// its facts; its document is empty (it cannot be opened), which is why only
/// `motcua bench dashboard` loads such rows, into a scratch database.
#[derive(Debug, Clone)]
pub struct SyntheticDossier {
    /// Code.
    pub code: String,
    /// Status.
    pub status: motcua_domain::Status,
    /// Filed.
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    /// Received.
    pub received_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Appointment.
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Processing ended.
    pub completed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Returned.
    pub returned_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Its facts (key, channel, days, verdict…).
    pub facts: StatFacts,
}

impl Store {
    /// Loads made-up dossiers and adds their contributions (one transaction; for
    /// benchmarks). Give them in time order so the cells of one call stay few.
    pub async fn load_synthetic(&self, rows: Vec<SyntheticDossier>) -> Result<usize, StoreError> {
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    let mut conn = batch.conn();
                    let pg = conn.is_postgres();
                    let mut changes = Vec::new();
                    const COLS: usize = 24;
                    for chunk in rows.chunks(400) {
                        let mut sql = format!(
                            "INSERT INTO dossiers ({}) VALUES ",
                            crate::dossiers::COLUMNS
                        );
                        let mut args: Vec<Arg> = Vec::with_capacity(chunk.len() * COLS);
                        for (i, d) in chunk.iter().enumerate() {
                            if i > 0 {
                                sql.push(',');
                            }
                            sql.push_str(&crate::sql::row_marks(pg, i, COLS));
                            let f = &d.facts;
                            args.extend([
                                Arg::from(d.code.as_str()),
                                Arg::from(f.key.procedure.as_str()),
                                Arg::from(d.status.as_str()),
                                Arg::from(f.channel.as_str()),
                                Arg::from(f.key.agency.as_str()),
                                Arg::from(f.key.agency.as_str()),
                                Arg::from((!f.key.unit.is_empty()).then(|| f.key.unit.clone())),
                                Arg::from(
                                    (!f.key.officer.is_empty()).then(|| f.key.officer.clone()),
                                ),
                                Arg::from(None::<String>),
                                Arg::from(None::<String>),
                                Arg::from("Nguyễn Văn An"),
                                Arg::from(d.submitted_at),
                                Arg::from(d.received_at),
                                Arg::from(d.due_at),
                                Arg::from(d.completed_at),
                                Arg::from(d.returned_at),
                                Arg::from(f.extended),
                                Arg::from(1_i64),
                                Arg::from("{}"),
                                Arg::from(f.timeliness.map(|t| match t {
                                    motcua_calendar::Timeliness::Early => "early".to_owned(),
                                    motcua_calendar::Timeliness::OnTime => "on_time".to_owned(),
                                    motcua_calendar::Timeliness::Late => "late".to_owned(),
                                })),
                                Arg::from(!d.status.is_terminal()),
                                Arg::from(false),
                                Arg::from(None::<String>),
                                Arg::from(serde_json::to_string(f)?),
                            ]);
                            for (day, c) in f.contributions() {
                                changes.push((f.key.clone(), day, c));
                            }
                        }
                        conn.exec(&sql, &args).await?;
                    }
                    add_cells(&mut conn, &changes).await?;
                    Ok(rows.len())
                })
            })
            .await
    }
}
