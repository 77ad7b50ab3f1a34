//! The periodic report of administrative-procedure handling (báo cáo tình hình, kết quả
//! giải quyết thủ tục hành chính) that officers attach to their monthly and quarterly
//! reports, in the columns of the reporting form of TT 01/2018/TT-VPCP (biểu II.06a):
//! received (carried over, online, at the counter and by post), resolved (early, on time,
//! late), still in process (in time, overdue) and the on-time rate, one line per field or
//! agency and the total; under the table, the other measures of the total. As PDF (A4
//! landscape, `templates/stats-report.typ`) and as an Excel sheet with the same columns.
//!
//! The figures are computed elsewhere ([`Figures`]); here they are only laid out, with
//! the labels of [`MEASURES`] where a measure is named.

use chrono::{NaiveDate, NaiveDateTime};
use motcua_domain::fee::vnd;
use motcua_domain::stats::Figures;
use motcua_domain::stats::measures::MEASURES;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use serde_json::{Value, json};

use crate::forms::date_vi;
use crate::{Engine, RenderError};

/// The column groups of the form, with how many columns each spans.
const GROUPS: [(&str, u16); 3] = [
    ("Số hồ sơ nhận giải quyết", 4),
    ("Số hồ sơ đã giải quyết", 4),
    ("Số hồ sơ đang giải quyết", 3),
];

/// The columns under the groups, in order.
const COLUMNS: [&str; 11] = [
    "Tổng số",
    "Số kỳ trước chuyển qua",
    "Số mới tiếp nhận trực tuyến",
    "Số mới tiếp nhận trực tiếp và dịch vụ bưu chính",
    "Tổng số",
    "Trả trước hạn",
    "Trả đúng thời hạn",
    "Trả quá hạn",
    "Tổng số",
    "Trong hạn",
    "Quá hạn",
];

/// Written where a rate has nothing to divide by.
const NO_DATA: &str = "—";

const TOTAL: &str = "Tổng cộng";
const NUMBER: &str = "STT";
const UNIT_OF_COUNT: &str = "Đơn vị tính: hồ sơ";
const MEASURES_HEADING: &str = "Các chỉ số khác (tính trên dòng Tổng cộng)";
const EMPTY: &str = "Không có số liệu trong kỳ.";

/// One cell of a line of the table.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cell {
    /// A number of dossiers.
    Count(i64),
    /// A percentage (`None`: nothing to divide by).
    Percent(Option<f64>),
    /// A number of days, two decimals.
    Days(Option<f64>),
}

/// The twelve figures of a line, in the form's order: received (total = carried over +
/// received, of which carried over, online = own + assisted, counter + post), resolved
/// (total, early, on time, late), in process at the end (total, in time = open − overdue,
/// overdue), and the on-time rate.
fn cells(f: &Figures) -> [Cell; 12] {
    [
        Cell::Count(f.carried_over + f.received),
        Cell::Count(f.carried_over),
        Cell::Count(f.online + f.assisted),
        Cell::Count(f.counter + f.post),
        Cell::Count(f.resolved),
        Cell::Count(f.early),
        Cell::Count(f.on_time),
        Cell::Count(f.late),
        Cell::Count(f.in_process),
        Cell::Count(f.in_process - f.in_process_overdue),
        Cell::Count(f.in_process_overdue),
        Cell::Percent(f.on_time_rate),
    ]
}

/// The other measures of the total shown under the table, by their key in [`MEASURES`].
fn other_measures(f: &Figures) -> [(&'static str, Cell); 8] {
    [
        ("online_rate", Cell::Percent(f.online_rate)),
        ("online_own_rate", Cell::Percent(f.online_own_rate)),
        ("digitisation_rate", Cell::Percent(f.digitisation_rate)),
        ("late_with_apology", Cell::Count(f.late_with_apology)),
        ("cashless_rate", Cell::Percent(f.cashless_rate)),
        ("satisfaction_rate", Cell::Percent(f.satisfaction_rate)),
        ("avg_processing_days", Cell::Days(f.avg_processing_days)),
        ("avg_allowed_days", Cell::Days(f.avg_allowed_days)),
    ]
}

/// A measure's Vietnamese label and formula (the key itself if it is not listed).
fn measure(key: &'static str) -> (&'static str, &'static str) {
    MEASURES
        .iter()
        .find(|m| m.key == key)
        .map_or((key, ""), |m| (m.label_vi, m.formula))
}

/// The header of the rate column: the measure's label and its unit.
fn rate_heading() -> String {
    format!("{} (%)", measure("on_time_rate").0)
}

/// `1.234,57`: two decimals after a comma, dots between thousands; `—` if not finite.
pub(crate) fn decimal_vi(x: f64) -> String {
    if !x.is_finite() {
        return NO_DATA.to_owned();
    }
    // Saturating cast: no figure comes near it.
    #[allow(clippy::cast_possible_truncation)]
    let cents = (x * 100.0).round() as i64;
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let whole = i64::try_from(abs / 100).unwrap_or(i64::MAX);
    format!("{sign}{},{:02}", vnd(whole), abs % 100)
}

impl Cell {
    /// As printed in the table (percent without its sign: the column says `(%)`).
    fn text(self) -> String {
        match self {
            Cell::Count(n) => vnd(n),
            Cell::Percent(Some(x)) | Cell::Days(Some(x)) => decimal_vi(x),
            Cell::Percent(None) | Cell::Days(None) => NO_DATA.to_owned(),
        }
    }

    /// As printed alone, with its unit where it has one (`99,97 %`).
    fn text_with_unit(self) -> String {
        match self {
            Cell::Percent(Some(x)) if x.is_finite() => format!("{} %", decimal_vi(x)),
            other => other.text(),
        }
    }
}

/// The report of one period: one line per field (lĩnh vực) or agency, and the total.
#[derive(Debug, Clone)]
pub struct StatsReport {
    /// Title, e.g. "Tình hình, kết quả giải quyết thủ tục hành chính" (printed in
    /// capitals).
    pub title: String,
    /// The reporting agency or authority (`UBND tỉnh …`).
    pub unit_name: String,
    /// The period as people name it (`Tháng 11/2026`, `Quý IV/2026`).
    pub period_label: String,
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period (included).
    pub to_inclusive: NaiveDate,
    /// Heading of the label column: "Lĩnh vực" or "Cơ quan".
    pub row_heading: String,
    /// One line per field or agency, in the order to print.
    pub rows: Vec<(String, Figures)>,
    /// The figures of all lines together (given, not summed here: rates and stocks of a
    /// total are not the sums of the lines').
    pub total: Figures,
    /// When the figures were taken (Vietnam time), printed in the footer.
    pub generated_at: NaiveDateTime,
}

impl StatsReport {
    /// `Kỳ báo cáo: Tháng 11/2026 (từ ngày 01/11/2026 đến ngày 30/11/2026)`.
    fn period_line(&self) -> String {
        format!(
            "Kỳ báo cáo: {} (từ ngày {} đến ngày {})",
            self.period_label,
            date_vi(self.from),
            date_vi(self.to_inclusive)
        )
    }

    fn footer(&self) -> String {
        format!(
            "Số liệu lập lúc {} ngày {} trên Hệ thống thông tin một cửa điện tử",
            self.generated_at.format("%H:%M"),
            self.generated_at.format("%d/%m/%Y")
        )
    }

    /// The data the template reads: every text and number already formatted.
    fn data(&self) -> Value {
        let line = |f: &Figures| cells(f).iter().map(|c| c.text()).collect::<Vec<_>>();
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|(label, f)| json!({ "label": label, "cells": line(f) }))
            .collect();
        let measures: Vec<Value> = other_measures(&self.total)
            .into_iter()
            .map(|(key, value)| {
                let (label, formula) = measure(key);
                json!({ "label": label, "value": value.text_with_unit(), "formula": formula })
            })
            .collect();
        let numbering: Vec<String> = (1..=COLUMNS.len() + 3).map(|n| format!("({n})")).collect();
        let groups: Vec<Value> = GROUPS
            .iter()
            .map(|(name, span)| json!({ "name": name, "span": span }))
            .collect();
        json!({
            "title": self.title,
            "unit": self.unit_name,
            "period": self.period_line(),
            "footer": self.footer(),
            "row_heading": self.row_heading,
            "t": {
                "number": NUMBER,
                "groups": groups,
                "columns": COLUMNS,
                "rate": rate_heading(),
                "numbering": numbering,
                "total": TOTAL,
                "empty": EMPTY,
                "measures": MEASURES_HEADING,
                "unit_of_count": UNIT_OF_COUNT,
            },
            "rows": rows,
            "total": { "cells": line(&self.total) },
            "measures": measures,
        })
    }

    /// The report as PDF (A4 landscape).
    pub fn pdf(&self, engine: &Engine) -> Result<Vec<u8>, RenderError> {
        Ok(engine.render("stats-report.typ", &self.data())?.pdf)
    }

    /// The report as an .xlsx workbook (sheet "Bao cao"): agency, title and period, the
    /// two-level header with the column numbers under it (frozen, repeated on every
    /// printed page), one line per field or agency, the total, then the other measures.
    /// Counts are numbers (`#,##0`), rates are fractions shown as `0.00%`.
    pub fn xlsx(&self) -> Result<Vec<u8>, RenderError> {
        let err = |e: XlsxError| RenderError::Xlsx(e.to_string());
        let index_err = |e: std::num::TryFromIntError| RenderError::Xlsx(e.to_string());
        let f = Formats::new();
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        // Sheet names are limited to 31 characters and some readers choke on diacritics.
        sheet.set_name("Bao cao").map_err(err)?;
        let last_col = u16::try_from(COLUMNS.len() + 2).map_err(index_err)?;
        sheet
            .write_string_with_format(0, 0, &self.unit_name, &f.bold)
            .map_err(err)?;
        sheet
            .write_string_with_format(1, 0, self.title.to_uppercase(), &f.title)
            .map_err(err)?;
        sheet
            .write_string_with_format(2, 0, self.period_line(), &f.italic)
            .map_err(err)?;
        sheet
            .write_string_with_format(3, last_col, UNIT_OF_COUNT, &f.italic_right)
            .map_err(err)?;

        let (top, sub, numbers) = (4u32, 5u32, 6u32);
        self.write_header(sheet, top, &f)?;
        sheet.set_freeze_panes(numbers + 1, 2).map_err(err)?;
        sheet.set_repeat_rows(top, numbers).map_err(err)?;
        sheet.set_row_height(top, 30).map_err(err)?;
        sheet.set_row_height(sub, 78).map_err(err)?;
        sheet.set_column_width(0, 6).map_err(err)?;
        sheet.set_column_width(1, 36).map_err(err)?;
        for c in 2..last_col {
            sheet.set_column_width(c, 11).map_err(err)?;
        }
        sheet.set_column_width(last_col, 13).map_err(err)?;

        let mut row = numbers + 1;
        for (n, (label, figures)) in (1u32..).zip(&self.rows) {
            sheet
                .write_number_with_format(row, 0, n, &f.count)
                .map_err(err)?;
            sheet
                .write_string_with_format(row, 1, label, &f.plain.text)
                .map_err(err)?;
            write_cells(sheet, row, figures, &f.plain)?;
            row = row
                .checked_add(1)
                .ok_or_else(|| RenderError::Xlsx("too many rows".to_owned()))?;
        }
        sheet
            .merge_range(row, 0, row, 1, TOTAL, &f.strong.text)
            .map_err(err)?;
        write_cells(sheet, row, &self.total, &f.strong)?;
        if self.rows.is_empty() {
            sheet
                .write_string_with_format(row + 1, 1, EMPTY, &f.italic)
                .map_err(err)?;
        }

        let mut row = row + 3;
        sheet
            .write_string_with_format(row, 1, MEASURES_HEADING, &f.bold)
            .map_err(err)?;
        for (key, value) in other_measures(&self.total) {
            row += 1;
            let (label, formula) = measure(key);
            sheet.write_string(row, 1, label).map_err(err)?;
            write_cell(sheet, row, 2, value, &f.block)?;
            sheet
                .write_string_with_format(row, 3, formula, &f.formula)
                .map_err(err)?;
        }
        sheet
            .write_string_with_format(row + 2, 1, self.footer(), &f.italic)
            .map_err(err)?;

        sheet.set_landscape();
        sheet.set_paper_size(9); // A4
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_print_center_horizontally(true);
        book.save_to_buffer().map_err(err)
    }

    /// The header: STT, the label and the rate over two rows, the groups over their
    /// columns, the columns under them, then the column numbers `(1)`…`(14)`.
    fn write_header(
        &self,
        sheet: &mut Worksheet,
        top: u32,
        f: &Formats,
    ) -> Result<(), RenderError> {
        let err = |e: XlsxError| RenderError::Xlsx(e.to_string());
        let (sub, numbers) = (top + 1, top + 2);
        sheet
            .merge_range(top, 0, sub, 0, NUMBER, &f.head)
            .map_err(err)?;
        sheet
            .merge_range(top, 1, sub, 1, &self.row_heading, &f.head)
            .map_err(err)?;
        let mut c = 2u16;
        for (name, span) in GROUPS {
            sheet
                .merge_range(top, c, top, c + span - 1, name, &f.head)
                .map_err(err)?;
            c += span;
        }
        sheet
            .merge_range(top, c, sub, c, &rate_heading(), &f.head)
            .map_err(err)?;
        for (c, name) in (2u16..).zip(COLUMNS) {
            sheet
                .write_string_with_format(sub, c, name, &f.head)
                .map_err(err)?;
        }
        for c in 0..=c {
            sheet
                .write_string_with_format(numbers, c, format!("({})", c + 1), &f.numbering)
                .map_err(err)?;
        }
        Ok(())
    }
}

/// The twelve figures of a line from column C.
fn write_cells(
    sheet: &mut Worksheet,
    row: u32,
    f: &Figures,
    fmt: &CellFormats,
) -> Result<(), RenderError> {
    for (c, cell) in (2u16..).zip(cells(f)) {
        write_cell(sheet, row, c, cell, fmt)?;
    }
    Ok(())
}

/// One figure as a number (a rate as a fraction with a `%` format), `—` without data.
fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: Cell,
    fmt: &CellFormats,
) -> Result<(), RenderError> {
    let written = match cell {
        Cell::Count(n) => sheet.write_number_with_format(row, col, n as f64, &fmt.count),
        Cell::Percent(Some(x)) if x.is_finite() => {
            sheet.write_number_with_format(row, col, x / 100.0, &fmt.percent)
        }
        Cell::Days(Some(x)) if x.is_finite() => {
            sheet.write_number_with_format(row, col, x, &fmt.days)
        }
        Cell::Percent(_) | Cell::Days(_) => {
            sheet.write_string_with_format(row, col, NO_DATA, &fmt.none)
        }
    };
    written
        .map(|_| ())
        .map_err(|e| RenderError::Xlsx(e.to_string()))
}

/// The formats of one kind of line (plain, total, the block under the table).
struct CellFormats {
    text: Format,
    count: Format,
    percent: Format,
    days: Format,
    none: Format,
}

impl CellFormats {
    fn new(base: &Format) -> Self {
        CellFormats {
            text: base.clone().set_text_wrap(),
            count: base.clone().set_num_format("#,##0"),
            percent: base.clone().set_num_format("0.00%"),
            days: base.clone().set_num_format("#,##0.00"),
            none: base.clone().set_align(FormatAlign::Right),
        }
    }
}

/// The formats of the sheet.
struct Formats {
    title: Format,
    bold: Format,
    italic: Format,
    italic_right: Format,
    head: Format,
    numbering: Format,
    formula: Format,
    plain: CellFormats,
    strong: CellFormats,
    block: CellFormats,
    count: Format,
}

impl Formats {
    fn new() -> Self {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let plain = CellFormats::new(&cell);
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            italic: Format::new().set_italic(),
            italic_right: Format::new().set_italic().set_align(FormatAlign::Right),
            head: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_border(FormatBorder::Thin)
                .set_background_color("#DDEBF7"),
            numbering: cell.clone().set_italic().set_align(FormatAlign::Center),
            formula: Format::new().set_italic().set_font_color("#595959"),
            strong: CellFormats::new(&cell.clone().set_bold()),
            block: CellFormats::new(&Format::new()),
            count: plain.count.clone().set_align(FormatAlign::Center),
            plain,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    /// Figures with every field given: the counts of the table, then the rate, then the
    /// rest (zero, no data) unless set after.
    #[allow(clippy::too_many_arguments)]
    fn figures(
        carried_over: i64,
        (online, assisted, counter, post): (i64, i64, i64, i64),
        (early, on_time, late): (i64, i64, i64),
        (in_process, in_process_overdue): (i64, i64),
        on_time_rate: Option<f64>,
    ) -> Figures {
        Figures {
            carried_over,
            received: online + assisted + counter + post,
            online,
            assisted,
            counter,
            post,
            online_full: 0,
            online_partial: online + assisted,
            digitised: 0,
            resolved: early + on_time + late,
            early,
            on_time,
            late,
            late_with_apology: 0,
            late_appointment_kept: 0,
            refused: 0,
            stopped: 0,
            withdrawn: 0,
            e_result: 0,
            returned: 0,
            in_process,
            in_process_overdue,
            rated: 0,
            rated_satisfied: 0,
            rated_dissatisfied: 0,
            paid: 0,
            paid_cashless: 0,
            paid_amount: 0,
            on_time_rate,
            early_rate: None,
            late_rate: None,
            progress_rate: None,
            online_rate: None,
            online_own_rate: None,
            online_full_rate: None,
            online_partial_rate: None,
            digitisation_rate: None,
            e_result_rate: None,
            cashless_rate: None,
            satisfaction_rate: None,
            avg_processing_days: None,
            avg_allowed_days: None,
        }
    }

    /// Three fields, by hand:
    /// - Hộ tịch: 1.204 carried over; 18.016 received (9.500 online, 1.016 assisted,
    ///   7.300 at the counter, 200 by post); 18.645 resolved, of which 12.000 early,
    ///   6.639 on time, 6 late: 18.639 of 18.645 on time or early = 99,97 %; open at the
    ///   end 1.204 + 18.016 − 18.645 = 575, of which 4 overdue.
    /// - Đất đai: 310; 1.250 (400, 50, 700, 100); 1.300 (900, 350, 50): 1.250 of
    ///   1.300 = 96,15 %; open 310 + 1.250 − 1.300 = 260, of which 20 overdue.
    /// - Xây dựng: 3 carried over, nothing received nor resolved (no rate), 3 open.
    fn report() -> StatsReport {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let civil = figures(
            1_204,
            (9_500, 1_016, 7_300, 200),
            (12_000, 6_639, 6),
            (575, 4),
            Some(99.97),
        );
        let land = figures(
            310,
            (400, 50, 700, 100),
            (900, 350, 50),
            (260, 20),
            Some(96.15),
        );
        let building = figures(3, (0, 0, 0, 0), (0, 0, 0), (3, 0), None);
        // Total: 19.889 of 19.945 on time or early = 99,72 %.
        let mut total = figures(
            1_517,
            (9_900, 1_066, 8_000, 300),
            (12_900, 6_989, 56),
            (838, 24),
            Some(99.72),
        );
        total.late_with_apology = 50;
        total.online_rate = Some(56.92);
        total.digitisation_rate = Some(80.5);
        total.cashless_rate = None;
        total.satisfaction_rate = Some(98.75);
        total.avg_processing_days = Some(3.25);
        total.avg_allowed_days = Some(7.5);
        StatsReport {
            title: "Tình hình, kết quả giải quyết thủ tục hành chính".into(),
            unit_name: "UBND tỉnh Khánh Hòa".into(),
            period_label: "Tháng 11/2026".into(),
            from: day("2026-11-01"),
            to_inclusive: day("2026-11-30"),
            row_heading: "Lĩnh vực".into(),
            rows: vec![
                ("Hộ tịch".into(), civil),
                ("Đất đai".into(), land),
                ("Xây dựng <nhà ở> & \"công trình\"".into(), building),
            ],
            total,
            generated_at: day("2026-12-01").and_hms_opt(8, 15, 0).unwrap(),
        }
    }

    #[test]
    fn numbers_in_the_vietnamese_way() {
        assert_eq!(vnd(18_639), "18.639");
        assert_eq!(decimal_vi(99.97), "99,97");
        assert_eq!(decimal_vi(100.0), "100,00");
        assert_eq!(decimal_vi(1234.5), "1.234,50");
        assert_eq!(decimal_vi(-0.5), "-0,50");
        assert_eq!(decimal_vi(f64::NAN), "—");
        assert_eq!(Cell::Percent(Some(99.97)).text_with_unit(), "99,97 %");
        assert_eq!(Cell::Percent(None).text_with_unit(), "—");
        assert_eq!(rate_heading(), "Tỷ lệ đúng và trước hạn (%)");
    }

    #[test]
    fn the_lines_follow_the_form() {
        let r = report();
        let texts = |f: &Figures| cells(f).iter().map(|c| c.text()).collect::<Vec<_>>();
        assert_eq!(
            texts(&r.rows[0].1),
            [
                "19.220", "1.204", "10.516", "7.500", "18.645", "12.000", "6.639", "6", "575",
                "571", "4", "99,97"
            ]
        );
        assert_eq!(
            texts(&r.rows[2].1),
            ["3", "3", "0", "0", "0", "0", "0", "0", "3", "3", "0", "—"]
        );
        assert_eq!(
            texts(&r.total),
            [
                "20.783", "1.517", "10.966", "8.300", "19.945", "12.900", "6.989", "56", "838",
                "814", "24", "99,72"
            ]
        );
    }

    /// Text of one part of an .xlsx (a zip of XML parts).
    fn xlsx_part(bytes: &[u8], part: &str) -> String {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        zip.by_name(part)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text.nfc().collect()
    }

    /// The numbers of the cells of a sheet (not the shared strings' indexes).
    fn numbers(sheet: &str) -> Vec<f64> {
        sheet
            .split("<c ")
            .skip(1)
            .filter(|c| !c.split('>').next().unwrap().contains("t=\"s\""))
            .filter_map(|c| c.split("<v>").nth(1)?.split("</v>").next())
            .filter_map(|v| v.parse().ok())
            .collect()
    }

    #[test]
    fn the_workbook() {
        let xlsx = report().xlsx().unwrap();
        assert!(xlsx.starts_with(b"PK"));
        let workbook = xlsx_part(&xlsx, "xl/workbook.xml");
        assert!(workbook.contains("name=\"Bao cao\""), "{workbook}");
        let strings = xlsx_part(&xlsx, "xl/sharedStrings.xml");
        for want in [
            "UBND tỉnh Khánh Hòa",
            "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
            "Kỳ báo cáo: Tháng 11/2026 (từ ngày 01/11/2026 đến ngày 30/11/2026)",
            "STT",
            "Lĩnh vực",
            "Số hồ sơ nhận giải quyết",
            "Số kỳ trước chuyển qua",
            "Số mới tiếp nhận trực tuyến",
            "Số mới tiếp nhận trực tiếp và dịch vụ bưu chính",
            "Số hồ sơ đã giải quyết",
            "Trả trước hạn",
            "Trả đúng thời hạn",
            "Trả quá hạn",
            "Số hồ sơ đang giải quyết",
            "Trong hạn",
            "Quá hạn",
            "Tỷ lệ đúng và trước hạn (%)",
            "(14)",
            "Hộ tịch",
            "Xây dựng &lt;nhà ở&gt; &amp; \"công trình\"",
            "Tổng cộng",
            "Tỷ lệ trực tuyến",
            "Tỷ lệ số hóa hồ sơ",
            "Quá hạn có văn bản xin lỗi",
            "Tỷ lệ thanh toán không dùng tiền mặt",
            "Tỷ lệ hài lòng",
            "Thời gian xử lý bình quân (ngày)",
            "Thời hạn bình quân (ngày)",
            "Số liệu lập lúc 08:15 ngày 01/12/2026",
            "—",
        ] {
            assert!(strings.contains(want), "xlsx lacks {want:?}");
        }
        let styles = xlsx_part(&xlsx, "xl/styles.xml");
        assert!(
            styles.contains("#,##0") && styles.contains("0.00%"),
            "{styles}"
        );
        let sheet = xlsx_part(&xlsx, "xl/worksheets/sheet1.xml");
        // Frozen under the header (row 7) and right of the labels (column B).
        assert!(sheet.contains("topLeftCell=\"C8\""), "{sheet}");
        // Header merges: STT and the label over two rows, the groups over their columns.
        for merge in ["A5:A6", "B5:B6", "C5:F5", "G5:J5", "K5:M5", "N5:N6"] {
            assert!(
                sheet.contains(&format!("ref=\"{merge}\"")),
                "no merge {merge}"
            );
        }
        // The total line (row 11) as numbers: 20.783 received in all, …, 24 overdue.
        let total_row = sheet
            .split("<row r=\"11\"")
            .nth(1)
            .and_then(|s| s.split("</row>").next())
            .unwrap();
        assert_eq!(
            numbers(total_row)
                .iter()
                .filter(|v| v.fract() == 0.0)
                .copied()
                .collect::<Vec<_>>(),
            [
                20_783.0, 1_517.0, 10_966.0, 8_300.0, 19_945.0, 12_900.0, 6_989.0, 56.0, 838.0,
                814.0, 24.0
            ]
        );
        let values = numbers(&sheet);
        let has = |x: f64| values.iter().any(|v| (v - x).abs() < 1e-9);
        // Rates as fractions under a % format.
        for rate in [0.9997, 0.9615, 0.9972, 0.5692, 0.805, 0.9875] {
            assert!(has(rate), "no rate {rate} in {values:?}");
        }
        for n in [19_220.0, 18_645.0, 571.0, 3.25, 7.5, 50.0] {
            assert!(has(n), "no {n} in {values:?}");
        }
    }

    #[test]
    fn the_pdf() {
        let r = report();
        let engine = Engine::new();
        let rendered = engine.render("stats-report.typ", &r.data()).unwrap();
        assert!(rendered.warnings.is_empty(), "{:?}", rendered.warnings);
        let pdf = r.pdf(&engine).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-output/forms");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("stats-report.pdf");
        std::fs::write(&file, &pdf).unwrap();
        let Ok(out) = std::process::Command::new("pdftotext")
            .args(["-enc", "UTF-8", "-layout"])
            .arg(&file)
            .arg("-")
            .output()
        else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "poppler-utils is required under CI=true"
            );
            eprintln!("pdftotext missing: PDF text not checked");
            return;
        };
        assert!(out.status.success());
        let text: String = String::from_utf8(out.stdout).unwrap().nfc().collect();
        let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let hay = fold(&text);
        for want in [
            "UBND TỈNH KHÁNH HÒA",
            "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
            "Kỳ báo cáo: Tháng 11/2026 (từ ngày 01/11/2026 đến ngày 30/11/2026)",
            "STT",
            "Lĩnh vực",
            "Hộ tịch",
            "Đất đai",
            "Xây dựng <nhà ở> & \"công trình\"",
            "Tổng cộng",
            // Hộ tịch: 19.220 received in all, 18.645 resolved, 99,97 % on time.
            "19.220 1.204 10.516 7.500 18.645 12.000 6.639 6 575 571 4 99,97",
            "96,15",
            "3 3 0 0 0 0 0 0 3 3 0 —",
            "20.783 1.517 10.966 8.300 19.945 12.900 6.989 56 838 814 24 99,72",
            "Tỷ lệ trực tuyến 56,92 %",
            "Tỷ lệ số hóa hồ sơ 80,50 %",
            "Quá hạn có văn bản xin lỗi 50",
            "Tỷ lệ thanh toán không dùng tiền mặt —",
            "Thời gian xử lý bình quân (ngày) 3,25",
            "Thời hạn bình quân (ngày) 7,50",
            "Số liệu lập lúc 08:15 ngày 01/12/2026",
        ] {
            let want: String = want.nfc().collect();
            assert!(hay.contains(&fold(&want)), "{want:?} not found in:\n{text}");
        }
    }
}
