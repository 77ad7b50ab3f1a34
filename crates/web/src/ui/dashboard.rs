//! The statistics pages (thống kê): the officer's view of a period (figures, the same
//! period a year before, a twelve-month trend, a breakdown to drill into), the late
//! dossiers behind a figure, the Decision 766 index, the report files, and the public
//! page of the province's figures. The figures come from [`crate::stats`]; this module
//! only reads the form, checks who may see what, and lays the figures out.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::{Datelike, Months, NaiveDate};
use motcua_domain::stats::index766::{Amount, GroupScore, IndicatorScore};
use motcua_domain::stats::measures::{MEASURES, percent};
use motcua_domain::stats::period::Period;
use motcua_domain::stats::{Counter, Counters, Figures, Grain};
use motcua_domain::{Directory, Role, Subject};
use motcua_render::chart::{self, Series};
use motcua_store::{DossierFilter, DossierSummary};
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::AppState;
use crate::stats::{Breakdown, Scope, View};
use crate::ui::i18n::Tr;
use crate::ui::session::urlencode;
use crate::ui::{Ui, UiError, UiResult, render, when};

/// Most dossiers a late list shows (each of its two parts).
const LATE_LIMIT: u32 = 200;

fn api_err(ui: &Ui, e: impl Into<ApiError>) -> UiError {
    UiError::from_api(ui, e.into())
}

fn officer(ui: &Ui) -> UiResult<Subject> {
    let s = ui.require_login()?;
    crate::stats::may_read(s).map_err(|e| api_err(ui, e))?;
    Ok(s.clone())
}

fn today(state: &AppState) -> NaiveDate {
    motcua_domain::time::to_local(state.now()).date()
}

fn midnight(d: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    motcua_domain::time::from_local(d.and_hms_opt(0, 0, 0).unwrap_or_default())
}

// ---------------------------------------------------------------------------------
// Numbers the Vietnamese way
// ---------------------------------------------------------------------------------

fn num(n: i64) -> String {
    motcua_domain::fee::vnd(n)
}

/// `99,5`, `100`, `1.234,25`: two decimals at most.
#[allow(clippy::cast_possible_truncation)]
fn dec(x: f64) -> String {
    if !x.is_finite() {
        return "—".to_owned();
    }
    let cents = (x.abs() * 100.0).round() as i64;
    let sign = if x < 0.0 && cents > 0 { "-" } else { "" };
    let (whole, frac) = (cents / 100, cents % 100);
    match frac {
        0 => format!("{sign}{}", num(whole)),
        f if f % 10 == 0 => format!("{sign}{},{}", num(whole), f / 10),
        f => format!("{sign}{},{f:02}", num(whole)),
    }
}

/// `99,5 %`, the sign kept with its number (a no-break space).
fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), |v| format!("{}\u{a0}%", dec(v)))
}

// ---------------------------------------------------------------------------------
// The period and agency form
// ---------------------------------------------------------------------------------

/// The form of the statistics pages (`?ky=2026-11&co-quan=…`, or `tu`/`den`).
#[derive(Debug, Deserialize, Default)]
pub struct StatsQuery {
    /// Period: `2026-11`, `2026-Q4`, `2026` (or a day).
    #[serde(default)]
    ky: String,
    /// First day of a free range.
    #[serde(default)]
    tu: String,
    /// Last day of a free range (inclusive).
    #[serde(default)]
    den: String,
    /// Agency (with those under it); the province when empty.
    #[serde(default, rename = "co-quan")]
    agency: String,
    /// Late list: only this unit.
    #[serde(default, rename = "don-vi")]
    unit: String,
    /// Late list: only this procedure.
    #[serde(default, rename = "thu-tuc")]
    procedure: String,
    /// `0`: no automatic refresh.
    #[serde(default, rename = "tu-dong")]
    auto: String,
    /// Report rows: `sector` (default), `agency` or `procedure`.
    #[serde(default)]
    nhom: String,
}

/// What the form chose: a named period, or free days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chosen {
    Period(Period),
    /// First and last day, inclusive.
    Days(NaiveDate, NaiveDate),
}

impl Chosen {
    /// `[from, to)`.
    fn range(self) -> (NaiveDate, NaiveDate) {
        match self {
            Chosen::Period(p) => p.range(),
            Chosen::Days(from, to) => (from, to.succ_opt().unwrap_or(to)),
        }
    }

    fn year_before(self) -> Chosen {
        match self {
            Chosen::Period(p) => Chosen::Period(p.year_before()),
            Chosen::Days(from, to) => {
                let back = |d: NaiveDate| d.checked_sub_months(Months::new(12)).unwrap_or(d);
                Chosen::Days(back(from), back(to))
            }
        }
    }

    fn label(self, tr: &Tr) -> String {
        let d = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
        match self {
            Chosen::Period(Period::Day(x)) => tr.t1("stats-period-day", "day", d(x)),
            Chosen::Period(Period::Month(y, m)) => {
                tr.t1("stats-period-month", "month", format!("{m:02}/{y}"))
            }
            Chosen::Period(Period::Quarter(y, q)) => {
                tr.t1("stats-period-quarter", "quarter", format!("{q}/{y}"))
            }
            Chosen::Period(Period::Year(y)) => tr.t1("stats-period-year", "year", y),
            Chosen::Days(from, to) => tr.t1(
                "stats-period-days",
                "days",
                format!("{} – {}", d(from), d(to)),
            ),
        }
    }

    /// The query string that chooses it again.
    fn query(self) -> String {
        match self {
            Chosen::Period(p) => format!("ky={}", p.code()),
            Chosen::Days(from, to) => format!("tu={from}&den={to}"),
        }
    }
}

/// The form as shown again, with an error next to each field that has one.
#[derive(Debug, Default)]
pub struct FormView {
    action: &'static str,
    ky: String,
    tu: String,
    den: String,
    agency: String,
    agencies: Vec<(String, String)>,
    /// Label of the empty agency choice.
    all_label: String,
    period_error: Option<String>,
    range_error: Option<String>,
    agency_error: Option<String>,
    /// Quick choices: label, link, whether it is the one shown.
    quick: Vec<(String, String, bool)>,
}

impl FormView {
    /// The errors, each with the id of its field (for the summary's links).
    fn errors(&self) -> Vec<(&'static str, &str)> {
        [
            ("ky", &self.period_error),
            ("co-quan", &self.agency_error),
            ("tu", &self.range_error),
        ]
        .into_iter()
        .filter_map(|(id, e)| e.as_deref().map(|e| (id, e)))
        .collect()
    }

    fn days_open(&self) -> bool {
        !self.tu.is_empty() || !self.den.is_empty() || self.range_error.is_some()
    }
}

/// The form read: what it chose, or the errors and the status to answer with.
#[derive(Debug)]
struct Read {
    form: FormView,
    chosen: Option<Chosen>,
    scope: Option<Scope>,
    status: StatusCode,
}

fn read_form(
    state: &AppState,
    ui: &Ui,
    q: &StatsQuery,
    action: &'static str,
    agencies: Vec<(String, String)>,
) -> Read {
    let tr = &ui.tr;
    let today = today(state);
    let this_month = Period::Month(today.year(), today.month());
    let mut form = FormView {
        action,
        agencies,
        agency: q.agency.trim().to_owned(),
        tu: q.tu.trim().to_owned(),
        den: q.den.trim().to_owned(),
        ..FormView::default()
    };
    let mut status = StatusCode::OK;
    let chosen = if !form.tu.is_empty() || !form.den.is_empty() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        match (day(&form.tu), day(&form.den)) {
            (Some(from), Some(to)) if crate::stats::range(from, to).is_ok() => {
                Some(Chosen::Days(from, to))
            }
            (Some(_), Some(_)) => {
                form.range_error = Some(tr.t("stats-error-range"));
                None
            }
            _ => {
                form.range_error = Some(tr.t("stats-error-days"));
                None
            }
        }
    } else if q.ky.trim().is_empty() {
        Some(Chosen::Period(this_month))
    } else {
        match Period::parse(&q.ky) {
            Ok(p) => Some(Chosen::Period(p)),
            Err(_) => {
                form.ky = q.ky.trim().to_owned();
                form.period_error = Some(tr.t("stats-error-period"));
                None
            }
        }
    };
    if chosen.is_none() {
        status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    if let Some(Chosen::Period(p)) = chosen {
        form.ky = p.code();
    }
    let scope = match crate::stats::scope(&state.directory(), Some(&form.agency)) {
        Ok(s) => Some(s),
        Err(e) => {
            form.agency_error = Some(tr.t1("stats-error-agency", "code", &form.agency));
            if status == StatusCode::OK {
                status = e.status();
            }
            None
        }
    };
    let agency_qs = if form.agency.is_empty() || form.agency_error.is_some() {
        String::new()
    } else {
        format!("&co-quan={}", urlencode(&form.agency))
    };
    let quick = [
        ("stats-quick-month", this_month),
        ("stats-quick-last-month", this_month.previous()),
        (
            "stats-quick-quarter",
            Period::Quarter(today.year(), today.month0() / 3 + 1),
        ),
        ("stats-quick-year", Period::Year(today.year())),
        ("stats-quick-last-year", Period::Year(today.year() - 1)),
    ];
    form.quick = quick
        .into_iter()
        .map(|(key, p)| {
            (
                tr.t(key),
                format!("{action}?ky={}{agency_qs}", p.code()),
                chosen == Some(Chosen::Period(p)),
            )
        })
        .collect();
    Read {
        form,
        chosen,
        scope,
        status,
    }
}

fn all_agencies(directory: &Directory) -> Vec<(String, String)> {
    directory
        .agencies
        .values()
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect()
}

fn with_headers(mut resp: Response, status: StatusCode) -> Response {
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    // The same address answers the page or, to htmx, its figures alone.
    h.insert(header::VARY, HeaderValue::from_static("HX-Request"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The SVG of a chart, to put in the page: without its own `<style>` (the page's
/// security policy refuses inline styles; `app.css` carries the same rules).
fn inline_svg(svg: &str) -> String {
    match (svg.find("<style>"), svg.find("</style>")) {
        (Some(a), Some(b)) if a < b => {
            let end = b + "</style>".len();
            let rest = svg.get(end..).unwrap_or("");
            format!(
                "{}{}",
                svg.get(..a).unwrap_or(""),
                rest.strip_prefix('\n').unwrap_or(rest)
            )
        }
        _ => svg.to_owned(),
    }
}

// ---------------------------------------------------------------------------------
// Tiles and tables
// ---------------------------------------------------------------------------------

/// One figure as a tile: its value, a detail line, and the value a year before.
#[derive(Debug)]
pub struct Tile {
    label: String,
    value: String,
    detail: Option<String>,
    was: Option<String>,
    bad: bool,
    link: Option<(String, String)>,
}

fn tile(label: String, value: String, was: Option<String>) -> Tile {
    Tile {
        label,
        value,
        detail: None,
        was,
        bad: false,
        link: None,
    }
}

fn avg_days(f: &Figures) -> String {
    f.avg_processing_days.map_or_else(|| "—".to_owned(), dec)
}

fn tiles(tr: &Tr, f: &Figures, before: &Figures, late_link: Option<&str>) -> Vec<Tile> {
    let was = |v: String| Some(tr.t1("stats-was", "value", v));
    let mut out = vec![
        tile(
            tr.t("stats-received"),
            num(f.received),
            was(num(before.received)),
        ),
        tile(
            tr.t("stats-resolved"),
            num(f.resolved),
            was(num(before.resolved)),
        ),
        tile(
            tr.t("stats-on-time-rate"),
            pct(f.on_time_rate),
            was(pct(before.on_time_rate)),
        ),
        tile(
            tr.t("stats-in-process"),
            num(f.in_process),
            was(num(before.in_process)),
        ),
        Tile {
            bad: f.in_process_overdue > 0,
            link: late_link
                .filter(|_| f.in_process_overdue > 0 || f.late > 0)
                .map(|l| (tr.t("stats-late-see"), l.to_owned())),
            ..tile(
                tr.t("stats-overdue"),
                num(f.in_process_overdue),
                was(num(before.in_process_overdue)),
            )
        },
        tile(
            tr.t("stats-online-rate"),
            pct(f.online_rate),
            was(pct(before.online_rate)),
        ),
        tile(
            tr.t("stats-online-own-rate"),
            pct(f.online_own_rate),
            was(pct(before.online_own_rate)),
        ),
        tile(
            tr.t("stats-digitisation-rate"),
            pct(f.digitisation_rate),
            was(pct(before.digitisation_rate)),
        ),
        tile(
            tr.t("stats-cashless-rate"),
            pct(f.cashless_rate),
            was(pct(before.cashless_rate)),
        ),
        tile(
            tr.t("stats-satisfaction-rate"),
            pct(f.satisfaction_rate),
            was(pct(before.satisfaction_rate)),
        ),
        Tile {
            detail: f
                .avg_allowed_days
                .map(|d| tr.t1("stats-allowed", "days", tr.t1("stats-days", "n", dec(d)))),
            ..tile(tr.t("stats-avg-days"), avg_days(f), was(avg_days(before)))
        },
    ];
    if let Some(t) = out.get_mut(1) {
        t.detail = Some(tr.t1("stats-resolved-late", "n", num(f.late)));
    }
    if let Some(t) = out.get_mut(0) {
        t.detail = Some(tr.t1("stats-carried-over", "n", num(f.carried_over)));
    }
    out
}

/// One line of a breakdown table.
#[derive(Debug)]
pub struct TableRow {
    name: String,
    link: Option<String>,
    received: String,
    resolved: String,
    late: String,
    late_link: Option<String>,
    rate: String,
    overdue: String,
    overdue_link: Option<String>,
    online: String,
}

/// A breakdown table.
#[derive(Debug)]
pub struct Table {
    id: &'static str,
    title: String,
    heading: String,
    rows: Vec<TableRow>,
}

fn table_row(
    f: &Figures,
    name: String,
    link: Option<String>,
    late_link: Option<String>,
) -> TableRow {
    TableRow {
        name,
        link,
        received: num(f.received),
        resolved: num(f.resolved),
        late: num(f.late),
        late_link: late_link.clone().filter(|_| f.late > 0),
        rate: pct(f.on_time_rate),
        overdue: num(f.in_process_overdue),
        overdue_link: late_link.filter(|_| f.in_process_overdue > 0),
        online: pct(f.online_rate),
    }
}

/// Whether the officer may open the dossiers of `agency` (the late list's scope).
fn sees_dossiers_of(subject: &Subject, agency: &str) -> bool {
    subject.has_role_anywhere(Role::Admin) || subject.agencies().contains(&agency)
}

fn breakdown_table(
    tr: &Tr,
    subject: &Subject,
    view: &View,
    breakdown: Breakdown,
    period_qs: &str,
) -> Table {
    let agency = view.scope.agency.clone().unwrap_or_default();
    let late_base = |extra: String, a: &str| {
        sees_dossiers_of(subject, a).then(|| {
            format!(
                "/can-bo/thong-ke/tre-han?{period_qs}&co-quan={}{extra}",
                urlencode(a)
            )
        })
    };
    let rows = view
        .rows
        .iter()
        .flatten()
        .map(|r| {
            let (link, late_link) = match breakdown {
                Breakdown::Agency => (
                    Some(format!(
                        "/can-bo/thong-ke?{period_qs}&co-quan={}",
                        urlencode(&r.key)
                    )),
                    late_base(String::new(), &r.key),
                ),
                Breakdown::Unit => {
                    let (a, unit) = r.key.split_once('/').unwrap_or((&r.key, ""));
                    let extra = if unit.is_empty() {
                        String::new()
                    } else {
                        format!("&don-vi={}", urlencode(unit))
                    };
                    (None, late_base(extra, a))
                }
                Breakdown::Procedure => (
                    None,
                    late_base(format!("&thu-tuc={}", urlencode(&r.key)), &agency),
                ),
                Breakdown::Sector | Breakdown::Officer => (None, None),
            };
            table_row(&r.figures, r.name.clone(), link, late_link)
        })
        .collect();
    let (id, title, heading) = match breakdown {
        Breakdown::Agency => ("theo-co-quan", "stats-by-agency", "stats-col-agency"),
        Breakdown::Unit => ("theo-don-vi", "stats-by-unit", "stats-col-unit"),
        Breakdown::Procedure => ("theo-thu-tuc", "stats-by-procedure", "stats-col-procedure"),
        Breakdown::Sector => ("theo-linh-vuc", "stats-by-sector", "stats-col-sector"),
        Breakdown::Officer => ("theo-can-bo", "stats-by-officer", "stats-col-officer"),
    };
    Table {
        id,
        title: tr.t(title),
        heading: tr.t(heading),
        rows,
    }
}

/// One month of the trend.
#[derive(Debug)]
pub struct TrendRow {
    month: String,
    early: String,
    on_time: String,
    late: String,
    resolved: String,
    rate: String,
}

/// The twelve months up to the period's last, as charts and their table.
#[derive(Debug)]
pub struct Trend {
    bars: String,
    line: String,
    rows: Vec<TrendRow>,
}

fn trend(tr: &Tr, to_inclusive: NaiveDate, series: &[(NaiveDate, Counters)]) -> Trend {
    let last = to_inclusive.with_day(1).unwrap_or(to_inclusive);
    let months: Vec<NaiveDate> = (0..12u32)
        .rev()
        .filter_map(|k| last.checked_sub_months(Months::new(k)))
        .collect();
    let of = |m: NaiveDate| {
        series
            .iter()
            .find(|(d, _)| d.year() == m.year() && d.month() == m.month())
            .map_or_else(Counters::default, |(_, c)| *c)
    };
    let counters: Vec<Counters> = months.iter().map(|m| of(*m)).collect();
    let labels: Vec<String> = months
        .iter()
        .map(|m| format!("{:02}/{}", m.month(), m.year()))
        .collect();
    let values = |c: Counter| counters.iter().map(|x| x.get(c)).collect::<Vec<_>>();
    let rates: Vec<Option<f64>> = counters
        .iter()
        .map(|c| {
            percent(
                c.get(Counter::Early) + c.get(Counter::OnTime),
                c.get(Counter::Resolved),
            )
        })
        .collect();
    let bars = chart::stacked_bars(
        &tr.t("stats-chart-resolved"),
        &labels,
        &[
            Series {
                name: tr.t("timeliness-early"),
                values: values(Counter::Early),
                class: "s-early",
            },
            Series {
                name: tr.t("timeliness-on-time"),
                values: values(Counter::OnTime),
                class: "s-on-time",
            },
            Series {
                name: tr.t("timeliness-late"),
                values: values(Counter::Late),
                class: "s-late",
            },
        ],
    );
    let line = chart::rate_line(&tr.t("stats-chart-rate"), &labels, &rates, None);
    let rows = labels
        .iter()
        .zip(&counters)
        .zip(&rates)
        .map(|((label, c), rate)| TrendRow {
            month: label.clone(),
            early: num(c.get(Counter::Early)),
            on_time: num(c.get(Counter::OnTime)),
            late: num(c.get(Counter::Late)),
            resolved: num(c.get(Counter::Resolved)),
            rate: pct(*rate),
        })
        .collect();
    Trend {
        bars: inline_svg(&bars),
        line: inline_svg(&line),
        rows,
    }
}

// ---------------------------------------------------------------------------------
// /can-bo/thong-ke
// ---------------------------------------------------------------------------------

/// The figures of the dashboard: what htmx refreshes every minute.
#[derive(Debug)]
pub struct Block {
    refresh: String,
    auto: bool,
    toggle: String,
    at: String,
    heading: String,
    compare: String,
    tiles: Vec<Tile>,
    trend: Trend,
    tables: Vec<Table>,
    reports: Vec<(String, String)>,
    formulas: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    ui: &'a Ui,
    form: FormView,
    b: Option<Block>,
}

#[derive(Template)]
#[template(path = "dashboard_figures.html")]
struct FiguresFragment<'a> {
    ui: &'a Ui,
    b: &'a Block,
}

/// Measures whose formula the page explains (those on its tiles).
const EXPLAINED: [&str; 11] = [
    "received",
    "resolved",
    "on_time_rate",
    "in_process",
    "in_process_overdue",
    "online_rate",
    "online_own_rate",
    "digitisation_rate",
    "cashless_rate",
    "satisfaction_rate",
    "avg_processing_days",
];

async fn block(
    state: &AppState,
    ui: &Ui,
    subject: &Subject,
    chosen: Chosen,
    scope: Scope,
    q: &StatsQuery,
) -> UiResult<Block> {
    let tr = &ui.tr;
    let directory = state.directory();
    // A period not over yet is counted up to today: what is open and overdue now, and
    // the same days a year before to compare with.
    let (from, full_to) = chosen.range();
    let tomorrow = today(state).succ_opt().unwrap_or(full_to);
    let to = if from < tomorrow {
        full_to.min(tomorrow)
    } else {
        full_to
    };
    let clipped = to < full_to;
    let agency_qs = scope
        .agency
        .as_ref()
        .map(|a| format!("&co-quan={}", urlencode(a)))
        .unwrap_or_default();
    let period_qs = chosen.query();
    let breakdowns: Vec<Breakdown> = match scope.agency {
        None => vec![Breakdown::Agency],
        Some(_) => {
            let mut b = vec![Breakdown::Unit, Breakdown::Procedure];
            if crate::stats::may_read_officers(subject, &scope, &directory).is_ok() {
                b.push(Breakdown::Officer);
            }
            b
        }
    };
    let mut views = Vec::new();
    for b in &breakdowns {
        let v = crate::stats::view(state, scope.clone(), from, to, Some(*b))
            .await
            .map_err(|e| api_err(ui, e))?;
        views.push((*b, v));
    }
    let before = if clipped {
        Chosen::Days(from, to.pred_opt().unwrap_or(to)).year_before()
    } else {
        chosen.year_before()
    };
    let (bfrom, bto) = before.range();
    let last_year = crate::stats::view(state, scope.clone(), bfrom, bto, None)
        .await
        .map_err(|e| api_err(ui, e))?;
    let last_day = to.pred_opt().unwrap_or(to);
    let trend_to = last_day
        .with_day(1)
        .and_then(|d| d.checked_add_months(Months::new(1)))
        .unwrap_or(to);
    let trend_from = trend_to.checked_sub_months(Months::new(12)).unwrap_or(from);
    let series = state
        .store()
        .stat_series(
            Grain::Month,
            trend_from,
            trend_to,
            scope.agencies.as_deref(),
        )
        .await
        .map_err(|e| api_err(ui, e))?;
    let Some((_, first)) = views.first() else {
        return Err(UiError::not_found(ui));
    };
    let total = first.total.clone();
    // The late list covers the officer's own agencies: offered when they are in scope.
    let late_link = match &scope.agency {
        Some(a) if !sees_dossiers_of(subject, a) => None,
        _ if subject.agencies().is_empty() && !subject.has_role_anywhere(Role::Admin) => None,
        _ => Some(format!("/can-bo/thong-ke/tre-han?{period_qs}{agency_qs}")),
    };
    let before_label = before.label(tr);
    let auto = q.auto != "0";
    let base = format!("/can-bo/thong-ke?{period_qs}{agency_qs}");
    let reports = match chosen {
        Chosen::Period(p) => vec![
            (
                tr.t("stats-report-xlsx"),
                format!("/can-bo/thong-ke/bao-cao.xlsx?ky={}{agency_qs}", p.code()),
            ),
            (
                tr.t("stats-report-pdf"),
                format!("/can-bo/thong-ke/bao-cao.pdf?ky={}{agency_qs}", p.code()),
            ),
        ],
        Chosen::Days(..) => Vec::new(),
    };
    Ok(Block {
        refresh: base.clone(),
        toggle: if auto {
            format!("{base}&tu-dong=0")
        } else {
            base
        },
        auto,
        at: when(state.now()),
        heading: if clipped {
            let last = last_day.format("%d/%m/%Y").to_string();
            format!(
                "{} — {} {}",
                scope.name,
                chosen.label(tr),
                tr.t1("stats-until", "day", last)
            )
        } else {
            format!("{} — {}", scope.name, chosen.label(tr))
        },
        compare: tr.t1("stats-compare", "period", &before_label),
        tiles: tiles(tr, &total, &last_year.total, late_link.as_deref()),
        trend: trend(tr, last_day, &series),
        tables: views
            .iter()
            .map(|(b, v)| breakdown_table(tr, subject, v, *b, &period_qs))
            .collect(),
        reports,
        formulas: MEASURES
            .iter()
            .filter(|m| EXPLAINED.contains(&m.key))
            .map(|m| (m.label_vi, m.formula))
            .collect(),
    })
}

/// `GET /can-bo/thong-ke`: the figures of a period for the province or an agency; to
/// htmx (header `HX-Request`), the figures alone.
pub async fn overview(
    State(state): State<AppState>,
    ui: Ui,
    headers: HeaderMap,
    Query(q): Query<StatsQuery>,
) -> UiResult<Response> {
    let subject = officer(&ui)?;
    let agencies = all_agencies(&state.directory());
    let mut read = read_form(&state, &ui, &q, "/can-bo/thong-ke", agencies);
    read.form.all_label = ui.tr.t("stats-province");
    let b = match (read.chosen, read.scope) {
        (Some(chosen), Some(scope)) => Some(block(&state, &ui, &subject, chosen, scope, &q).await?),
        _ => None,
    };
    if let Some(b) = &b
        && headers.contains_key("hx-request")
    {
        let resp = render(&ui, &FiguresFragment { ui: &ui, b })?;
        return Ok(with_headers(resp, StatusCode::OK));
    }
    let resp = render(
        &ui,
        &DashboardPage {
            ui: &ui,
            form: read.form,
            b,
        },
    )?;
    Ok(with_headers(resp, read.status))
}

// ---------------------------------------------------------------------------------
// /can-bo/thong-ke/tre-han
// ---------------------------------------------------------------------------------

/// A dossier of the late list.
#[derive(Debug)]
pub struct LateRow {
    code: String,
    procedure: String,
    agency: String,
    status: String,
    due: String,
}

#[derive(Template)]
#[template(path = "dashboard_late.html")]
struct LatePage<'a> {
    ui: &'a Ui,
    form: FormView,
    heading: String,
    filters: Vec<String>,
    unfiltered: Option<String>,
    back: String,
    resolved: Vec<LateRow>,
    open: Vec<LateRow>,
    capped: bool,
    shown: bool,
}

fn late_row(state: &AppState, ui: &Ui, s: DossierSummary) -> LateRow {
    let catalog = state.catalog();
    let directory = state.directory();
    LateRow {
        procedure: catalog
            .get(&s.procedure_code)
            .map_or_else(|| s.procedure_code.clone(), |p| p.name.clone()),
        agency: directory
            .agency(&s.handling_agency)
            .map_or_else(|| s.handling_agency.clone(), |a| a.name.clone()),
        status: ui.tr.status(s.status.as_str()),
        due: s.due_at.map_or_else(|| "—".to_owned(), when),
        code: s.code,
    }
}

/// `GET /can-bo/thong-ke/tre-han`: the dossiers resolved late in the period and those
/// open past their due time now, in the officer's own agencies (an administrator's:
/// all).
pub async fn late(
    State(state): State<AppState>,
    ui: Ui,
    Query(q): Query<StatsQuery>,
) -> UiResult<Response> {
    let subject = officer(&ui)?;
    let directory = state.directory();
    let admin = subject.has_role_anywhere(Role::Admin);
    let own: Vec<(String, String)> = all_agencies(&directory)
        .into_iter()
        .filter(|(code, _)| sees_dossiers_of(&subject, code))
        .collect();
    let mut read = read_form(&state, &ui, &q, "/can-bo/thong-ke/tre-han", own.clone());
    read.form.all_label = ui.tr.t("stats-own-agencies");
    if read.form.agency_error.is_none()
        && !read.form.agency.is_empty()
        && !sees_dossiers_of(&subject, &read.form.agency)
    {
        read.form.agency_error = Some(ui.tr.t("stats-error-not-yours"));
        read.scope = None;
        if read.status == StatusCode::OK {
            read.status = StatusCode::FORBIDDEN;
        }
    }
    let back = format!(
        "/can-bo/thong-ke?{}",
        read.chosen.map(|c| c.query()).unwrap_or_default()
            + &read
                .scope
                .as_ref()
                .and_then(|s| s.agency.as_ref())
                .map(|a| format!("&co-quan={}", urlencode(a)))
                .unwrap_or_default()
    );
    let mut page = LatePage {
        ui: &ui,
        heading: String::new(),
        filters: Vec::new(),
        unfiltered: None,
        back,
        resolved: Vec::new(),
        open: Vec::new(),
        capped: false,
        shown: false,
        form: FormView::default(),
    };
    if let (Some(chosen), Some(scope)) = (read.chosen, read.scope.clone()) {
        let agencies: Vec<String> = match &scope.agencies {
            Some(list) => list
                .iter()
                .filter(|a| admin || own.iter().any(|(c, _)| c == *a))
                .cloned()
                .collect(),
            None => own.iter().map(|(c, _)| c.clone()).collect(),
        };
        let (from, to) = chosen.range();
        let resolved = state
            .store()
            .late_dossiers(&agencies, midnight(from), midnight(to), LATE_LIMIT)
            .await
            .map_err(|e| api_err(&ui, e))?;
        let open = if agencies.is_empty() {
            Vec::new()
        } else {
            state
                .store()
                .list_dossiers(&DossierFilter {
                    scope_agencies: Some(agencies.clone()),
                    due_before: Some(state.now()),
                    open_only: true,
                    per_page: LATE_LIMIT,
                    ..Default::default()
                })
                .await
                .map_err(|e| api_err(&ui, e))?
                .items
        };
        page.capped = resolved.len() >= LATE_LIMIT as usize || open.len() >= LATE_LIMIT as usize;
        let keep = |s: &DossierSummary| {
            (q.unit.is_empty() || s.handling_unit.as_deref() == Some(q.unit.as_str()))
                && (q.procedure.is_empty() || s.procedure_code == q.procedure)
        };
        page.resolved = resolved
            .into_iter()
            .filter(keep)
            .map(|s| late_row(&state, &ui, s))
            .collect();
        page.open = open
            .into_iter()
            .filter(|s| !s.status.ends_processing())
            .filter(keep)
            .map(|s| late_row(&state, &ui, s))
            .collect();
        page.heading = format!("{} — {}", scope.name, chosen.label(&ui.tr));
        if !q.unit.is_empty() {
            let name = directory
                .units
                .get(&q.unit)
                .map_or_else(|| q.unit.clone(), |u| u.name.clone());
            page.filters
                .push(ui.tr.t1("stats-filter-unit", "name", name));
        }
        if !q.procedure.is_empty() {
            let name = state
                .catalog()
                .get(&q.procedure)
                .map_or_else(|| q.procedure.clone(), |p| p.name.clone());
            page.filters
                .push(ui.tr.t1("stats-filter-procedure", "name", name));
        }
        if !page.filters.is_empty() {
            page.unfiltered = Some(format!(
                "/can-bo/thong-ke/tre-han?{}{}",
                chosen.query(),
                scope
                    .agency
                    .as_ref()
                    .map(|a| format!("&co-quan={}", urlencode(a)))
                    .unwrap_or_default()
            ));
        }
        page.shown = true;
    }
    page.form = read.form;
    let resp = render(&ui, &page)?;
    Ok(with_headers(resp, read.status))
}

// ---------------------------------------------------------------------------------
// Report files
// ---------------------------------------------------------------------------------

async fn report(state: &AppState, ui: &Ui, q: &StatsQuery, pdf: bool) -> UiResult<Response> {
    officer(ui)?;
    let bad = |key: &str| {
        UiError::new(
            ui,
            StatusCode::UNPROCESSABLE_ENTITY,
            "stats_report_invalid",
            ui.tr.t(key),
        )
    };
    let period = Period::parse(&q.ky).map_err(|_| bad("stats-error-period"))?;
    let group = match q.nhom.as_str() {
        "" | "sector" => Breakdown::Sector,
        "agency" => Breakdown::Agency,
        "procedure" => Breakdown::Procedure,
        _ => return Err(bad("stats-error-group")),
    };
    let agency = Some(q.agency.trim()).filter(|a| !a.is_empty());
    let bytes = crate::stats::report_file(state, period, agency, group, pdf)
        .await
        .map_err(|e| api_err(ui, e))?;
    let (kind, ext) = if pdf {
        ("application/pdf", "pdf")
    } else {
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    };
    let name = format!("bao-cao-tthc-{}.{ext}", period.code());
    Ok(crate::api::documents::file_response(
        bytes, kind, &name, false,
    ))
}

/// `GET /can-bo/thong-ke/bao-cao.xlsx?ky=…[&co-quan=…][&nhom=…]`: the periodic report.
pub async fn report_xlsx(
    State(state): State<AppState>,
    ui: Ui,
    Query(q): Query<StatsQuery>,
) -> UiResult<Response> {
    report(&state, &ui, &q, false).await
}

/// `GET /can-bo/thong-ke/bao-cao.pdf?ky=…[&co-quan=…][&nhom=…]`: the same, as PDF.
pub async fn report_pdf(
    State(state): State<AppState>,
    ui: Ui,
    Query(q): Query<StatsQuery>,
) -> UiResult<Response> {
    report(&state, &ui, &q, true).await
}

// ---------------------------------------------------------------------------------
// /can-bo/chi-so-766
// ---------------------------------------------------------------------------------

/// The index form.
#[derive(Debug, Deserialize, Default)]
pub struct IndexQuery {
    #[serde(default)]
    nam: String,
    #[serde(default, rename = "co-quan")]
    agency: String,
}

/// One indicator as shown.
#[derive(Debug)]
pub struct IndicatorView {
    code: String,
    name: String,
    max: String,
    threshold: Option<String>,
    available: bool,
    rate: String,
    points: String,
    data: Vec<(String, String)>,
    reason: Option<String>,
    note: String,
    confirmed: bool,
}

/// One group as shown.
#[derive(Debug)]
pub struct GroupView {
    code: String,
    name: String,
    points: String,
    max: String,
    max_available: String,
    max_scored: String,
    confirmed: bool,
    note: String,
    indicators: Vec<IndicatorView>,
}

/// The index as shown.
#[derive(Debug)]
pub struct IndexView {
    heading: String,
    counted: String,
    total: String,
    max: String,
    max_available: String,
    max_scored: String,
    groups: Vec<GroupView>,
}

#[derive(Template)]
#[template(path = "index766.html")]
struct IndexPage<'a> {
    ui: &'a Ui,
    year: String,
    agency: String,
    agencies: Vec<(String, String)>,
    year_error: Option<String>,
    agency_error: Option<String>,
    index: Option<IndexView>,
}

fn indicator_view(tr: &Tr, i: &IndicatorScore) -> IndicatorView {
    IndicatorView {
        code: i.code.clone(),
        name: i.name.clone(),
        max: dec(i.max),
        threshold: i.threshold.map(|t| pct(Some(t))),
        available: i.available,
        rate: pct(i.rate),
        points: i.points.map_or_else(|| "—".to_owned(), dec),
        data: i
            .data
            .iter()
            .map(|d| {
                let value = match d.value {
                    Amount::Count(n) => num(n),
                    Amount::Days(x) => tr.t1("stats-days", "n", dec(x)),
                };
                (d.label.clone(), value)
            })
            .collect(),
        reason: i.reason.clone(),
        note: i.note.clone(),
        confirmed: i.confirmed,
    }
}

fn group_view(tr: &Tr, g: &GroupScore) -> GroupView {
    GroupView {
        code: g.code.clone(),
        name: g.name.clone(),
        points: dec(g.points),
        max: dec(g.max),
        max_available: dec(g.max_available),
        max_scored: dec(g.max_scored),
        confirmed: g.confirmed,
        note: g.note.clone(),
        indicators: g.indicators.iter().map(|i| indicator_view(tr, i)).collect(),
    }
}

/// `GET /can-bo/chi-so-766?nam=2026[&co-quan=…]`: the Decision 766 index of a year,
/// group by group, with the data behind every indicator and what the system cannot
/// measure.
pub async fn index766(
    State(state): State<AppState>,
    ui: Ui,
    Query(q): Query<IndexQuery>,
) -> UiResult<Response> {
    officer(&ui)?;
    let tr = &ui.tr;
    let mut page = IndexPage {
        ui: &ui,
        year: q.nam.trim().to_owned(),
        agency: q.agency.trim().to_owned(),
        agencies: all_agencies(&state.directory()),
        year_error: None,
        agency_error: None,
        index: None,
    };
    let mut status = StatusCode::OK;
    let year = if page.year.is_empty() {
        Some(today(&state).year())
    } else {
        page.year.parse::<i32>().ok()
    };
    match year {
        None => {
            page.year_error = Some(tr.t("stats-error-year"));
            status = StatusCode::UNPROCESSABLE_ENTITY;
        }
        Some(year) => {
            page.year = year.to_string();
            let agency = Some(page.agency.as_str()).filter(|a| !a.is_empty());
            match crate::api::stats::index_of(&state, year, agency).await {
                Ok(a) => {
                    let d = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
                    let i = &a.index;
                    page.index = Some(IndexView {
                        heading: format!(
                            "{} — {}",
                            a.scope.name,
                            tr.t1("stats-period-year", "year", year)
                        ),
                        counted: tr.t1(
                            "index-counted",
                            "days",
                            format!("{} – {}", d(a.from), d(a.to)),
                        ),
                        total: dec(i.total),
                        max: dec(i.max),
                        max_available: dec(i.max_available),
                        max_scored: dec(i.max_scored),
                        groups: i.groups.iter().map(|g| group_view(tr, g)).collect(),
                    });
                }
                Err(e) if e.field() == Some("year") => {
                    page.year_error = Some(tr.t("stats-error-year"));
                    status = e.status();
                }
                Err(e) if e.field() == Some("agency") => {
                    page.agency_error = Some(tr.t1("stats-error-agency", "code", &page.agency));
                    status = e.status();
                }
                Err(e) => return Err(api_err(&ui, e)),
            }
        }
    }
    let resp = render(&ui, &page)?;
    Ok(with_headers(resp, status))
}

// ---------------------------------------------------------------------------------
// /thong-ke (public)
// ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "public_stats.html")]
struct PublicPage<'a> {
    ui: &'a Ui,
    heading: String,
    year_label: String,
    month_label: String,
    tiles: Vec<Tile>,
    chart: String,
    rows: Vec<(String, String, String, String)>,
    at: String,
}

/// `GET /thong-ke`: what the province publishes: this year's and this month's figures
/// and each agency's on-time rate. No personal data, no figures per officer.
pub async fn public(State(state): State<AppState>, ui: Ui) -> UiResult<Response> {
    let tr = &ui.tr;
    let today = today(&state);
    let year = Chosen::Period(Period::Year(today.year()));
    let month = Chosen::Period(Period::Month(today.year(), today.month()));
    let province = crate::stats::scope(&state.directory(), None).map_err(|e| api_err(&ui, e))?;
    let (yf, yt) = year.range();
    let y = crate::stats::view(&state, province.clone(), yf, yt, Some(Breakdown::Agency))
        .await
        .map_err(|e| api_err(&ui, e))?;
    let (mf, mt) = month.range();
    let m = crate::stats::view(&state, province, mf, mt, None)
        .await
        .map_err(|e| api_err(&ui, e))?;
    let month_label = month.label(tr);
    let in_month = |v: String| Some(tr.t1("stats-in-month", "value", v));
    let (f, g) = (&y.total, &m.total);
    let tiles = vec![
        tile(
            tr.t("stats-received"),
            num(f.received),
            in_month(num(g.received)),
        ),
        tile(
            tr.t("stats-resolved"),
            num(f.resolved),
            in_month(num(g.resolved)),
        ),
        tile(
            tr.t("stats-on-time-rate"),
            pct(f.on_time_rate),
            in_month(pct(g.on_time_rate)),
        ),
        tile(
            tr.t("stats-online-rate"),
            pct(f.online_rate),
            in_month(pct(g.online_rate)),
        ),
        tile(
            tr.t("stats-digitisation-rate"),
            pct(f.digitisation_rate),
            in_month(pct(g.digitisation_rate)),
        ),
        tile(
            tr.t("stats-satisfaction-rate"),
            pct(f.satisfaction_rate),
            in_month(pct(g.satisfaction_rate)),
        ),
    ];
    let agencies = y.rows.unwrap_or_default();
    let bars: Vec<(String, f64)> = agencies
        .iter()
        .filter_map(|r| r.figures.on_time_rate.map(|x| (r.name.clone(), x)))
        .collect();
    let chart = inline_svg(&chart::hbars(&tr.t("stats-chart-agencies"), &bars, 100.0));
    let rows = agencies
        .iter()
        .map(|r| {
            (
                r.name.clone(),
                num(r.figures.received),
                num(r.figures.resolved),
                pct(r.figures.on_time_rate),
            )
        })
        .collect();
    render(
        &ui,
        &PublicPage {
            ui: &ui,
            heading: y.scope.name.clone(),
            year_label: year.label(tr),
            month_label,
            tiles,
            chart,
            rows,
            at: when(state.now()),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_vietnamese_way() {
        assert_eq!(dec(99.5), "99,5");
        assert_eq!(dec(100.0), "100");
        assert_eq!(dec(1234.25), "1.234,25");
        assert_eq!(dec(0.05), "0,05");
        assert_eq!(dec(-2.5), "-2,5");
        assert_eq!(pct(Some(97.14)), "97,14\u{a0}%");
        assert_eq!(pct(None), "—");
        assert_eq!(num(18_639), "18.639");
    }

    #[test]
    fn a_chart_loses_only_its_style() {
        let svg = chart::hbars("Tỷ lệ", &[("Sở Tư pháp".to_owned(), 97.5)], 100.0);
        assert!(svg.contains("<style>"));
        let inline = inline_svg(&svg);
        assert!(!inline.contains("<style>") && !inline.contains("</style>"));
        assert!(inline.starts_with("<svg ") && inline.contains(">Sở Tư pháp</text>"));
        assert_eq!(
            inline.len() + (svg.find("</style>").unwrap() + 9 - svg.find("<style>").unwrap()),
            svg.len()
        );
    }

    #[test]
    fn periods_and_ranges_go_back_a_year() {
        let p = Chosen::Period(Period::Month(2026, 11));
        assert_eq!(p.year_before(), Chosen::Period(Period::Month(2025, 11)));
        assert_eq!(p.query(), "ky=2026-11");
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let days = Chosen::Days(d("2026-02-01"), d("2026-02-28"));
        assert_eq!(
            days.year_before(),
            Chosen::Days(d("2025-02-01"), d("2025-02-28"))
        );
        assert_eq!(days.range(), (d("2026-02-01"), d("2026-03-01")));
        assert_eq!(days.query(), "tu=2026-02-01&den=2026-02-28");
        let vi = Tr {
            lang: crate::ui::i18n::Lang::Vi,
        };
        assert_eq!(p.label(&vi), "Tháng 11/2026");
        assert_eq!(
            Chosen::Period(Period::Quarter(2026, 4)).label(&vi),
            "Quý 4/2026"
        );
    }

    #[test]
    fn the_trend_has_twelve_months_ending_with_the_period() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut c = Counters::default();
        c.0[Counter::Resolved as usize] = 4;
        c.0[Counter::Early as usize] = 1;
        c.0[Counter::OnTime as usize] = 2;
        c.0[Counter::Late as usize] = 1;
        let vi = Tr {
            lang: crate::ui::i18n::Lang::Vi,
        };
        let t = trend(&vi, d("2026-11-30"), &[(d("2026-10-01"), c)]);
        assert_eq!(t.rows.len(), 12);
        assert_eq!(t.rows.first().unwrap().month, "12/2025");
        assert_eq!(t.rows.last().unwrap().month, "11/2026");
        let oct = &t.rows[10];
        assert_eq!(
            (oct.resolved.as_str(), oct.rate.as_str()),
            ("4", "75\u{a0}%")
        );
        assert_eq!(t.rows[9].rate, "—");
        assert!(!t.bars.contains("<style>") && t.bars.contains("s-late"));
    }

    // ------------------------------------------------------------------------------
    // The pages through the router (`oneshot`, no socket), over a fresh SQLite store.
    // ------------------------------------------------------------------------------

    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::Request;
    use motcua_domain::org::{AccountKind, AdminLevel, AdminUnit};
    use motcua_domain::{Account, Agency, OrgUnit, RoleAssignment};
    use motcua_store::{OrgImport, Store, StoreOptions};
    use serde_json::{Value, json};
    use tower::ServiceExt;

    use crate::{Clock, ManualClock, WebConfig};

    const A: &str = "H79.50.01";
    const B: &str = "H79.50.02";

    fn at(local: &str) -> chrono::DateTime<chrono::Utc> {
        motcua_domain::time::from_local(
            chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap(),
        )
    }

    fn org() -> OrgImport {
        let hash = crate::hash_password("demo").unwrap();
        let agency = |code: &str, name: &str| Agency {
            code: code.into(),
            name: name.into(),
            admin_unit: "79".into(),
            parent: None,
        };
        let role = |role, agency: &str, unit: Option<&str>| RoleAssignment {
            role,
            agency: agency.into(),
            unit: unit.map(Into::into),
        };
        let account = |username: &str, kind, roles| {
            (
                Account {
                    username: username.into(),
                    full_name: format!("Người dùng {username}"),
                    kind,
                    roles,
                    id_number: None,
                    phone: None,
                    email: None,
                },
                Some(hash.clone()),
            )
        };
        OrgImport {
            admin_units: vec![AdminUnit {
                code: "79".into(),
                name: "Thành phố Hồ Chí Minh".into(),
                level: AdminLevel::Province,
                parent: None,
            }],
            agencies: vec![
                agency(A, "UBND xã Bình Giã"),
                agency(B, "UBND phường Lái Thiêu"),
            ],
            units: vec![OrgUnit {
                code: "H79.50.01.TP".into(),
                agency: A.into(),
                name: "Tư pháp - Hộ tịch".into(),
            }],
            accounts: vec![
                account(
                    "officer",
                    AccountKind::Officer,
                    vec![role(Role::ReceivingOfficer, A, None)],
                ),
                account(
                    "specialist",
                    AccountKind::Officer,
                    vec![role(Role::Specialist, A, Some("H79.50.01.TP"))],
                ),
                account(
                    "leader",
                    AccountKind::Officer,
                    vec![
                        role(Role::UnitLeader, A, Some("H79.50.01.TP")),
                        role(Role::AgencyLeader, A, None),
                    ],
                ),
                account(
                    "officer_b",
                    AccountKind::Officer,
                    vec![role(Role::ReceivingOfficer, B, None)],
                ),
                account("citizen", AccountKind::Citizen, vec![]),
            ],
        }
    }

    fn catalog() -> Vec<motcua_domain::Procedure> {
        serde_json::from_value(json!([{
            "code": "1.001193", "name": "Đăng ký khai sinh", "sector": "Hộ tịch", "level": "commune",
            "versions": [{
                "valid_from": "2025-07-01",
                "time_limit": {"unit": "working_days", "value": 3},
                "online_mode": "partial",
                "channels": ["counter", "online"],
                "form": {"type": "object", "required": ["tre_ho_ten"], "properties": {
                    "tre_ho_ten": {"type": "string", "title": "Họ, chữ đệm, tên người được khai sinh"}
                }},
                "result": "Giấy khai sinh"
            }]
        }]))
        .unwrap()
    }

    struct App {
        router: axum::Router,
        clock: Arc<ManualClock>,
        dir: std::path::PathBuf,
    }

    impl Drop for App {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    impl App {
        async fn new() -> App {
            let dir = std::env::temp_dir().join(format!(
                "motcua-dashboard-{}",
                uuid::Uuid::new_v4().simple()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            let url = format!("sqlite://{}", dir.join("ui.sqlite").display());
            let store = Store::open(&url, StoreOptions::new(dir.join("files")))
                .await
                .unwrap();
            let clock = Arc::new(ManualClock::new(at("2026-10-08 09:00")));
            store.save_org(org(), "test", clock.now()).await.unwrap();
            store
                .save_procedures(catalog(), "test", clock.now())
                .await
                .unwrap();
            let state = AppState::load(
                store,
                Arc::new(motcua_calendar::WorkCalendar::vietnam().unwrap()),
                motcua_calendar::DeadlineRules::default(),
                clock.clone(),
                WebConfig {
                    session_ttl: chrono::Duration::days(3650),
                    ..WebConfig::default()
                },
            )
            .await
            .unwrap();
            App {
                router: crate::router(state),
                clock,
                dir,
            }
        }

        async fn call(&self, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
            let resp = self.router.clone().oneshot(req).await.unwrap();
            let (parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
            (parts.status, parts.headers, bytes.to_vec())
        }

        async fn api(&self, token: Option<&str>, path: &str, body: Value) -> Value {
            let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/json");
            if let Some(t) = token {
                req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
            }
            let (status, _, bytes) = self
                .call(req.body(Body::from(body.to_string())).unwrap())
                .await;
            let v: Value = serde_json::from_slice(&bytes).unwrap();
            assert!(status.is_success(), "{path}: {status} {v}");
            v
        }

        async fn login(&self, username: &str) -> String {
            let v = self
                .api(
                    None,
                    "/api/v1/auth/login",
                    json!({"username": username, "password": "demo"}),
                )
                .await;
            v["token"].as_str().unwrap().to_owned()
        }

        /// A page with the session cookie the login page would have set.
        async fn page(
            &self,
            token: Option<&str>,
            path: &str,
            htmx: bool,
        ) -> (StatusCode, HeaderMap, String) {
            let mut req = Request::get(path);
            if let Some(t) = token {
                req = req.header(header::COOKIE, format!("mc_session={t}"));
            }
            if htmx {
                req = req.header("HX-Request", "true");
            }
            let (status, headers, bytes) = self.call(req.body(Body::empty()).unwrap()).await;
            (
                status,
                headers,
                String::from_utf8_lossy(&bytes).into_owned(),
            )
        }

        async fn act(&self, token: &str, code: &str, action: &str, body: Value) {
            self.api(
                Some(token),
                &format!("/api/v1/dossiers/{code}/actions/{action}"),
                body,
            )
            .await;
        }
    }

    /// The officer's pages and the public page over two dossiers of October 2026: one
    /// resolved late, one still open and overdue.
    #[tokio::test]
    async fn the_statistics_pages() {
        let app = App::new().await;
        let citizen = app.login("citizen").await;
        let officer = app.login("officer").await;
        let specialist = app.login("specialist").await;
        let leader = app.login("leader").await;
        let officer_b = app.login("officer_b").await;
        let mut codes = Vec::new();
        for _ in 0..2 {
            let d = app
                .api(
                    Some(&citizen),
                    "/api/v1/dossiers",
                    json!({
                        "procedure": "1.001193",
                        "agency": A,
                        "applicant": {"name": "Nguyễn Văn An", "id_number": "001099012345"},
                        "form_data": {"tre_ho_ten": "Nguyễn Thị Bình"}
                    }),
                )
                .await;
            codes.push(d["code"].as_str().unwrap().to_owned());
        }
        app.clock.set(at("2026-10-08 10:00"));
        for code in &codes {
            app.act(&officer, code, "receive", json!({})).await;
        }
        // Due Tue 13 October; approved on the 14th: late.
        app.clock.set(at("2026-10-14 08:00"));
        let late = &codes[0];
        app.act(&officer, late, "assign", json!({"assignee": "specialist"}))
            .await;
        app.act(&specialist, late, "process", json!({})).await;
        app.act(&specialist, late, "submit-for-approval", json!({}))
            .await;
        app.act(&leader, late, "approve", json!({})).await;
        app.clock.set(at("2026-11-20 09:00"));

        // Who may see the page.
        let (s, h, _) = app.page(None, "/can-bo/thong-ke", false).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert!(
            h[header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/dang-nhap")
        );
        let (s, _, _) = app.page(Some(&citizen), "/can-bo/thong-ke", false).await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // October at A: the figures, the trend, the breakdowns, per officer for its leader.
        let (s, h, html) = app
            .page(
                Some(&leader),
                &format!("/can-bo/thong-ke?ky=2026-10&co-quan={A}"),
                false,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert_eq!(h[header::VARY], "HX-Request");
        assert!(html.contains("UBND xã Bình Giã — Tháng 10/2026"), "{html}");
        let tile = |label: &str| {
            let at = html.find(&format!("<dt>{label}</dt>")).unwrap();
            let rest = &html[at..];
            let v = rest.find("<dd class=\"value\">").unwrap() + 18;
            rest[v..].split('<').next().unwrap().to_owned()
        };
        assert_eq!(tile("Đã tiếp nhận"), "2");
        assert_eq!(tile("Đã giải quyết"), "1");
        assert_eq!(tile("Tỷ lệ giải quyết đúng hạn"), "0\u{a0}%");
        assert_eq!(tile("Đang quá hạn"), "1");
        assert_eq!(html.matches("class=\"mc-chart ").count(), 2);
        assert!(
            !html.contains("<style>"),
            "the charts' inline style is removed"
        );
        assert!(
            html.contains("<th scope=\"row\">10/2026</th><td>0</td><td>0</td><td>1</td><td>1</td>")
        );
        for id in ["theo-don-vi", "theo-thu-tuc", "theo-can-bo"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        }
        assert!(html.contains("/can-bo/thong-ke/bao-cao.xlsx?ky=2026-10&#38;co-quan=H79.50.01"));
        // The officer of another agency sees A's figures, not its people.
        let (_, _, other) = app
            .page(
                Some(&officer_b),
                &format!("/can-bo/thong-ke?ky=2026-10&co-quan={A}"),
                false,
            )
            .await;
        assert!(other.contains("id=\"theo-don-vi\"") && !other.contains("id=\"theo-can-bo\""));
        assert!(
            !other.contains("/can-bo/thong-ke/tre-han"),
            "no late list outside one's agencies"
        );

        // To htmx: the figures alone.
        let (s, _, frag) = app
            .page(Some(&leader), "/can-bo/thong-ke?ky=2026-10", true)
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            frag.starts_with("<div id=\"so-lieu\"") && !frag.contains("<html"),
            "{frag}"
        );
        assert!(frag.contains("hx-trigger=\"every 60s\""));
        let (_, _, off) = app
            .page(
                Some(&leader),
                "/can-bo/thong-ke?ky=2026-10&tu-dong=0",
                false,
            )
            .await;
        assert!(!off.contains("hx-trigger"), "the refresh can be stopped");

        // Bad input: the message next to the field, a 4xx.
        for (path, status, field) in [
            (
                "/can-bo/thong-ke?ky=2026-13",
                StatusCode::UNPROCESSABLE_ENTITY,
                "ky-error",
            ),
            (
                "/can-bo/thong-ke?co-quan=NOPE",
                StatusCode::NOT_FOUND,
                "co-quan-error",
            ),
            (
                "/can-bo/thong-ke?tu=2026-10-31&den=2026-10-01",
                StatusCode::UNPROCESSABLE_ENTITY,
                "days-error",
            ),
            (
                "/can-bo/thong-ke?tu=2026-10-31",
                StatusCode::UNPROCESSABLE_ENTITY,
                "days-error",
            ),
            (
                "/can-bo/thong-ke/tre-han?co-quan=H79.50.02",
                StatusCode::FORBIDDEN,
                "co-quan-error",
            ),
            (
                "/can-bo/chi-so-766?nam=abc",
                StatusCode::UNPROCESSABLE_ENTITY,
                "nam-error",
            ),
            (
                "/can-bo/chi-so-766?nam=1999",
                StatusCode::BAD_REQUEST,
                "nam-error",
            ),
            (
                "/can-bo/chi-so-766?co-quan=NOPE",
                StatusCode::NOT_FOUND,
                "co-quan-error",
            ),
        ] {
            let (s, _, html) = app.page(Some(&leader), path, false).await;
            assert_eq!(s, status, "{path}");
            assert!(html.contains(&format!("id=\"{field}\"")), "{path}: {html}");
            assert!(
                html.contains("class=\"error-summary\"") || path.contains("766"),
                "{path}"
            );
        }

        // The late list: the late one resolved in October, the other open and overdue.
        let (s, _, html) = app
            .page(Some(&leader), "/can-bo/thong-ke/tre-han?ky=2026-10", false)
            .await;
        assert_eq!(s, StatusCode::OK);
        for code in &codes {
            assert!(
                html.contains(&format!("href=\"/can-bo/ho-so/{code}\"")),
                "{code}: {html}"
            );
        }
        let (_, _, b_list) = app
            .page(
                Some(&officer_b),
                "/can-bo/thong-ke/tre-han?ky=2026-10",
                false,
            )
            .await;
        assert!(
            !b_list.contains("/can-bo/ho-so/"),
            "another agency's officer sees none"
        );

        // The index, the report files.
        let (s, _, html) = app
            .page(Some(&leader), "/can-bo/chi-so-766?nam=2026", false)
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("Chưa có dữ liệu") && html.contains("class=\"index-group\""));
        let (s, h, body) = app
            .page(
                Some(&leader),
                "/can-bo/thong-ke/bao-cao.xlsx?ky=2026-10",
                false,
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            h[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains("bao-cao-tthc-2026-10.xlsx")
        );
        assert!(body.starts_with("PK"));
        let (s, _, _) = app
            .page(
                Some(&leader),
                "/can-bo/thong-ke/bao-cao.xlsx?ky=2026-10&nhom=officer",
                false,
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

        // The public page: no login, no people.
        let (s, _, html) = app.page(None, "/thong-ke", false).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("class=\"mc-chart mc-hbars\"") && html.contains("UBND xã Bình Giã"));
        assert!(!html.contains("Người dùng"), "no officer named");
    }
}
