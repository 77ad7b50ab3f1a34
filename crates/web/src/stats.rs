//! The figures of the dashboard, the API and the reports: which agencies a request
//! covers, the sums read from the store, grouped and labelled, and the 766 index.
//! The formulas are the domain's ([`motcua_domain::stats`]); this only gathers.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use motcua_domain::stats::index766::{Index766, IndexConfig, IndexInput, compute};
use motcua_domain::stats::measures::{OnlineSplit, Stock};
use motcua_domain::stats::{Counter, Counters, Figures};
use motcua_domain::{Catalog, Directory, OnlineMode, Role, Subject};
use motcua_store::{Part, StatGroup};
use serde::Serialize;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Longest range one request may cover, in days (ten years).
const MAX_DAYS: i64 = 3_660;

/// What the rows of a breakdown are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Breakdown {
    /// Agencies.
    Agency,
    /// Units of the agencies.
    Unit,
    /// Procedures.
    Procedure,
    /// Sectors (lĩnh vực) of the procedures.
    Sector,
    /// Officers.
    Officer,
}

impl Breakdown {
    /// Parses the query value.
    pub fn parse(s: &str) -> ApiResult<Breakdown> {
        Ok(match s {
            "agency" => Self::Agency,
            "unit" => Self::Unit,
            "procedure" => Self::Procedure,
            "sector" => Self::Sector,
            "officer" => Self::Officer,
            _ => {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "stats_group_invalid",
                    format!(
                        "Cách nhóm “{s}” không hợp lệ: agency, unit, procedure, sector hoặc officer"
                    ),
                    "group must be agency, unit, procedure, sector or officer",
                )
                .on_field("group"));
            }
        })
    }

    fn store_group(self) -> StatGroup {
        match self {
            Self::Agency => StatGroup::Agency,
            Self::Unit => StatGroup::Unit,
            Self::Procedure | Self::Sector => StatGroup::Procedure,
            Self::Officer => StatGroup::Officer,
        }
    }
}

/// The agencies a request covers and how to name them.
#[derive(Debug, Clone, Serialize)]
pub struct Scope {
    /// The agency asked for, if any (`None`: the whole province).
    pub agency: Option<String>,
    /// Its name, or the province's.
    pub name: String,
    /// The agency and every agency under it; `None` for the province.
    #[serde(skip)]
    pub agencies: Option<Vec<String>>,
}

/// The scope of `agency` (with the agencies under it), or the whole province.
pub fn scope(directory: &Directory, agency: Option<&str>) -> ApiResult<Scope> {
    let Some(code) = agency.map(str::trim).filter(|a| !a.is_empty()) else {
        let name = directory
            .admin_units
            .values()
            .find(|u| u.parent.is_none())
            .map_or_else(|| "Toàn tỉnh".to_owned(), |u| u.name.clone());
        return Ok(Scope {
            agency: None,
            name,
            agencies: None,
        });
    };
    let Some(a) = directory.agency(code) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "agency_not_found",
            format!("Không có cơ quan mã “{code}”"),
            "no such agency",
        )
        .on_field("agency"));
    };
    let mut list = vec![a.code.clone()];
    let mut i = 0;
    while let Some(parent) = list.get(i).cloned() {
        for child in directory.agencies.values() {
            if child.parent.as_deref() == Some(parent.as_str()) && !list.contains(&child.code) {
                list.push(child.code.clone());
            }
        }
        i += 1;
    }
    Ok(Scope {
        agency: Some(a.code.clone()),
        name: a.name.clone(),
        agencies: Some(list),
    })
}

/// Checks a range given as inclusive days, and returns it as `[from, to)`.
pub fn range(from: NaiveDate, to_inclusive: NaiveDate) -> ApiResult<(NaiveDate, NaiveDate)> {
    let to = to_inclusive + Duration::days(1);
    if to <= from || (to - from).num_days() > MAX_DAYS {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "stats_range_invalid",
            "Khoảng thời gian không hợp lệ: từ ngày phải không sau đến ngày, và không quá 10 năm",
            "from must not be after to, and the range must not exceed ten years",
        )
        .on_field("from"));
    }
    Ok((from, to))
}

/// Who may read figures: officers and administrators (citizens read the public page).
pub fn may_read(subject: &Subject) -> ApiResult<()> {
    if matches!(subject, Subject::Officer { .. }) {
        Ok(())
    } else {
        Err(ApiError::from(motcua_domain::DomainError::not_allowed(
            "chỉ cán bộ, công chức xem được số liệu thống kê chi tiết; số liệu công khai ở trang Thống kê",
            "only officers read detailed statistics; the public figures are on the public page",
        )))
    }
}

/// Per-officer figures are about people: only the leaders of the agencies covered
/// (or administrators) see them.
pub fn may_read_officers(subject: &Subject, scope: &Scope, directory: &Directory) -> ApiResult<()> {
    if subject.has_role_anywhere(Role::Admin) {
        return Ok(());
    }
    let leads = |a: &str| {
        subject.has_role_in(Role::AgencyLeader, a) || subject.has_role_in(Role::UnitLeader, a)
    };
    let all: Vec<String> = match &scope.agencies {
        Some(list) => list.clone(),
        None => directory.agencies.keys().cloned().collect(),
    };
    if !all.is_empty() && all.iter().all(|a| leads(a)) {
        Ok(())
    } else {
        Err(ApiError::from(motcua_domain::DomainError::not_allowed(
            "số liệu theo từng cán bộ chỉ dành cho lãnh đạo cơ quan",
            "per-officer figures are for the agency's leaders",
        )))
    }
}

/// One row of a breakdown.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Agency, `agency/unit`, procedure, sector or `agency/officer`.
    pub key: String,
    /// Its name.
    pub name: String,
    /// Its figures.
    #[serde(flatten)]
    pub figures: Figures,
}

/// The figures of a scope and period, with an optional breakdown.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// Which agencies.
    pub scope: Scope,
    /// The figures of everything covered.
    #[serde(flatten)]
    pub total: Figures,
    /// The breakdown, if asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<Vec<Row>>,
    /// Per-procedure parts of the period (for the index and the charts).
    #[serde(skip)]
    pub by_procedure: BTreeMap<String, Part>,
}

/// Makes the end stock's overdue count that of `before_today` (the sums before
/// today) while keeping its open count: the counters behind "overdue" are replaced.
fn overdue_now(p: &mut Part, before_today: &Counters) {
    for c in [Counter::Due, Counter::EndedByDue, Counter::EndedAfterDue] {
        let v = before_today.get(c) - p.before_to.get(c);
        p.before_to.add(c, v);
    }
}

fn figures_of<'a>(
    parts: impl IntoIterator<Item = (&'a String, &'a Part)>,
    catalog: &Catalog,
) -> Figures {
    let mut sum = Part::default();
    let mut split = OnlineSplit::default();
    for (procedure, p) in parts {
        sum.add(p);
        let s = OnlineSplit::of([(procedure.as_str(), &p.flows)], catalog);
        split.full += s.full;
        split.partial += s.partial;
    }
    Figures::compute(
        &sum.flows,
        Stock::from_cumulative(&sum.before_from),
        Stock::from_cumulative(&sum.before_to),
        split,
    )
}

fn row_name(state: &AppState, breakdown: Breakdown, key: &str) -> String {
    let directory = state.directory();
    let catalog = state.catalog();
    let (agency, rest) = key.split_once('/').unwrap_or((key, ""));
    match breakdown {
        Breakdown::Agency => directory
            .agency(key)
            .map_or_else(|| key.to_owned(), |a| a.name.clone()),
        Breakdown::Procedure => catalog
            .get(key)
            .map_or_else(|| key.to_owned(), |p| p.name.clone()),
        Breakdown::Sector => key.to_owned(),
        Breakdown::Unit if rest.is_empty() => "(Chưa giao phòng, ban)".to_owned(),
        Breakdown::Unit => directory
            .units
            .get(rest)
            .map_or_else(|| rest.to_owned(), |u| u.name.clone()),
        Breakdown::Officer if rest.is_empty() => "(Chưa giao cán bộ)".to_owned(),
        Breakdown::Officer => {
            let who = directory
                .officers
                .get(rest)
                .map_or_else(|| rest.to_owned(), |o| o.full_name.clone());
            if directory.agencies.len() > 1 {
                let a = directory.agency(agency).map_or(agency, |a| a.name.as_str());
                format!("{who} — {a}")
            } else {
                who
            }
        }
    }
}

/// The figures of `scope` over `[from, to)`, broken down if asked.
pub async fn view(
    state: &AppState,
    scope: Scope,
    from: NaiveDate,
    to: NaiveDate,
    breakdown: Option<Breakdown>,
) -> ApiResult<View> {
    let group = breakdown.map_or(StatGroup::Procedure, Breakdown::store_group);
    let today = motcua_domain::time::to_local(state.now()).date();
    let mut parts = state
        .store()
        .stat_parts(from, to, today, scope.agencies.as_deref(), group)
        .await?;
    // A period that is not over: what is overdue is counted now, not at its end (a
    // dossier due today is not late before today ends).
    for p in parts.values_mut() {
        if let Some(now) = p.before_cut {
            overdue_now(p, &now);
        }
    }
    let catalog = state.catalog();
    let mut by_procedure: BTreeMap<String, Part> = BTreeMap::new();
    let mut by_row: BTreeMap<String, BTreeMap<String, Part>> = BTreeMap::new();
    for ((g, procedure), p) in &parts {
        by_procedure.entry(procedure.clone()).or_default().add(p);
        if let Some(b) = breakdown {
            // Grouped by procedure, the group key is the procedure (the stocks' parts
            // have no procedure of their own).
            let key = if b == Breakdown::Sector {
                catalog
                    .get(g)
                    .map_or_else(|| "Khác".to_owned(), |x| x.sector.clone())
            } else {
                g.clone()
            };
            by_row
                .entry(key)
                .or_default()
                .entry(procedure.clone())
                .or_default()
                .add(p);
        }
    }
    let total = figures_of(by_procedure.iter(), &catalog);
    let rows = breakdown.map(|b| {
        let mut rows: Vec<Row> = by_row
            .iter()
            .map(|(key, procs)| Row {
                key: key.clone(),
                name: row_name(state, b, key),
                figures: figures_of(procs.iter(), &catalog),
            })
            .filter(|r| r.figures != figures_of(std::iter::empty(), &catalog))
            .collect();
        rows.sort_by(|a, b| {
            (b.figures.received + b.figures.carried_over)
                .cmp(&(a.figures.received + a.figures.carried_over))
                .then_with(|| a.name.cmp(&b.name))
        });
        rows
    });
    Ok(View {
        from,
        to: to - Duration::days(1),
        scope,
        total,
        rows,
        by_procedure,
    })
}

/// The 766 index of a view's period.
pub fn index766(state: &AppState, view: &View) -> ApiResult<Index766> {
    let config = IndexConfig::shipped()?;
    let catalog = state.catalog();
    let fees = state.fees();
    let has_fee = |code: &str| {
        fees.schedules.iter().any(|s| s.procedure == code)
            || catalog
                .get(code)
                .and_then(|p| p.versions.last())
                .is_some_and(|v| !v.fees.is_empty())
    };
    let online_offered = |code: &str| {
        catalog
            .get(code)
            .and_then(|p| p.versions.last())
            .is_some_and(|v| v.online_mode != OnlineMode::None)
    };
    let flows = |code: &str| {
        view.by_procedure
            .get(code)
            .map_or_else(Counters::default, |p| p.flows)
    };
    let codes: Vec<&String> = catalog.procedures.keys().collect();
    let count = |f: &dyn Fn(&str) -> bool| {
        i64::try_from(codes.iter().filter(|c| f(c)).count()).unwrap_or(i64::MAX)
    };
    let input = IndexInput {
        figures: view.total.clone(),
        procedures_total: count(&|_| true),
        procedures_online: count(&|c| online_offered(c)),
        procedures_with_online_dossiers: count(&|c| {
            let f = flows(c);
            online_offered(c)
                && f.get(Counter::ReceivedOnline) + f.get(Counter::ReceivedAssisted) > 0
        }),
        procedures_with_fees: count(&|c| has_fee(c)),
        procedures_with_fees_paid_online: count(&|c| {
            has_fee(c) && flows(c).get(Counter::PaidCashless) > 0
        }),
    };
    Ok(compute(&input, &config))
}

/// The periodic report of `period` as Excel, or PDF when `pdf`.
pub async fn report_file(
    state: &AppState,
    period: motcua_domain::stats::period::Period,
    agency: Option<&str>,
    group: Breakdown,
    pdf: bool,
) -> ApiResult<Vec<u8>> {
    let scope = scope(&state.directory(), agency)?;
    let (from, to) = period.range();
    let view = view(state, scope, from, to, Some(group)).await?;
    let report = motcua_render::stats::StatsReport {
        title: "Tình hình, kết quả giải quyết thủ tục hành chính".to_owned(),
        unit_name: view.scope.name.clone(),
        period_label: period.label_vi(),
        from: view.from,
        to_inclusive: view.to,
        row_heading: match group {
            Breakdown::Agency => "Cơ quan",
            Breakdown::Procedure => "Thủ tục hành chính",
            _ => "Lĩnh vực",
        }
        .to_owned(),
        rows: view
            .rows
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.name, r.figures))
            .collect(),
        total: view.total,
        generated_at: motcua_domain::time::to_local(state.now()),
    };
    let bytes = if pdf {
        let engine = state.engine();
        tokio::task::spawn_blocking(move || report.pdf(&engine))
            .await
            .map_err(ApiError::internal)?
    } else {
        report.xlsx()
    };
    bytes.map_err(ApiError::internal)
}
