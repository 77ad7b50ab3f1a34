//! `motcua calendar …`: lunar conversion, a year's days off, and working-day
//! arithmetic, in the exact line formats other tools read.

use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use motcua_calendar::{
    Amendments, CalendarData, CalendarError, LunarDate, OfficeHours, WorkCalendar, YearBasis,
    parse_date, parse_datetime, parse_time,
};

use crate::error::CliError;

#[derive(Debug, Args)]
pub struct CalendarArgs {
    /// Tệp sửa đổi lịch nghỉ của quản trị viên (TOML); có thể lặp lại.
    #[arg(long = "amendments", value_name = "FILE", global = true)]
    amendments: Vec<String>,
    /// Giờ làm việc, ví dụ "07:30-11:30,13:00-17:00".
    #[arg(
        long,
        value_name = "PERIODS",
        global = true,
        env = "MOTCUA_OFFICE_HOURS"
    )]
    office_hours: Option<String>,
    #[command(subcommand)]
    command: CalendarCommand,
}

#[derive(Debug, Subcommand)]
enum CalendarCommand {
    /// Dương lịch → âm lịch: `lunar 2026-02-17` in `1/1/2026`; `lunar -` đọc từng dòng từ stdin.
    Lunar {
        /// Ngày dương lịch YYYY-MM-DD, hoặc "-" để đọc từ stdin.
        date: String,
    },
    /// Âm lịch → dương lịch: `solar 1 1 2026` in `2026-02-17`.
    Solar {
        /// Ngày âm lịch.
        day: String,
        /// Tháng âm lịch.
        month: String,
        /// Năm âm lịch.
        year: String,
        /// Tháng nhuận.
        #[arg(long)]
        leap: bool,
    },
    /// Ngày nghỉ và ngày làm bù của một năm: `DATE<TAB>off|work<TAB>lý do`.
    Holidays {
        /// Năm dương lịch.
        year: String,
    },
    /// Hạn xử lý: cộng N ngày làm việc kể từ thời điểm tiếp nhận.
    AddWorkingDays {
        /// Thời điểm tiếp nhận, giờ Việt Nam: YYYY-MM-DDTHH:MM.
        received_at: String,
        /// Số ngày làm việc.
        #[arg(allow_hyphen_values = true)]
        days: String,
        /// Giờ chốt nhận hồ sơ (sau giờ này tính từ ngày làm việc tiếp theo), ví dụ 15:00.
        #[arg(long)]
        cutoff: Option<String>,
    },
    /// Thông tin một ngày: âm lịch, ngày làm việc hay ngày nghỉ, lý do.
    Day {
        /// Ngày dương lịch YYYY-MM-DD.
        date: String,
    },
}

pub fn run(args: CalendarArgs) -> Result<ExitCode, CliError> {
    match args.command {
        CalendarCommand::Lunar { ref date } if date == "-" => lunar_bulk(),
        CalendarCommand::Lunar { ref date } => {
            let lunar = LunarDate::from_solar(parse_date(date)?)?;
            println!("{lunar}");
            Ok(ExitCode::SUCCESS)
        }
        CalendarCommand::Solar {
            ref day,
            ref month,
            ref year,
            leap,
        } => {
            let lunar = LunarDate::new(
                number(day, ("Ngày", "day"))?,
                number(month, ("Tháng", "month"))?,
                number(year, ("Năm", "year"))?,
                leap,
            )?;
            println!("{}", lunar.to_solar()?.format("%Y-%m-%d"));
            Ok(ExitCode::SUCCESS)
        }
        CalendarCommand::Holidays { ref year } => {
            let cal = calendar(&args)?;
            holidays(&cal, number(year, ("Năm", "year"))?)
        }
        CalendarCommand::AddWorkingDays {
            ref received_at,
            ref days,
            ref cutoff,
        } => {
            let cal = calendar(&args)?;
            let received = parse_datetime(received_at)?;
            let cutoff = cutoff.as_deref().map(parse_time).transpose()?;
            let start = cal.counting_day(received, cutoff)?;
            let due = cal.add_working_days(
                start,
                number(days, ("Số ngày làm việc", "number of working days"))?,
            )?;
            println!("{}", cal.end_of_day(due).format("%Y-%m-%dT%H:%M"));
            Ok(ExitCode::SUCCESS)
        }
        CalendarCommand::Day { ref date } => {
            let cal = calendar(&args)?;
            day(&cal, parse_date(date)?)
        }
    }
}

/// Parses a whole-number argument; `what` is its (Vietnamese, English) name.
fn number<T: std::str::FromStr>(
    text: &str,
    (what, what_en): (&'static str, &'static str),
) -> Result<T, CliError> {
    text.trim().parse().map_err(|_| CliError::NotANumber {
        what,
        what_en,
        input: text.to_owned(),
    })
}

/// The shipped calendar, with the administrator's amendments and office hours.
fn calendar(args: &CalendarArgs) -> Result<WorkCalendar, CliError> {
    let mut data = CalendarData::builtin()?;
    for path in &args.amendments {
        let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
            path: path.clone(),
            source,
        })?;
        data.apply(Amendments::from_toml(&text, path)?, path)?;
    }
    let office = match &args.office_hours {
        Some(text) => OfficeHours::parse(text)?,
        None => OfficeHours::default(),
    };
    Ok(WorkCalendar::new(data, office))
}

/// `lunar -`: one ISO date a line in, `DATE\tDAY\tMONTH\tYEAR\tLEAP` a line out. A bad
/// line is reported on stderr with its number; the others are still converted.
fn lunar_bulk() -> Result<ExitCode, CliError> {
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut rejected = 0;
    for (i, line) in stdin.lines().enumerate() {
        let line = line?;
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        match parse_date(text).and_then(LunarDate::from_solar) {
            Ok(l) => writeln!(
                out,
                "{text}\t{}\t{}\t{}\t{}",
                l.day,
                l.month,
                l.year,
                u8::from(l.leap)
            )?,
            Err(e) => {
                out.flush()?;
                rejected += 1;
                eprintln!("dòng {}: lỗi [{}]: {}", i + 1, e.code(), e.message_vi());
            }
        }
    }
    out.flush()?;
    if rejected > 0 {
        return Err(CliError::RejectedLines { count: rejected });
    }
    Ok(ExitCode::SUCCESS)
}

fn holidays(cal: &WorkCalendar, year: i32) -> Result<ExitCode, CliError> {
    let days = cal.exceptions(year)?;
    let basis = cal.basis(year);
    // The basis goes to stderr so stdout stays the machine-readable list.
    eprintln!("{}", basis.describe_vi(year));
    if cal.data().is_patched(year) {
        eprintln!("Năm {year} có sửa đổi của quản trị viên.");
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    for d in days {
        let mut reason = d.label.unwrap_or_default();
        if !d.confirmed {
            reason.push_str(" (chưa xác nhận)");
        }
        if basis == YearBasis::Statutory {
            reason.push_str(" (dự kiến theo luật)");
        }
        let kind = if d.status.is_working() { "work" } else { "off" };
        writeln!(out, "{}\t{kind}\t{reason}", d.date.format("%Y-%m-%d"))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn day(cal: &WorkCalendar, date: chrono::NaiveDate) -> Result<ExitCode, CliError> {
    use chrono::Datelike;
    let info = cal.day_info(date)?;
    let lunar = match LunarDate::from_solar(date) {
        Ok(l) => l.to_string(),
        Err(CalendarError::OutOfRange { .. }) => "-".to_owned(),
        Err(e) => return Err(e.into()),
    };
    let status = match info.status {
        motcua_calendar::DayStatus::Workday => "ngày làm việc",
        motcua_calendar::DayStatus::WeeklyRest => "nghỉ hằng tuần",
        motcua_calendar::DayStatus::Holiday => "nghỉ lễ, Tết",
        motcua_calendar::DayStatus::Compensatory => "nghỉ bù",
        motcua_calendar::DayStatus::SwapOff => "nghỉ hoán đổi",
        motcua_calendar::DayStatus::MakeupWorkday => "làm bù",
    };
    println!(
        "{}\t{}\tâm lịch {lunar}\t{status}{}",
        date.format("%Y-%m-%d"),
        motcua_calendar::schedule::weekday_vi(date.weekday()),
        info.label.map(|l| format!("\t{l}")).unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}
