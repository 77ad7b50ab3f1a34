//! The service index of Decision 766/QĐ-TTg (Bộ chỉ số phục vụ người dân, doanh
//! nghiệp): 100 points in six groups of sub-indicators (spec/one-stop.md §7), computed
//! from what the system holds for an agency or the province over a period.
//!
//! The groups, indicators, maxima and thresholds are data ([`IndexConfig`], shipped in
//! `index766.yaml`): the spec leaves some of them unconfirmed (the point split of group
//! 3, whether an extended dossier counts as on time), so they must be amendable without
//! a release, and each carries a `confirmed` flag the pages show.
//!
//! An indicator is either computed from [`IndexInput`] or "not available" with the
//! reason: the system never invents a figure it does not hold (publication on the
//! national TTHC database, DVCQG sync, PAKN, the population database…). Scoring: full
//! points when the rate reaches the threshold, else `rate × max ÷ threshold`; with no
//! threshold, `rate × max` (a threshold of 100%).

use serde::{Deserialize, Serialize};

use super::measures::{Figures, percent};
use crate::error::DomainError;

/// The shipped configuration, embedded so the binary needs no file at start-up.
const SHIPPED: &str = include_str!("index766.yaml");

/// The total every configuration must add up to.
pub const TOTAL_POINTS: f64 = 100.0;

/// Sums of maxima are compared with this slack so that a province may use fractional
/// points (e.g. 2.5) without float noise failing the check.
const EPSILON: f64 = 1e-6;

/// The field name errors of a configuration are reported under.
const FIELD: &str = "index766";

/// How the system computes an indicator, or that it cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The system does not hold the data; the indicator's `reason` says which.
    Unavailable,
    /// (Early + on time) ÷ (resolved + open and overdue at the end) (2.1).
    ProgressRate,
    /// Average processing days against average allowed days; tracked, never scored (2.2).
    ProcessingTime,
    /// Procedures offered online ÷ all procedures (3.1).
    OnlineProceduresRate,
    /// Procedures offered online with an online dossier in the period ÷ procedures
    /// offered online (3.2).
    ProceduresWithOnlineDossiersRate,
    /// Fee-bearing procedures with a cashless payment in the period ÷ fee-bearing
    /// procedures (4.2).
    FeeProceduresPaidOnlineRate,
    /// Payments without cash ÷ payments (4.3).
    CashlessRate,
    /// 100% − (late + rated dissatisfied) ÷ resolved (5.4).
    DossierSatisfaction,
    /// Resolved with an electronic result ÷ resolved (6.1).
    EResultRate,
    /// Received with papers as files ÷ received (6.2).
    DigitisationRate,
}

/// A rule of the computation whose right value the spec does not confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule<T> {
    /// The value applied.
    pub value: T,
    /// Whether the spec confirms it.
    pub confirmed: bool,
    /// What it decides and why this value, in Vietnamese.
    #[serde(default)]
    pub note: String,
}

/// The rules of the computation that are choices rather than indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Whether a dossier late against the legal due time but ended by the new date of its
    /// apology (form 04) counts as on time in 2.1 (open question 8).
    pub extension_kept_counts_on_time: Rule<bool>,
}

/// One sub-indicator (chỉ số thành phần).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorConfig {
    /// Code, e.g. `2.1`.
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    /// Points at most.
    pub max: f64,
    /// Rate (%) from which it earns full points; none: `rate × max`.
    #[serde(default)]
    pub threshold: Option<f64>,
    /// How the system computes it.
    pub source: Source,
    /// Why it is unavailable, in Vietnamese (required with [`Source::Unavailable`]).
    #[serde(default)]
    pub reason: Option<String>,
    /// What exactly is counted and how it differs from the official formula, in
    /// Vietnamese.
    #[serde(default)]
    pub note: String,
    /// Whether the maximum, threshold and formula used are as the spec states; false
    /// marks our choice or an approximation (the note says which).
    pub confirmed: bool,
}

/// One group of the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupConfig {
    /// Code, e.g. `TDGQ`.
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    /// Its name in the DVCQG API, e.g. `dvc-progress-tree`.
    pub api: String,
    /// Points at most; the indicators' maxima add up to it.
    pub max: f64,
    /// Whether the spec confirms the group's code and points.
    pub confirmed: bool,
    /// What is not confirmed, in Vietnamese.
    #[serde(default)]
    pub note: String,
    /// Its indicators, in display order.
    pub indicators: Vec<IndicatorConfig>,
}

/// The whole index: its groups and the rules of computation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexConfig {
    /// Choices the spec leaves open.
    pub rules: Rules,
    /// The groups, in display order; their maxima add up to 100.
    pub groups: Vec<GroupConfig>,
}

fn config_error(message: String, message_en: String) -> DomainError {
    DomainError::invalid(FIELD, message, message_en)
}

impl IndexConfig {
    /// The configuration shipped with the system (`index766.yaml`).
    ///
    /// # Errors
    /// `field_invalid` if the embedded file does not read or check (a bug caught by
    /// the tests).
    pub fn shipped() -> Result<IndexConfig, DomainError> {
        Self::from_yaml(SHIPPED)
    }

    /// Reads and checks a configuration (a province's own file), in the shape of the
    /// shipped one.
    ///
    /// # Errors
    /// `field_invalid` with a Vietnamese message if the text does not read (including
    /// unknown fields) or does not pass [`IndexConfig::validate`].
    pub fn from_yaml(text: &str) -> Result<IndexConfig, DomainError> {
        let config: IndexConfig = serde_yaml_ng::from_str(text).map_err(|e| {
            config_error(
                format!("Không đọc được cấu hình Bộ chỉ số 766: {e}"),
                format!("unreadable index 766 configuration: {e}"),
            )
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks that the codes are unique, every maximum and threshold makes sense, an
    /// unavailable indicator says why, each group's indicators add up to its maximum and
    /// the groups to 100.
    ///
    /// # Errors
    /// `field_invalid` with a Vietnamese message naming the first problem found.
    pub fn validate(&self) -> Result<(), DomainError> {
        let mut groups_seen = std::collections::HashSet::new();
        let mut indicators_seen = std::collections::HashSet::new();
        let mut total = 0.0;
        for group in &self.groups {
            if !groups_seen.insert(group.code.as_str()) {
                return Err(config_error(
                    format!("Mã nhóm {} bị trùng", group.code),
                    format!("duplicate group code {}", group.code),
                ));
            }
            if !group.max.is_finite() || group.max < 0.0 {
                return Err(config_error(
                    format!("Điểm tối đa của nhóm {} phải là số không âm", group.code),
                    format!("group {} has an invalid maximum", group.code),
                ));
            }
            let mut sum = 0.0;
            for ind in &group.indicators {
                if !indicators_seen.insert(ind.code.as_str()) {
                    return Err(config_error(
                        format!("Mã chỉ số {} bị trùng", ind.code),
                        format!("duplicate indicator code {}", ind.code),
                    ));
                }
                validate_indicator(ind)?;
                sum += ind.max;
            }
            if (sum - group.max).abs() > EPSILON {
                return Err(config_error(
                    format!(
                        "Tổng điểm tối đa các chỉ số của nhóm {} là {}, khác điểm tối đa của nhóm ({})",
                        group.code,
                        round2(sum),
                        group.max
                    ),
                    format!(
                        "the indicators of group {} add up to {}, not to its maximum {}",
                        group.code,
                        round2(sum),
                        group.max
                    ),
                ));
            }
            total += group.max;
        }
        if (total - TOTAL_POINTS).abs() > EPSILON {
            return Err(config_error(
                format!(
                    "Tổng điểm tối đa các nhóm là {}, phải bằng 100",
                    round2(total)
                ),
                format!("the groups add up to {}, not to 100", round2(total)),
            ));
        }
        Ok(())
    }
}

fn validate_indicator(ind: &IndicatorConfig) -> Result<(), DomainError> {
    let code = &ind.code;
    if !ind.max.is_finite() || ind.max < 0.0 {
        return Err(config_error(
            format!("Điểm tối đa của chỉ số {code} phải là số không âm"),
            format!("indicator {code} has an invalid maximum"),
        ));
    }
    // A threshold of 0 would divide by zero, and above 100% no rate could reach it.
    if let Some(t) = ind.threshold
        && !(t > 0.0 && t <= 100.0)
    {
        return Err(config_error(
            format!("Ngưỡng của chỉ số {code} phải lớn hơn 0 và không quá 100%"),
            format!("indicator {code}: the threshold must be in (0, 100]"),
        ));
    }
    if ind.source == Source::Unavailable
        && ind.reason.as_deref().is_none_or(|r| r.trim().is_empty())
    {
        return Err(config_error(
            format!("Chỉ số {code} chưa tính được nhưng thiếu lý do (reason)"),
            format!("indicator {code} is unavailable but gives no reason"),
        ));
    }
    // A tracked figure earns nothing, so a maximum above 0 would make its group
    // unreachable.
    if ind.source == Source::ProcessingTime && ind.max != 0.0 {
        return Err(config_error(
            format!("Chỉ số {code} chỉ để theo dõi (processing_time) nên điểm tối đa phải bằng 0"),
            format!("indicator {code} is tracked only (processing_time): its maximum must be 0"),
        ));
    }
    Ok(())
}

/// What the system holds for an agency (or the province) and a period. The figures come
/// from the statistics; the catalog counts are computed by the caller from the catalog
/// and the per-procedure statistics of the same period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexInput {
    /// The figures of the period.
    pub figures: Figures,
    /// Procedures (thủ tục hành chính) the agency handles, in force during the period.
    pub procedures_total: i64,
    /// Of those, offered online, fully (toàn trình) or partly (một phần).
    pub procedures_online: i64,
    /// Of those offered online, how many received at least one online dossier (own or
    /// assisted filing) in the period.
    pub procedures_with_online_dossiers: i64,
    /// Procedures that carry a fee or charge (phí, lệ phí).
    pub procedures_with_fees: i64,
    /// Of those, how many had at least one payment without cash in the period.
    pub procedures_with_fees_paid_online: i64,
}

/// An amount an indicator was computed from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Amount {
    /// A count (dossiers, procedures, payments).
    Count(i64),
    /// Days, two decimals.
    Days(f64),
}

/// One labelled amount an indicator used: a numerator or a denominator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Datum {
    /// What it counts, in Vietnamese.
    pub label: String,
    /// The amount.
    pub value: Amount,
}

fn count(label: &str, value: i64) -> Datum {
    Datum {
        label: label.to_owned(),
        value: Amount::Count(value),
    }
}

/// One indicator's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorScore {
    /// Code, e.g. `2.1`.
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    /// Points at most.
    pub max: f64,
    /// Rate (%) from which it earns full points.
    pub threshold: Option<f64>,
    /// Whether the system can compute it at all.
    pub available: bool,
    /// The rate in %, two decimals; none when unavailable, tracked only, or when there
    /// was nothing to divide by in the period.
    pub rate: Option<f64>,
    /// Points earned, two decimals; none when unavailable or without data.
    pub points: Option<f64>,
    /// The amounts it was computed from.
    pub data: Vec<Datum>,
    /// Why there are no points, in Vietnamese.
    pub reason: Option<String>,
    /// What exactly is counted, in Vietnamese.
    pub note: String,
    /// Whether its maximum, threshold and formula are as the spec states.
    pub confirmed: bool,
}

/// One group's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupScore {
    /// Code, e.g. `TDGQ`.
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    /// Its name in the DVCQG API.
    pub api: String,
    /// Points at most.
    pub max: f64,
    /// Points earned: the sum over its indicators that have points.
    pub points: f64,
    /// The sum of the maxima of its available indicators (what the system can measure).
    pub max_available: f64,
    /// The sum of the maxima of its indicators that have points this period (what
    /// `points` should be read against).
    pub max_scored: f64,
    /// Whether the group's code and points are confirmed.
    pub confirmed: bool,
    /// What is not confirmed.
    pub note: String,
    /// Its indicators.
    pub indicators: Vec<IndicatorScore>,
}

/// The index of a period, as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Index766 {
    /// Points earned, over every group.
    pub total: f64,
    /// Points at most (100).
    pub max: f64,
    /// The sum of the maxima of the available indicators.
    pub max_available: f64,
    /// The sum of the maxima of the indicators that have points this period.
    pub max_scored: f64,
    /// The rules applied, with whether each is confirmed.
    pub rules: Rules,
    /// The groups.
    pub groups: Vec<GroupScore>,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Points for a rate (%): full from the threshold up, else in proportion to it; with no
/// threshold, in proportion to 100%. Kept within `[0, max]` whatever the caller's counts.
#[must_use]
pub fn score(rate: f64, max: f64, threshold: Option<f64>) -> f64 {
    let threshold = threshold.unwrap_or(100.0);
    let raw = if rate >= threshold {
        max
    } else {
        rate * max / threshold
    };
    round2(raw.clamp(0.0, max))
}

/// What an indicator measured: its rate (none: nothing to divide by), the amounts used,
/// and the reason when there is no rate.
struct Measured {
    rate: Option<f64>,
    data: Vec<Datum>,
    no_data: Option<String>,
}

fn ratio(num_label: &str, num: i64, den_label: &str, den: i64) -> Measured {
    let rate = percent(num, den);
    Measured {
        rate,
        data: vec![count(num_label, num), count(den_label, den)],
        no_data: rate.is_none().then(|| no_data(den_label)),
    }
}

fn no_data(den_label: &str) -> String {
    format!(
        "Chưa có số liệu trong kỳ: {} bằng 0",
        den_label.to_lowercase()
    )
}

/// Computes a source's rate; `None` for [`Source::Unavailable`] and
/// [`Source::ProcessingTime`], which have no rate.
fn measure(source: Source, input: &IndexInput, rules: &Rules) -> Option<Measured> {
    let f = &input.figures;
    Some(match source {
        Source::Unavailable | Source::ProcessingTime => return None,
        Source::ProgressRate => {
            if rules.extension_kept_counts_on_time.value {
                ratio(
                    "Trước hạn + đúng hạn + quá hạn nhưng đúng hẹn lại",
                    f.early + f.on_time + f.late_appointment_kept,
                    "Đã giải quyết + đang giải quyết quá hạn",
                    f.resolved + f.in_process_overdue,
                )
            } else {
                ratio(
                    "Trước hạn + đúng hạn",
                    f.early + f.on_time,
                    "Đã giải quyết + đang giải quyết quá hạn",
                    f.resolved + f.in_process_overdue,
                )
            }
        }
        Source::OnlineProceduresRate => ratio(
            "Thủ tục cung cấp trực tuyến (toàn trình, một phần)",
            input.procedures_online,
            "Tổng số thủ tục",
            input.procedures_total,
        ),
        Source::ProceduresWithOnlineDossiersRate => ratio(
            "Thủ tục trực tuyến có phát sinh hồ sơ trực tuyến",
            input.procedures_with_online_dossiers,
            "Thủ tục cung cấp trực tuyến",
            input.procedures_online,
        ),
        Source::FeeProceduresPaidOnlineRate => ratio(
            "Thủ tục có phí, lệ phí có thanh toán không dùng tiền mặt",
            input.procedures_with_fees_paid_online,
            "Thủ tục có phí, lệ phí",
            input.procedures_with_fees,
        ),
        Source::CashlessRate => ratio(
            "Hồ sơ thanh toán không dùng tiền mặt",
            f.paid_cashless,
            "Hồ sơ đã nộp phí, lệ phí",
            f.paid,
        ),
        Source::DossierSatisfaction => {
            // One division of the sum rather than two rounded rates added, so the rate
            // shown is exactly 100 − (late + dissatisfied) ÷ resolved. Ratings given in
            // the period may concern dossiers resolved earlier, so the difference can go
            // below 0: a rate is never negative.
            let unsatisfied = percent(f.late + f.rated_dissatisfied, f.resolved);
            let rate = unsatisfied.map(|u| round2((100.0 - u).max(0.0)));
            Measured {
                rate,
                data: vec![
                    count("Đã giải quyết quá hạn", f.late),
                    count("Lượt đánh giá không hài lòng", f.rated_dissatisfied),
                    count("Đã giải quyết", f.resolved),
                ],
                no_data: rate.is_none().then(|| no_data("Đã giải quyết")),
            }
        }
        Source::EResultRate => ratio(
            "Hồ sơ có kết quả điện tử",
            f.e_result,
            "Hồ sơ đã giải quyết",
            f.resolved,
        ),
        Source::DigitisationRate => ratio(
            "Hồ sơ tiếp nhận được số hóa",
            f.digitised,
            "Hồ sơ mới tiếp nhận",
            f.received,
        ),
    })
}

fn indicator(ind: &IndicatorConfig, input: &IndexInput, rules: &Rules) -> IndicatorScore {
    let mut out = IndicatorScore {
        code: ind.code.clone(),
        name: ind.name.clone(),
        max: ind.max,
        threshold: ind.threshold,
        available: true,
        rate: None,
        points: None,
        data: Vec::new(),
        reason: None,
        note: ind.note.clone(),
        confirmed: ind.confirmed,
    };
    match ind.source {
        Source::Unavailable => {
            out.available = false;
            out.reason.clone_from(&ind.reason);
        }
        Source::ProcessingTime => {
            // Tracked only: the two averages are shown side by side and earn 0 points
            // whenever they exist.
            let f = &input.figures;
            out.data.push(count("Đã giải quyết", f.resolved));
            if let (Some(spent), Some(allowed)) = (f.avg_processing_days, f.avg_allowed_days) {
                out.data.push(Datum {
                    label: "Thời gian xử lý bình quân (ngày)".to_owned(),
                    value: Amount::Days(spent),
                });
                out.data.push(Datum {
                    label: "Thời hạn bình quân (ngày)".to_owned(),
                    value: Amount::Days(allowed),
                });
                out.points = Some(0.0);
            } else {
                out.reason = Some(no_data("Đã giải quyết"));
            }
        }
        source => {
            if let Some(m) = measure(source, input, rules) {
                out.rate = m.rate;
                // Points come from the rate as shown (two decimals), so anyone can redo
                // the arithmetic from the page.
                out.points = m.rate.map(|r| score(r, ind.max, ind.threshold));
                out.data = m.data;
                out.reason = m.no_data;
            }
        }
    }
    out
}

/// The index of a period from what the system holds.
#[must_use]
pub fn compute(input: &IndexInput, config: &IndexConfig) -> Index766 {
    let groups: Vec<GroupScore> = config
        .groups
        .iter()
        .map(|g| {
            let indicators: Vec<IndicatorScore> = g
                .indicators
                .iter()
                .map(|i| indicator(i, input, &config.rules))
                .collect();
            let points = indicators.iter().filter_map(|i| i.points).sum::<f64>();
            let max_available = indicators
                .iter()
                .filter(|i| i.available)
                .map(|i| i.max)
                .sum::<f64>();
            let max_scored = indicators
                .iter()
                .filter(|i| i.points.is_some())
                .map(|i| i.max)
                .sum::<f64>();
            GroupScore {
                code: g.code.clone(),
                name: g.name.clone(),
                api: g.api.clone(),
                max: g.max,
                points: round2(points),
                max_available: round2(max_available),
                max_scored: round2(max_scored),
                confirmed: g.confirmed,
                note: g.note.clone(),
                indicators,
            }
        })
        .collect();
    Index766 {
        total: round2(groups.iter().map(|g| g.points).sum()),
        max: round2(groups.iter().map(|g| g.max).sum()),
        max_available: round2(groups.iter().map(|g| g.max_available).sum()),
        max_scored: round2(groups.iter().map(|g| g.max_scored).sum()),
        rules: config.rules.clone(),
        groups,
    }
}

impl Index766 {
    /// An indicator's result by code.
    #[must_use]
    pub fn indicator(&self, code: &str) -> Option<&IndicatorScore> {
        self.groups
            .iter()
            .flat_map(|g| &g.indicators)
            .find(|i| i.code == code)
    }

    /// A group's result by code.
    #[must_use]
    pub fn group(&self, code: &str) -> Option<&GroupScore> {
        self.groups.iter().find(|g| g.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Counters;
    use crate::stats::measures::{OnlineSplit, Stock};

    /// Figures of an empty period, to be filled in by each test.
    fn zero_figures() -> Figures {
        Figures::compute(
            &Counters::default(),
            Stock::default(),
            Stock::default(),
            OnlineSplit::default(),
        )
    }

    fn input(figures: Figures) -> IndexInput {
        IndexInput {
            figures,
            procedures_total: 0,
            procedures_online: 0,
            procedures_with_online_dossiers: 0,
            procedures_with_fees: 0,
            procedures_with_fees_paid_online: 0,
        }
    }

    fn shipped() -> IndexConfig {
        IndexConfig::shipped().unwrap()
    }

    /// A period with something in every computable indicator.
    fn busy_period() -> IndexInput {
        let mut f = zero_figures();
        f.received = 200;
        f.digitised = 150;
        f.resolved = 100;
        f.early = 60;
        f.on_time = 35;
        f.late = 5;
        f.late_appointment_kept = 3;
        f.in_process_overdue = 0;
        f.e_result = 40;
        f.rated_satisfied = 20;
        f.rated_dissatisfied = 2;
        f.paid = 50;
        f.paid_cashless = 30;
        f.avg_processing_days = Some(4.5);
        f.avg_allowed_days = Some(7.25);
        IndexInput {
            figures: f,
            procedures_total: 100,
            procedures_online: 90,
            procedures_with_online_dossiers: 45,
            procedures_with_fees: 10,
            procedures_with_fees_paid_online: 6,
        }
    }

    #[test]
    fn shipped_config_validates_and_adds_up_to_100() {
        let c = shipped();
        let groups: Vec<&str> = c.groups.iter().map(|g| g.code.as_str()).collect();
        assert_eq!(groups, ["CKMB", "TDGQ", "ONLINE", "TTTT", "MDHL", "MDSH"]);
        // 18 + 20 + 12 + 10 + 18 + 22 = 100.
        let maxima: Vec<f64> = c.groups.iter().map(|g| g.max).collect();
        assert_eq!(maxima, [18.0, 20.0, 12.0, 10.0, 18.0, 22.0]);
        assert!((c.groups.iter().map(|g| g.max).sum::<f64>() - 100.0).abs() < 1e-9);
        for g in &c.groups {
            let sum: f64 = g.indicators.iter().map(|i| i.max).sum();
            assert!((sum - g.max).abs() < 1e-9, "{}", g.code);
        }
        // The spec's open points are data flagged unconfirmed, not code.
        assert!(!c.rules.extension_kept_counts_on_time.confirmed);
        let online = c.groups.iter().find(|g| g.code == "ONLINE").unwrap();
        assert!(online.indicators.iter().all(|i| !i.confirmed));
        // The API names of the spec's table.
        let apis: Vec<&str> = c.groups.iter().map(|g| g.api.as_str()).collect();
        assert_eq!(
            apis,
            [
                "transparency",
                "dvc-progress-tree",
                "provide-online-tree",
                "formality-online-payment-tree",
                "handling-satisfaction",
                "dossier-digitized"
            ]
        );
    }

    #[test]
    fn score_follows_the_threshold_rule() {
        // At or above the threshold: full points.
        assert_eq!(score(80.0, 2.0, Some(80.0)), 2.0);
        assert_eq!(score(95.5, 6.0, Some(90.0)), 6.0);
        // Below: 72% of a 2-point indicator with threshold 80% → 72 × 2 ÷ 80 = 1.80.
        assert_eq!(score(72.0, 2.0, Some(80.0)), 1.8);
        // No threshold: 95% × 20 = 19.00.
        assert_eq!(score(95.0, 20.0, None), 19.0);
        // 33.33% × 6 = 1.9998 → 2.00.
        assert_eq!(score(33.33, 6.0, None), 2.0);
        // Counts the caller got wrong never give more than the maximum or less than 0.
        assert_eq!(score(120.0, 6.0, None), 6.0);
        assert_eq!(score(-5.0, 6.0, None), 0.0);
    }

    #[test]
    fn computes_every_available_indicator_by_hand() {
        let r = compute(&busy_period(), &shipped());

        // 2.1: 60 early + 35 on time = 95 of 100 resolved + 0 overdue → 95% × 20 = 19.00.
        let i = r.indicator("2.1").unwrap();
        assert_eq!((i.rate, i.points), (Some(95.0), Some(19.0)));
        assert_eq!(i.data[0], count("Trước hạn + đúng hạn", 95));
        assert_eq!(
            i.data[1],
            count("Đã giải quyết + đang giải quyết quá hạn", 100)
        );

        // 2.2: tracked only, 0 points, the averages shown.
        let i = r.indicator("2.2").unwrap();
        assert_eq!((i.rate, i.points), (None, Some(0.0)));
        assert!(i.data.iter().any(|d| d.value == Amount::Days(4.5)));
        assert!(i.data.iter().any(|d| d.value == Amount::Days(7.25)));

        // 3.1: 90 of 100 procedures online = 90% ≥ 80% → full 4.00.
        let i = r.indicator("3.1").unwrap();
        assert_eq!((i.rate, i.points), (Some(90.0), Some(4.0)));
        // 3.2: 45 of 90 = 50%, no threshold → 50% × 4 = 2.00.
        let i = r.indicator("3.2").unwrap();
        assert_eq!((i.rate, i.points), (Some(50.0), Some(2.0)));
        // 3.3 needs the DVCQG sync rate.
        assert!(!r.indicator("3.3").unwrap().available);

        // 4.2: 6 of 10 fee procedures = 60% < 80% → 60 × 2 ÷ 80 = 1.50.
        let i = r.indicator("4.2").unwrap();
        assert_eq!((i.rate, i.points), (Some(60.0), Some(1.5)));
        // 4.3: 30 of 50 payments = 60%, no threshold → 60% × 6 = 3.60.
        let i = r.indicator("4.3").unwrap();
        assert_eq!((i.rate, i.points), (Some(60.0), Some(3.6)));

        // 5.4: 100 − (5 late + 2 dissatisfied) ÷ 100 = 93% ≥ 90% → full 6.00.
        let i = r.indicator("5.4").unwrap();
        assert_eq!((i.rate, i.points), (Some(93.0), Some(6.0)));

        // 6.1: 40 e-results of 100 resolved = 40%, no threshold → 40% × 6 = 2.40.
        let i = r.indicator("6.1").unwrap();
        assert_eq!((i.rate, i.points), (Some(40.0), Some(2.4)));
        // 6.2: 150 digitised of 200 received = 75% < 80% → 75 × 4 ÷ 80 = 3.75.
        let i = r.indicator("6.2").unwrap();
        assert_eq!((i.rate, i.points), (Some(75.0), Some(3.75)));
        assert_eq!(i.data[0], count("Hồ sơ tiếp nhận được số hóa", 150));
        assert_eq!(i.data[1], count("Hồ sơ mới tiếp nhận", 200));

        // Groups: TDGQ 19 + 0 = 19; ONLINE 4 + 2 = 6 of 8 available; TTTT 1.5 + 3.6 = 5.1
        // of 8; MDHL 6 of 6; MDSH 2.4 + 3.75 = 6.15 of 10; CKMB nothing available.
        let g = |c| r.group(c).unwrap();
        assert_eq!((g("CKMB").points, g("CKMB").max_available), (0.0, 0.0));
        assert_eq!((g("TDGQ").points, g("TDGQ").max_available), (19.0, 20.0));
        assert_eq!((g("ONLINE").points, g("ONLINE").max_available), (6.0, 8.0));
        assert_eq!((g("TTTT").points, g("TTTT").max_available), (5.1, 8.0));
        assert_eq!((g("MDHL").points, g("MDHL").max_available), (6.0, 6.0));
        assert_eq!((g("MDSH").points, g("MDSH").max_available), (6.15, 10.0));
        // Total 0 + 19 + 6 + 5.1 + 6 + 6.15 = 42.25 of 20 + 8 + 8 + 6 + 10 = 52 available.
        assert_eq!(r.total, 42.25);
        assert_eq!(r.max_available, 52.0);
        assert_eq!(r.max_scored, 52.0);
        assert_eq!(r.max, 100.0);
    }

    #[test]
    fn rates_below_the_threshold_score_in_proportion() {
        let mut i = busy_period();
        // 3.1: 60 of 100 = 60% < 80% → 60 × 4 ÷ 80 = 3.00.
        i.procedures_online = 60;
        // 5.4: 100 − (15 late + 5 dissatisfied) ÷ 100 = 80% < 90% → 80 × 6 ÷ 90 = 5.333 → 5.33.
        i.figures.late = 15;
        i.figures.rated_dissatisfied = 5;
        let r = compute(&i, &shipped());
        let got = |c| {
            let x = r.indicator(c).unwrap();
            (x.rate, x.points)
        };
        assert_eq!(got("3.1"), (Some(60.0), Some(3.0)));
        assert_eq!(got("5.4"), (Some(80.0), Some(5.33)));
    }

    #[test]
    fn overdue_open_dossiers_count_against_progress() {
        let mut i = busy_period();
        // 95 early + on time of 100 resolved + 25 open overdue = 76% × 20 = 15.20.
        i.figures.in_process_overdue = 25;
        let r = compute(&i, &shipped());
        let x = r.indicator("2.1").unwrap();
        assert_eq!((x.rate, x.points), (Some(76.0), Some(15.2)));
        assert_eq!(
            x.data[1],
            count("Đã giải quyết + đang giải quyết quá hạn", 125)
        );
    }

    #[test]
    fn the_extension_rule_is_data() {
        let mut c = shipped();
        c.rules.extension_kept_counts_on_time.value = true;
        let r = compute(&busy_period(), &c);
        // 60 + 35 + 3 kept the new date = 98 of 100 → 98% × 20 = 19.60.
        let x = r.indicator("2.1").unwrap();
        assert_eq!((x.rate, x.points), (Some(98.0), Some(19.6)));
        assert!(r.rules.extension_kept_counts_on_time.value);
    }

    #[test]
    fn a_zero_denominator_is_no_data_not_zero_points() {
        // An empty period with an empty catalog: every computable indicator is available
        // but has neither rate nor points, and says why.
        let r = compute(&input(zero_figures()), &shipped());
        for g in &r.groups {
            for i in &g.indicators {
                if i.available {
                    assert_eq!((i.rate, i.points), (None, None), "{}", i.code);
                    assert!(
                        i.reason.as_deref().unwrap().contains("bằng 0"),
                        "{}",
                        i.code
                    );
                }
            }
        }
        assert_eq!(r.total, 0.0);
        // Still measurable (52 points), but nothing scored.
        assert_eq!(r.max_available, 52.0);
        assert_eq!(r.max_scored, 0.0);
        let x = r.indicator("4.3").unwrap();
        assert_eq!(
            x.reason.as_deref(),
            Some("Chưa có số liệu trong kỳ: hồ sơ đã nộp phí, lệ phí bằng 0")
        );
    }

    #[test]
    fn satisfaction_never_goes_below_zero() {
        let mut f = zero_figures();
        // Ratings of dossiers resolved in an earlier period: (3 late + 10 dissatisfied) ÷ 4
        // resolved = 325% → 100 − 325 < 0 → 0%, 0 points.
        f.resolved = 4;
        f.late = 3;
        f.rated_dissatisfied = 10;
        let r = compute(&input(f), &shipped());
        let x = r.indicator("5.4").unwrap();
        assert_eq!((x.rate, x.points), (Some(0.0), Some(0.0)));
    }

    #[test]
    fn unavailable_indicators_never_get_points() {
        // Whatever the figures, the unavailable ones stay without rate, points or data.
        let r = compute(&busy_period(), &shipped());
        let unavailable: Vec<&str> = r
            .groups
            .iter()
            .flat_map(|g| &g.indicators)
            .filter(|i| !i.available)
            .map(|i| i.code.as_str())
            .collect();
        assert_eq!(
            unavailable,
            [
                "1.1", "1.2", "1.3", "1.4", "3.3", "4.1", "5.1", "5.2", "5.3", "6.3", "6.4", "6.5",
                "6.6", "6.7"
            ]
        );
        for g in &r.groups {
            for i in g.indicators.iter().filter(|i| !i.available) {
                assert_eq!((i.rate, i.points), (None, None), "{}", i.code);
                assert!(i.data.is_empty(), "{}", i.code);
                assert!(!i.reason.as_deref().unwrap().is_empty(), "{}", i.code);
            }
        }
        assert_eq!(
            r.indicator("1.4").unwrap().reason.as_deref(),
            Some("Hệ thống chưa có dữ liệu đồng bộ Cổng DVCQG")
        );
    }

    #[test]
    fn serialises_with_vietnamese_names() {
        let r = compute(&busy_period(), &shipped());
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["groups"][1]["name"], "Tiến độ giải quyết");
        assert_eq!(
            v["groups"][1]["indicators"][0]["data"][0]["label"],
            "Trước hạn + đúng hạn"
        );
        assert_eq!(v["groups"][1]["indicators"][0]["data"][0]["value"], 95);
        assert_eq!(
            v["groups"][0]["indicators"][0]["points"],
            serde_json::Value::Null
        );
        assert_eq!(v["groups"][0]["indicators"][0]["available"], false);
    }

    /// The shipped file with one indicator's maximum replaced.
    fn shipped_with(from: &str, to: &str) -> String {
        assert!(SHIPPED.contains(from));
        SHIPPED.replacen(from, to, 1)
    }

    #[test]
    fn a_wrong_group_sum_is_rejected() {
        // 2.1 worth 18: TDGQ's indicators add up to 18 + 0, not 20.
        let text = shipped_with(
            "max: 20\n        source: progress_rate",
            "max: 18\n        source: progress_rate",
        );
        let e = IndexConfig::from_yaml(&text).unwrap_err();
        assert_eq!(e.code(), "field_invalid");
        assert_eq!(
            e.message_vi(),
            "Tổng điểm tối đa các chỉ số của nhóm TDGQ là 18, khác điểm tối đa của nhóm (20)"
        );
    }

    #[test]
    fn a_wrong_total_is_rejected() {
        // TDGQ and 2.1 both worth 25: the groups add up to 105.
        let text = shipped_with(
            "max: 20\n    confirmed: true",
            "max: 25\n    confirmed: true",
        );
        let text = text.replacen(
            "max: 20\n        source: progress_rate",
            "max: 25\n        source: progress_rate",
            1,
        );
        let e = IndexConfig::from_yaml(&text).unwrap_err();
        assert_eq!(
            e.message_vi(),
            "Tổng điểm tối đa các nhóm là 105, phải bằng 100"
        );
    }

    #[test]
    fn other_config_mistakes_are_rejected() {
        let cases = [
            // An unavailable indicator must say why.
            (
                shipped_with(
                    "        reason: Hệ thống chưa có dữ liệu đồng bộ Cổng DVCQG\n",
                    "",
                ),
                "Chỉ số 1.4 chưa tính được nhưng thiếu lý do (reason)",
            ),
            (
                shipped_with(
                    "threshold: 80\n        source: online",
                    "threshold: 0\n        source: online",
                ),
                "Ngưỡng của chỉ số 3.1 phải lớn hơn 0 và không quá 100%",
            ),
            (
                shipped_with("code: \"3.2\"", "code: \"3.1\""),
                "Mã chỉ số 3.1 bị trùng",
            ),
        ];
        for (text, message) in cases {
            let e = IndexConfig::from_yaml(&text).unwrap_err();
            assert_eq!(e.message_vi(), message);
        }
        // Unknown fields and unreadable text are errors, not silently ignored.
        let e = IndexConfig::from_yaml(&shipped_with(
            "    api: transparency\n",
            "    api: transparency\n    weight: 2\n",
        ))
        .unwrap_err();
        assert!(
            e.message_vi()
                .starts_with("Không đọc được cấu hình Bộ chỉ số 766")
        );
    }
}
