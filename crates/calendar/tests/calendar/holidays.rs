use motcua_calendar::{
    Amendments, CalendarData, DayStatus, OfficeHours, ScheduleStatus, WorkCalendar, YearBasis,
};

use crate::{d, vn};

/// `DATE off|work` lines of a year's exceptions, as the CLI prints them.
fn exceptions(cal: &WorkCalendar, year: i32) -> Vec<String> {
    cal.exceptions(year)
        .unwrap()
        .iter()
        .map(|i| format!("{} {}", i.date, if i.is_working() { "work" } else { "off" }))
        .collect()
}

#[test]
fn official_2024() {
    assert_eq!(
        exceptions(&vn(), 2024),
        [
            "2024-01-01 off",
            "2024-02-08 off",
            "2024-02-09 off",
            "2024-02-12 off",
            "2024-02-13 off",
            "2024-02-14 off",
            "2024-04-18 off",
            "2024-04-29 off",
            "2024-04-30 off",
            "2024-05-01 off",
            "2024-05-04 work",
            "2024-09-02 off",
            "2024-09-03 off",
        ]
    );
}

#[test]
fn official_2025() {
    assert_eq!(
        exceptions(&vn(), 2025),
        [
            "2025-01-01 off",
            "2025-01-27 off",
            "2025-01-28 off",
            "2025-01-29 off",
            "2025-01-30 off",
            "2025-01-31 off",
            "2025-04-07 off",
            "2025-04-26 work",
            "2025-04-30 off",
            "2025-05-01 off",
            "2025-05-02 off",
            "2025-09-01 off",
            "2025-09-02 off",
        ]
    );
}

#[test]
fn official_2026_with_culture_day_waiting_for_confirmation() {
    let cal = vn();
    let expected = [
        "2026-01-01 off",
        "2026-01-02 off",
        "2026-01-10 work",
        "2026-02-16 off",
        "2026-02-17 off",
        "2026-02-18 off",
        "2026-02-19 off",
        "2026-02-20 off",
        "2026-04-27 off",
        "2026-04-30 off",
        "2026-05-01 off",
        "2026-08-22 work",
        "2026-08-31 off",
        "2026-09-01 off",
        "2026-09-02 off",
    ];
    assert_eq!(exceptions(&cal, 2026), expected);
    // Giỗ Tổ on Sunday 26/4 is a holiday, compensated on Monday.
    assert_eq!(
        cal.day_info(d("2026-04-26")).unwrap().status,
        DayStatus::Holiday
    );
    assert_eq!(
        cal.day_info(d("2026-04-27")).unwrap().status,
        DayStatus::Compensatory
    );
    // The unconfirmed New Year swap is applied but flagged.
    let swap = cal.day_info(d("2026-01-02")).unwrap();
    assert_eq!(swap.status, DayStatus::SwapOff);
    assert!(!swap.confirmed);
    assert!(cal.is_working_day(d("2026-11-24")).unwrap());

    // The administrator confirms Ngày Văn hóa Việt Nam.
    let mut data = CalendarData::builtin().unwrap();
    data.apply(
        Amendments::from_toml("confirm = [\"culture_day\"]", "admin.toml").unwrap(),
        "admin.toml",
    )
    .unwrap();
    let confirmed = WorkCalendar::new(data, OfficeHours::default());
    assert!(!confirmed.is_working_day(d("2026-11-24")).unwrap());
    assert_eq!(exceptions(&confirmed, 2026).len(), expected.len() + 1);
    // …and from 2027 the statutory rules include it too (Wed 24/11/2027).
    assert!(!confirmed.is_working_day(d("2027-11-24")).unwrap());
    assert!(vn().is_working_day(d("2027-11-24")).unwrap());
}

#[test]
fn year_without_schedule_falls_back_to_statutory_rules_and_says_so() {
    let cal = vn();
    assert_eq!(cal.basis(2027), YearBasis::Statutory);
    assert!(
        cal.basis(2027)
            .describe_vi(2027)
            .contains("chưa có lịch nghỉ chính thức")
    );
    assert!(matches!(
        cal.basis(2026),
        YearBasis::Schedule {
            status: ScheduleStatus::Official,
            ..
        }
    ));
    // spec/calendar.md §3 (2027, provisional): LNY Sat 06/02, Giỗ Tổ Fri 16/04,
    // 1/5 on Saturday → Monday 03/05 compensatory, 2/9 Thursday + 3/9.
    assert_eq!(
        exceptions(&cal, 2027),
        [
            "2027-01-01 off",
            "2027-02-04 off",
            "2027-02-05 off",
            "2027-02-08 off",
            "2027-02-09 off",
            "2027-02-10 off",
            "2027-04-16 off",
            "2027-04-30 off",
            "2027-05-03 off",
            "2027-09-02 off",
            "2027-09-03 off",
        ]
    );
    let info = cal.day_info(d("2027-02-05")).unwrap();
    assert_eq!(
        info.label.as_deref(),
        Some("Tết Nguyên Đán Đinh Mùi (29 tháng Chạp)")
    );
    assert_eq!(
        cal.day_info(d("2027-05-03")).unwrap().label.as_deref(),
        Some("Nghỉ bù Ngày Quốc tế Lao động")
    );
}

#[test]
fn statutory_rules_reproduce_years_that_followed_the_default_pattern() {
    // 2025's official schedule is exactly what the rules give: an independent check
    // that the rules (Tết 2+3, 2/9 Tuesday → 1/9) are encoded right. (The 30/4 swap of
    // 2025 is a government decision, so it is left out of the comparison.)
    let official = vn();
    let statutory = WorkCalendar::new(
        CalendarData::new(official.data().rules().clone()),
        OfficeHours::default(),
    );
    let strip_swap = |v: Vec<String>| -> Vec<String> {
        v.into_iter()
            .filter(|l| !l.starts_with("2025-05-02") && !l.starts_with("2025-04-26"))
            .collect()
    };
    assert_eq!(
        strip_swap(exceptions(&statutory, 2025)),
        strip_swap(exceptions(&official, 2025))
    );
}

#[test]
fn amendments_patch_and_replace() {
    let text = r#"
[[year]]
year = 2027
mode = "replace"
status = "official"
source = "Thông báo giả định dùng cho kiểm thử"
[[year.days]]
date = 2027-02-05
kind = "holiday"
label = "Tết"
[[year.days]]
date = 2027-02-13
kind = "makeup_workday"
label = "Làm bù"

[[year]]
year = 2026
[[year.days]]
date = 2026-01-02
kind = "normal"
label = "Hủy hoán đổi"
[[year.days]]
date = 2026-01-10
kind = "normal"
label = "Hủy làm bù"
status = "official"
"#;
    // `status` after the days table belongs to the day: a malformed file must say so.
    let err = Amendments::from_toml(text, "admin.toml").unwrap_err();
    assert_eq!(err.code(), "holiday_data_invalid");
    assert!(
        err.message_vi().contains("admin.toml"),
        "{}",
        err.message_vi()
    );

    let text = text
        .replace(
            "label = \"Hủy làm bù\"\nstatus = \"official\"",
            "label = \"Hủy làm bù\"",
        )
        .replace(
            "[[year]]\nyear = 2026",
            "[[year]]\nyear = 2026\nstatus = \"official\"",
        );
    let mut data = CalendarData::builtin().unwrap();
    data.apply(
        Amendments::from_toml(&text, "admin.toml").unwrap(),
        "admin.toml",
    )
    .unwrap();
    let cal = WorkCalendar::new(data, OfficeHours::default());
    assert!(cal.is_working_day(d("2026-01-02")).unwrap());
    assert!(!cal.is_working_day(d("2026-01-10")).unwrap());
    assert!(!cal.is_working_day(d("2026-01-01")).unwrap());
    assert!(cal.data().is_patched(2026));
    assert_eq!(
        exceptions(&cal, 2027),
        ["2027-02-05 off", "2027-02-13 work"]
    );
    assert!(matches!(cal.basis(2027), YearBasis::Schedule { .. }));
}

#[test]
fn bad_amendments_are_rejected() {
    for (text, fragment) in [
        ("confirm = [\"culture_dya\"]", "culture_dya"),
        (
            "[[year]]\nyear = 2026\nstatus = \"official\"\n[[year.days]]\ndate = 2026-01-05\nkind = \"makeup_workday\"\nlabel = \"x\"",
            "làm bù",
        ),
        (
            "[[year]]\nyear = 2026\nstatus = \"official\"\n[[year.days]]\ndate = 2026-01-03\nkind = \"compensatory\"\nlabel = \"x\"",
            "nghỉ bù",
        ),
        (
            "[[year]]\nyear = 2026\nstatus = \"official\"\n[[year.days]]\ndate = 2026-02-30\nkind = \"holiday\"\nlabel = \"x\"",
            "dòng 5",
        ),
    ] {
        let mut data = CalendarData::builtin().unwrap();
        let err = Amendments::from_toml(text, "admin.toml")
            .and_then(|a| data.apply(a, "admin.toml"))
            .unwrap_err();
        assert_eq!(err.code(), "holiday_data_invalid", "{text}");
        assert!(err.message_vi().contains(fragment), "{}", err.message_vi());
    }
}

#[test]
fn every_year_builds_and_has_a_plausible_number_of_working_days() {
    let cal = vn();
    for year in motcua_calendar::FIRST_YEAR..=motcua_calendar::LAST_YEAR {
        let first = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        let last = chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
        let n = cal.working_days_between(first, last).unwrap()
            + i64::from(cal.is_working_day(first).unwrap());
        assert!((240..=262).contains(&n), "{year}: {n} working days");
    }
    assert_eq!(
        cal.is_working_day(d("1899-12-31")).unwrap_err().code(),
        "year_out_of_range"
    );
    assert_eq!(
        cal.add_working_days(d("2199-12-30"), 5).unwrap_err().code(),
        "year_out_of_range"
    );
}
