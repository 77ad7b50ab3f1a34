//! The dossier register (Mẫu 07, sổ theo dõi hồ sơ) of an agency for a period: one line
//! per dossier received, as PDF (landscape) and as an Excel sheet with the same columns.

use chrono::NaiveDate;
use motcua_domain::time::to_local;
use motcua_domain::{ActionKind, Dossier, ReturnMethod};
use rust_xlsxwriter::{Format, FormatBorder, Workbook};
use serde::Serialize;
use serde_json::{Value, json};

use crate::forms::{FormContext, date_vi};
use crate::wording::Texts;
use crate::{Engine, RenderError};

/// One line of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterRow {
    /// Dossier code.
    pub code: String,
    /// Procedure name.
    pub procedure: String,
    /// Applicant.
    pub applicant: String,
    /// Address and phone.
    pub contact: String,
    /// Lead (handling) agency.
    pub lead: String,
    /// Received (`09:30 24/11/2026`).
    pub received: String,
    /// Appointment.
    pub due: String,
    /// Result returned.
    pub returned: String,
    /// How the result was taken.
    pub method: String,
}

fn short(t: chrono::DateTime<chrono::Utc>) -> String {
    to_local(t).format("%H:%M %d/%m/%Y").to_string()
}

fn method_vi(m: ReturnMethod) -> &'static str {
    match m {
        ReturnMethod::Counter => "Tại Bộ phận Một cửa",
        ReturnMethod::Post => "Qua dịch vụ bưu chính",
        ReturnMethod::Online => "Trực tuyến",
    }
}

/// The register's lines for dossiers (already chosen: received by the agency in the
/// period), in order of receipt.
fn register_rows(dossiers: &[Dossier], ctx: &FormContext<'_>) -> Vec<RegisterRow> {
    let mut list: Vec<&Dossier> = dossiers
        .iter()
        .filter(|d| d.received_at.is_some())
        .collect();
    list.sort_by(|a, b| (a.received_at, a.code.as_str()).cmp(&(b.received_at, b.code.as_str())));
    list.into_iter()
        .map(|d| {
            let method = d
                .events
                .iter()
                .rev()
                .find(|e| e.action == ActionKind::ReturnResult)
                .and_then(|e| e.data.get("method").cloned())
                .and_then(|m| serde_json::from_value::<ReturnMethod>(m).ok())
                .map(method_vi)
                .unwrap_or_default();
            let contact = [d.applicant.address.as_deref(), d.applicant.phone.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; ");
            RegisterRow {
                code: d.code.to_string(),
                procedure: d.procedure_name.clone(),
                applicant: d.applicant.name.clone(),
                contact,
                lead: ctx
                    .directory
                    .agency(&d.handling_agency)
                    .map_or_else(|| d.handling_agency.clone(), |a| a.name.clone()),
                received: d.received_at.map(short).unwrap_or_default(),
                due: d.due_at.map(short).unwrap_or_default(),
                returned: d.returned_at.map(short).unwrap_or_default(),
                method: method.to_owned(),
            }
        })
        .collect()
}

/// The register of one agency for one period, ready to print as PDF or export to Excel;
/// both carry the same columns, named by the wording in force on the period's last day.
#[derive(Debug, Clone)]
pub struct Register {
    /// The agency's name.
    pub agency: String,
    /// Its parent's name (first header line), if any.
    pub parent: Option<String>,
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period (included).
    pub to: NaiveDate,
    /// One line per dossier received, in order of receipt.
    pub rows: Vec<RegisterRow>,
    texts: Texts,
}

impl Register {
    /// The register of `agency` from the dossiers it received in the period (the caller
    /// chose them; those never received are left out).
    pub fn new(
        agency: &str,
        from: NaiveDate,
        to: NaiveDate,
        dossiers: &[Dossier],
        ctx: &FormContext<'_>,
    ) -> Result<Self, RenderError> {
        let found = ctx.directory.agency(agency);
        Ok(Register {
            agency: found.map_or_else(|| agency.to_owned(), |a| a.name.clone()),
            parent: found
                .and_then(|a| a.parent.as_deref())
                .and_then(|p| ctx.directory.agency(p))
                .map(|p| p.name.clone()),
            from,
            to,
            rows: register_rows(dossiers, ctx),
            texts: ctx.wording.texts("register", to)?,
        })
    }

    /// The column titles.
    pub fn columns(&self) -> Vec<String> {
        self.texts.list("columns")
    }

    fn subtitle(&self) -> String {
        let (from, to) = (date_vi(self.from), date_vi(self.to));
        self.texts.fill("subtitle", &[("from", &from), ("to", &to)])
    }

    /// The data the template reads.
    pub fn data(&self) -> Value {
        let t = &self.texts;
        json!({
            "title": t.get("title"),
            "subtitle": self.subtitle(),
            "header": {
                "parent": self.parent,
                "agency": self.agency,
                "number": Value::Null,
                "motto": t.get("motto"),
                "motto2": t.get("motto2"),
                "place_date": "",
            },
            "footer": "",
            "t": t.to_value(),
            "rows": self.rows,
        })
    }

    /// The register as PDF (A4 landscape).
    pub fn pdf(&self, engine: &Engine) -> Result<Vec<u8>, RenderError> {
        Ok(engine.render("register.typ", &self.data())?.pdf)
    }

    /// The register as an .xlsx workbook: agency, title, period, then the columns.
    pub fn xlsx(&self) -> Result<Vec<u8>, RenderError> {
        let err = |e: rust_xlsxwriter::XlsxError| RenderError::Xlsx(e.to_string());
        let index = |e: std::num::TryFromIntError| RenderError::Xlsx(e.to_string());
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        // Sheet names are limited to 31 characters and some readers choke on diacritics.
        sheet.set_name("So theo doi ho so").map_err(err)?;
        let bold = Format::new().set_bold();
        let head = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_border(FormatBorder::Thin);
        let cell = Format::new().set_text_wrap().set_border(FormatBorder::Thin);
        let mut line = 0;
        for text in [self.parent.as_deref(), Some(self.agency.as_str())]
            .into_iter()
            .flatten()
        {
            sheet
                .write_string_with_format(line, 0, text, &bold)
                .map_err(err)?;
            line += 1;
        }
        sheet
            .write_string_with_format(line, 0, self.texts.get("title"), &bold)
            .map_err(err)?;
        sheet
            .write_string(line + 1, 0, self.subtitle())
            .map_err(err)?;
        let header = line + 3;
        let widths = [
            5.0, 24.0, 40.0, 24.0, 28.0, 26.0, 17.0, 17.0, 17.0, 20.0, 12.0,
        ];
        let columns = self.columns();
        for (i, c) in columns.iter().enumerate() {
            let col = u16::try_from(i).map_err(index)?;
            sheet
                .write_string_with_format(header, col, c, &head)
                .map_err(err)?;
            sheet
                .set_column_width(col, widths.get(i).copied().unwrap_or(16.0))
                .map_err(err)?;
        }
        sheet.set_freeze_panes(header + 1, 0).map_err(err)?;
        for (i, r) in self.rows.iter().enumerate() {
            let row = header + 1 + u32::try_from(i).map_err(index)?;
            let n = u32::try_from(i + 1).map_err(index)?;
            sheet
                .write_number_with_format(row, 0, f64::from(n), &cell)
                .map_err(err)?;
            let values = [
                &r.code,
                &r.procedure,
                &r.applicant,
                &r.contact,
                &r.lead,
                &r.received,
                &r.due,
                &r.returned,
                &r.method,
            ];
            for (j, v) in values.into_iter().enumerate() {
                let col = u16::try_from(j + 1).map_err(index)?;
                sheet
                    .write_string_with_format(row, col, v, &cell)
                    .map_err(err)?;
            }
            // The signature column stays empty: it is signed on paper.
            let last = u16::try_from(values.len() + 1).map_err(index)?;
            sheet
                .write_string_with_format(row, last, "", &cell)
                .map_err(err)?;
        }
        book.save_to_buffer().map_err(err)
    }
}
