//! The figures leaders read, each defined once here, from the counters of a period
//! and the stocks at its two ends. The formula of each is written next to it and in
//! [`MEASURES`], which also gives the Vietnamese label every page and report uses.

use serde::Serialize;

use super::{Counter, Counters};
use crate::catalog::{Catalog, OnlineMode};

/// Dossiers open at an instant: received before it and not ended before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Stock {
    /// Open.
    pub open: i64,
    /// Of those, past their due day.
    pub overdue: i64,
}

impl Stock {
    /// The only counters a stock is computed from (stores read just these for stocks).
    pub const COUNTERS: [Counter; 5] = [
        Counter::Received,
        Counter::Closed,
        Counter::Due,
        Counter::EndedByDue,
        Counter::EndedAfterDue,
    ];

    /// The stock at an instant from the sums of every counter over all days before it:
    /// open = received − closed; overdue = due − ended by due − ended after due (a
    /// dossier due before the instant and not ended before it).
    pub fn from_cumulative(c: &Counters) -> Stock {
        Stock {
            open: c.get(Counter::Received) - c.get(Counter::Closed),
            overdue: c.get(Counter::Due)
                - c.get(Counter::EndedByDue)
                - c.get(Counter::EndedAfterDue),
        }
    }
}

/// Online dossiers received, split by the procedure's online mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct OnlineSplit {
    /// Of procedures offered fully online (toàn trình).
    pub full: i64,
    /// Of procedures offered partly online (một phần).
    pub partial: i64,
}

impl OnlineSplit {
    /// From per-procedure counters and the catalog (the current version's mode).
    pub fn of<'a>(
        rows: impl IntoIterator<Item = (&'a str, &'a Counters)>,
        catalog: &Catalog,
    ) -> OnlineSplit {
        let mut s = OnlineSplit::default();
        for (code, c) in rows {
            let online = c.get(Counter::ReceivedOnline) + c.get(Counter::ReceivedAssisted);
            let mode = catalog
                .get(code)
                .and_then(|p| p.versions.last())
                .map_or(OnlineMode::None, |v| v.online_mode);
            match mode {
                OnlineMode::Full => s.full += online,
                // Online filing of a procedure not marked online still happened: count
                // it as partial rather than lose it.
                OnlineMode::Partial | OnlineMode::None => s.partial += online,
            }
        }
        s
    }
}

/// The figures of a period `[from, to)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// Open at the start of the period (kỳ trước chuyển qua).
    pub carried_over: i64,
    /// Received in the period (mới tiếp nhận).
    pub received: i64,
    /// Received online by the applicant.
    pub online: i64,
    /// Received online with a community digital helper.
    pub assisted: i64,
    /// Received at a counter.
    pub counter: i64,
    /// Received by post.
    pub post: i64,
    /// Online (own and assisted) of fully online procedures.
    pub online_full: i64,
    /// Online (own and assisted) of partly online procedures.
    pub online_partial: i64,
    /// Received with papers as files.
    pub digitised: i64,
    /// Ended with a verdict in the period.
    pub resolved: i64,
    /// Of those, early.
    pub early: i64,
    /// On time.
    pub on_time: i64,
    /// Late.
    pub late: i64,
    /// Late with an apology and a new date.
    pub late_with_apology: i64,
    /// Late but by the new date.
    pub late_appointment_kept: i64,
    /// Refused.
    pub refused: i64,
    /// Stopped.
    pub stopped: i64,
    /// Withdrawn.
    pub withdrawn: i64,
    /// Resolved with an electronic result.
    pub e_result: i64,
    /// Results handed over.
    pub returned: i64,
    /// Open at the end of the period.
    pub in_process: i64,
    /// Of those, past their due day.
    pub in_process_overdue: i64,
    /// Ratings given.
    pub rated: i64,
    /// Ratings "rất hài lòng" or "hài lòng".
    pub rated_satisfied: i64,
    /// Ratings "không hài lòng".
    pub rated_dissatisfied: i64,
    /// Payment orders paid.
    pub paid: i64,
    /// Of those, without cash.
    pub paid_cashless: i64,
    /// Amount paid, đồng.
    pub paid_amount: i64,
    /// % (early + on time) ÷ resolved.
    pub on_time_rate: Option<f64>,
    /// % early ÷ resolved.
    pub early_rate: Option<f64>,
    /// % late ÷ resolved.
    pub late_rate: Option<f64>,
    /// % (early + on time) ÷ (resolved + open overdue at the end): index 766, 2.1.
    pub progress_rate: Option<f64>,
    /// % (online + assisted) ÷ received.
    pub online_rate: Option<f64>,
    /// % online by the applicant alone ÷ received (the rate without assisted filing).
    pub online_own_rate: Option<f64>,
    /// % online of fully online procedures ÷ received.
    pub online_full_rate: Option<f64>,
    /// % online of partly online procedures ÷ received.
    pub online_partial_rate: Option<f64>,
    /// % digitised ÷ received.
    pub digitisation_rate: Option<f64>,
    /// % e-result ÷ resolved.
    pub e_result_rate: Option<f64>,
    /// % cashless ÷ paid.
    pub cashless_rate: Option<f64>,
    /// % satisfied ÷ rated.
    pub satisfaction_rate: Option<f64>,
    /// Average days from receipt to end, over resolved dossiers.
    pub avg_processing_days: Option<f64>,
    /// Average days allowed (receipt to appointment), over the same dossiers.
    pub avg_allowed_days: Option<f64>,
}

/// A measure's key (as in [`Figures`]' JSON), Vietnamese label and formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Measure {
    /// JSON key.
    pub key: &'static str,
    /// Vietnamese label.
    pub label_vi: &'static str,
    /// Formula, in words.
    pub formula: &'static str,
    /// Whether it is a percentage.
    pub percent: bool,
}

const fn m(
    key: &'static str,
    label_vi: &'static str,
    formula: &'static str,
    percent: bool,
) -> Measure {
    Measure {
        key,
        label_vi,
        formula,
        percent,
    }
}

/// Every measure, in the order pages and reports show them.
pub const MEASURES: &[Measure] = &[
    m(
        "carried_over",
        "Kỳ trước chuyển qua",
        "tiếp nhận trước đầu kỳ và chưa kết thúc xử lý trước đầu kỳ",
        false,
    ),
    m(
        "received",
        "Mới tiếp nhận",
        "tiếp nhận trong kỳ (mọi kênh)",
        false,
    ),
    m(
        "online",
        "Trực tuyến",
        "tiếp nhận trong kỳ, người dân tự nộp trực tuyến",
        false,
    ),
    m(
        "assisted",
        "Trực tuyến có hỗ trợ",
        "tiếp nhận trong kỳ, nộp trực tuyến với tổ công nghệ số cộng đồng",
        false,
    ),
    m("counter", "Trực tiếp", "tiếp nhận trong kỳ tại quầy", false),
    m(
        "post",
        "Bưu chính",
        "tiếp nhận trong kỳ qua bưu chính công ích",
        false,
    ),
    m(
        "online_full",
        "Trực tuyến toàn trình",
        "trực tuyến (tự nộp và có hỗ trợ) của thủ tục cung cấp toàn trình",
        false,
    ),
    m(
        "online_partial",
        "Trực tuyến một phần",
        "trực tuyến (tự nộp và có hỗ trợ) của thủ tục cung cấp một phần",
        false,
    ),
    m(
        "digitised",
        "Được số hóa",
        "tiếp nhận trong kỳ có thành phần hồ sơ điện tử",
        false,
    ),
    m(
        "resolved",
        "Đã giải quyết",
        "kết thúc xử lý trong kỳ: có kết quả, từ chối sau tiếp nhận hoặc dừng xử lý",
        false,
    ),
    m(
        "early",
        "Trước hạn",
        "đã giải quyết, kết thúc trước ngày hạn theo quy định",
        false,
    ),
    m(
        "on_time",
        "Đúng hạn",
        "đã giải quyết, kết thúc đúng ngày hạn",
        false,
    ),
    m(
        "late",
        "Quá hạn",
        "đã giải quyết, kết thúc sau thời điểm hạn theo quy định",
        false,
    ),
    m(
        "late_with_apology",
        "Quá hạn có văn bản xin lỗi",
        "quá hạn và đã gửi phiếu xin lỗi, hẹn lại ngày trả (mẫu 04)",
        false,
    ),
    m(
        "late_appointment_kept",
        "Quá hạn nhưng đúng hẹn lại",
        "quá hạn có xin lỗi và kết thúc trước ngày hẹn mới",
        false,
    ),
    m(
        "refused",
        "Từ chối",
        "từ chối tiếp nhận hoặc giải quyết trong kỳ (mẫu 03)",
        false,
    ),
    m(
        "stopped",
        "Dừng xử lý",
        "dừng xử lý trong kỳ (mẫu 05)",
        false,
    ),
    m(
        "withdrawn",
        "Rút hồ sơ",
        "người nộp rút hồ sơ trong kỳ",
        false,
    ),
    m(
        "e_result",
        "Có kết quả điện tử",
        "đã giải quyết, có kết quả bản điện tử",
        false,
    ),
    m("returned", "Đã trả kết quả", "trả kết quả trong kỳ", false),
    m(
        "in_process",
        "Đang giải quyết",
        "tiếp nhận trước cuối kỳ và chưa kết thúc xử lý trước cuối kỳ",
        false,
    ),
    m(
        "in_process_overdue",
        "Đang giải quyết quá hạn",
        "đang giải quyết cuối kỳ, ngày hẹn trả đã qua",
        false,
    ),
    m("rated", "Lượt đánh giá", "đánh giá trong kỳ", false),
    m(
        "rated_satisfied",
        "Hài lòng",
        "đánh giá rất hài lòng hoặc hài lòng",
        false,
    ),
    m(
        "rated_dissatisfied",
        "Không hài lòng",
        "đánh giá không hài lòng",
        false,
    ),
    m(
        "paid",
        "Hồ sơ đã nộp phí",
        "lệnh thu phí, lệ phí đã thanh toán trong kỳ",
        false,
    ),
    m(
        "paid_cashless",
        "Thanh toán không dùng tiền mặt",
        "đã thanh toán, không có khoản nào bằng tiền mặt",
        false,
    ),
    m(
        "paid_amount",
        "Số tiền đã thu (đồng)",
        "tổng số tiền đã thu trong kỳ",
        false,
    ),
    m(
        "on_time_rate",
        "Tỷ lệ đúng và trước hạn",
        "(trước hạn + đúng hạn) ÷ đã giải quyết",
        true,
    ),
    m(
        "early_rate",
        "Tỷ lệ trước hạn",
        "trước hạn ÷ đã giải quyết",
        true,
    ),
    m(
        "late_rate",
        "Tỷ lệ quá hạn",
        "quá hạn ÷ đã giải quyết",
        true,
    ),
    m(
        "progress_rate",
        "Tiến độ giải quyết (766, 2.1)",
        "(trước hạn + đúng hạn) ÷ (đã giải quyết + đang giải quyết quá hạn cuối kỳ)",
        true,
    ),
    m(
        "online_rate",
        "Tỷ lệ trực tuyến",
        "(trực tuyến + trực tuyến có hỗ trợ) ÷ mới tiếp nhận",
        true,
    ),
    m(
        "online_own_rate",
        "Tỷ lệ người dân tự nộp trực tuyến",
        "trực tuyến (tự nộp) ÷ mới tiếp nhận",
        true,
    ),
    m(
        "online_full_rate",
        "Tỷ lệ trực tuyến toàn trình",
        "trực tuyến toàn trình ÷ mới tiếp nhận",
        true,
    ),
    m(
        "online_partial_rate",
        "Tỷ lệ trực tuyến một phần",
        "trực tuyến một phần ÷ mới tiếp nhận",
        true,
    ),
    m(
        "digitisation_rate",
        "Tỷ lệ số hóa hồ sơ",
        "được số hóa ÷ mới tiếp nhận",
        true,
    ),
    m(
        "e_result_rate",
        "Tỷ lệ kết quả điện tử",
        "có kết quả điện tử ÷ đã giải quyết",
        true,
    ),
    m(
        "cashless_rate",
        "Tỷ lệ thanh toán không dùng tiền mặt",
        "thanh toán không dùng tiền mặt ÷ hồ sơ đã nộp phí",
        true,
    ),
    m(
        "satisfaction_rate",
        "Tỷ lệ hài lòng",
        "hài lòng ÷ lượt đánh giá",
        true,
    ),
    m(
        "avg_processing_days",
        "Thời gian xử lý bình quân (ngày)",
        "tổng thời gian từ tiếp nhận đến kết thúc ÷ đã giải quyết (ngày lịch)",
        false,
    ),
    m(
        "avg_allowed_days",
        "Thời hạn bình quân (ngày)",
        "tổng thời gian từ tiếp nhận đến ngày hẹn trả ÷ đã giải quyết (ngày lịch)",
        false,
    ),
];

/// `part ÷ whole` in per cent, two decimals; `None` when there is nothing to divide by.
#[allow(clippy::cast_precision_loss)]
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 10_000.0 / whole as f64).round() / 100.0)
}

#[allow(clippy::cast_precision_loss)]
fn days(minutes: i64, n: i64) -> Option<f64> {
    (n > 0).then(|| (minutes as f64 / n as f64 / 1440.0 * 100.0).round() / 100.0)
}

impl Figures {
    /// The figures of a period from its counters, the stocks at its start and end and
    /// the online split of what it received.
    pub fn compute(flows: &Counters, start: Stock, end: Stock, split: OnlineSplit) -> Figures {
        let g = |c: Counter| flows.get(c);
        let received = g(Counter::Received);
        let resolved = g(Counter::Resolved);
        let (early, on_time, late) = (g(Counter::Early), g(Counter::OnTime), g(Counter::Late));
        let online = g(Counter::ReceivedOnline);
        let assisted = g(Counter::ReceivedAssisted);
        let rated_satisfied = g(Counter::RatedVerySatisfied) + g(Counter::RatedSatisfied);
        let rated_dissatisfied = g(Counter::RatedDissatisfied);
        let rated = rated_satisfied + rated_dissatisfied;
        let paid = g(Counter::Paid);
        let paid_cashless = g(Counter::PaidCashless);
        let digitised = g(Counter::ReceivedDigitised);
        let e_result = g(Counter::EResult);
        Figures {
            carried_over: start.open,
            received,
            online,
            assisted,
            counter: g(Counter::ReceivedCounter),
            post: g(Counter::ReceivedPost),
            online_full: split.full,
            online_partial: split.partial,
            digitised,
            resolved,
            early,
            on_time,
            late,
            late_with_apology: g(Counter::LateApology),
            late_appointment_kept: g(Counter::LateKept),
            refused: g(Counter::Refused),
            stopped: g(Counter::Stopped),
            withdrawn: g(Counter::Withdrawn),
            e_result,
            returned: g(Counter::Returned),
            in_process: end.open,
            in_process_overdue: end.overdue,
            rated,
            rated_satisfied,
            rated_dissatisfied,
            paid,
            paid_cashless,
            paid_amount: g(Counter::PaidAmount),
            on_time_rate: percent(early + on_time, resolved),
            early_rate: percent(early, resolved),
            late_rate: percent(late, resolved),
            progress_rate: percent(early + on_time, resolved + end.overdue),
            online_rate: percent(online + assisted, received),
            online_own_rate: percent(online, received),
            online_full_rate: percent(split.full, received),
            online_partial_rate: percent(split.partial, received),
            digitisation_rate: percent(digitised, received),
            e_result_rate: percent(e_result, resolved),
            cashless_rate: percent(paid_cashless, paid),
            satisfaction_rate: percent(rated_satisfied, rated),
            avg_processing_days: days(g(Counter::SpentMinutes), resolved),
            avg_allowed_days: days(g(Counter::AllowedMinutes), resolved),
        }
    }

    /// A measure's value by key, as a number (`None`: no data to divide by).
    pub fn value(&self, key: &str) -> Option<f64> {
        let v = serde_json::to_value(self).ok()?;
        v.get(key)?.as_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_figure_has_exactly_one_measure() {
        let f = Figures::compute(
            &Counters::default(),
            Stock::default(),
            Stock::default(),
            OnlineSplit::default(),
        );
        let v = serde_json::to_value(&f).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), MEASURES.len());
        for m in MEASURES {
            assert!(v.get(m.key).is_some(), "{}", m.key);
            assert!(!m.label_vi.is_empty() && !m.formula.is_empty());
        }
    }

    /// Ten received (6 online, 1 assisted, 2 counter, 1 post), eight resolved (2 early,
    /// 5 on time, 1 late with apology), two open at the end of which one overdue,
    /// 4 paid of which 3 cashless, 5 rated of which 1 dissatisfied. Rates by hand.
    #[test]
    fn rates_by_hand() {
        let mut c = Counters::default();
        for (k, v) in [
            (Counter::Received, 10),
            (Counter::ReceivedOnline, 6),
            (Counter::ReceivedAssisted, 1),
            (Counter::ReceivedCounter, 2),
            (Counter::ReceivedPost, 1),
            (Counter::ReceivedDigitised, 9),
            (Counter::Resolved, 8),
            (Counter::Early, 2),
            (Counter::OnTime, 5),
            (Counter::Late, 1),
            (Counter::LateApology, 1),
            (Counter::EResult, 4),
            (Counter::Paid, 4),
            (Counter::PaidCashless, 3),
            (Counter::RatedVerySatisfied, 2),
            (Counter::RatedSatisfied, 2),
            (Counter::RatedDissatisfied, 1),
            (Counter::SpentMinutes, 8 * 3 * 1440),
            (Counter::AllowedMinutes, 8 * 5 * 1440),
        ] {
            c.add(k, v);
        }
        let f = Figures::compute(
            &c,
            Stock {
                open: 3,
                overdue: 0,
            },
            Stock {
                open: 2,
                overdue: 1,
            },
            OnlineSplit {
                full: 4,
                partial: 3,
            },
        );
        assert_eq!(f.carried_over, 3);
        assert_eq!((f.in_process, f.in_process_overdue), (2, 1));
        assert_eq!(f.on_time_rate, Some(87.5)); // 7 / 8
        assert_eq!(f.early_rate, Some(25.0)); // 2 / 8
        assert_eq!(f.late_rate, Some(12.5)); // 1 / 8
        assert_eq!(f.progress_rate, Some(77.78)); // 7 / (8 + 1)
        assert_eq!(f.online_rate, Some(70.0)); // (6 + 1) / 10
        assert_eq!(f.online_own_rate, Some(60.0)); // 6 / 10
        assert_eq!(f.online_full_rate, Some(40.0)); // 4 / 10
        assert_eq!(f.digitisation_rate, Some(90.0)); // 9 / 10
        assert_eq!(f.e_result_rate, Some(50.0)); // 4 / 8
        assert_eq!(f.cashless_rate, Some(75.0)); // 3 / 4
        assert_eq!(f.satisfaction_rate, Some(80.0)); // 4 / 5
        assert_eq!(f.avg_processing_days, Some(3.0));
        assert_eq!(f.avg_allowed_days, Some(5.0));
        assert_eq!(f.late_with_apology, 1);
        // Nothing to divide by: no figure.
        let empty = Figures::compute(
            &Counters::default(),
            Stock::default(),
            Stock::default(),
            OnlineSplit::default(),
        );
        assert_eq!(empty.on_time_rate, None);
        assert_eq!(empty.avg_processing_days, None);
    }
}
