use crate::{fails, motcua, ok};

#[test]
fn lunar_and_solar_exact_forms() {
    assert_eq!(ok(&["calendar", "lunar", "2026-02-17"]), "1/1/2026\n");
    assert_eq!(ok(&["calendar", "lunar", "2001-05-23"]), "1/4/2001 nhuận\n");
    assert_eq!(ok(&["calendar", "lunar", "2007-02-16"]), "29/12/2006\n");
    assert_eq!(ok(&["calendar", "solar", "1", "1", "2026"]), "2026-02-17\n");
    assert_eq!(
        ok(&["calendar", "solar", "1", "4", "2001", "--leap"]),
        "2001-05-23\n"
    );
    assert_eq!(
        ok(&["calendar", "solar", "10", "3", "2026"]),
        "2026-04-26\n"
    );
}

#[test]
fn lunar_bulk_from_stdin() {
    let out = motcua(
        &["calendar", "lunar", "-"],
        "2026-02-17\n2001-05-23\n\n2004-03-21\n",
    );
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "2026-02-17\t1\t1\t2026\t0\n2001-05-23\t1\t4\t2001\t1\n2004-03-21\t1\t2\t2004\t1\n"
    );
    // A bad line is reported with its number, the rest still converted, exit non-zero.
    let out = motcua(
        &["calendar", "lunar", "-"],
        "2026-02-17\n2026-02-30\n2000-02-05\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "2026-02-17\t1\t1\t2026\t0\n2000-02-05\t1\t1\t2000\t0\n"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("dòng 2: lỗi [invalid_date]"), "{stderr}");
}

#[test]
fn holidays_lists_weekdays_off_and_makeup_days() {
    let out = ok(&["calendar", "holidays", "2026"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 15);
    assert_eq!(lines[0], "2026-01-01\toff\tTết Dương lịch");
    assert_eq!(
        lines[2],
        "2026-01-10\twork\tLàm bù cho ngày nghỉ hoán đổi 02/01 (chưa xác nhận)"
    );
    assert_eq!(
        lines[3],
        "2026-02-16\toff\tTết Nguyên Đán Bính Ngọ (29 tháng Chạp)"
    );
    for line in &lines {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "{line}");
        assert!(cols[1] == "off" || cols[1] == "work");
    }
    // A year without a schedule says so on stderr, and lists the statutory days.
    let run = motcua(&["calendar", "holidays", "2027"], "");
    assert!(run.status.success());
    assert!(
        String::from_utf8(run.stderr)
            .unwrap()
            .contains("chưa có lịch nghỉ chính thức")
    );
    assert!(
        String::from_utf8(run.stdout)
            .unwrap()
            .starts_with("2027-01-01\toff\t")
    );
}

#[test]
fn add_working_days_with_and_without_cutoff() {
    assert_eq!(
        ok(&["calendar", "add-working-days", "2026-02-13T16:00", "5"]),
        "2026-02-27T17:00\n"
    );
    assert_eq!(
        ok(&[
            "calendar",
            "add-working-days",
            "2026-02-13T16:00",
            "5",
            "--cutoff",
            "15:00"
        ]),
        "2026-03-02T17:00\n"
    );
    assert_eq!(
        ok(&["calendar", "add-working-days", "2026-10-08T10:00", "5"]),
        "2026-10-15T17:00\n"
    );
}

#[test]
fn amendments_file_changes_the_answer() {
    let dir = std::env::temp_dir().join(format!("motcua-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("amend.toml");
    std::fs::write(&file, "confirm = [\"culture_day\"]\n").unwrap();
    let path = file.to_str().unwrap();
    let out = ok(&["calendar", "--amendments", path, "holidays", "2026"]);
    assert!(
        out.contains("2026-11-24\toff\tNgày Văn hóa Việt Nam (chưa xác nhận)"),
        "{out}"
    );
    assert_eq!(
        ok(&[
            "calendar",
            "--amendments",
            path,
            "add-working-days",
            "2026-11-23T09:00",
            "1"
        ]),
        "2026-11-25T17:00\n"
    );
    std::fs::write(
        &file,
        "[[year]]\nyear = 2026\nstatus = \"official\"\n[[year.days]]\ndate = 2026-13-01\n",
    )
    .unwrap();
    fails(
        &["calendar", "--amendments", path, "holidays", "2026"],
        "holiday_data_invalid",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_is_a_clear_error() {
    let e = fails(&["calendar", "lunar", "2026-02-30"], "invalid_date");
    assert!(e.contains("Ngày không hợp lệ"));
    fails(&["calendar", "lunar", "1800-01-01"], "date_out_of_range");
    let e = fails(
        &["calendar", "solar", "31", "1", "2026"],
        "invalid_lunar_date",
    );
    assert!(e.contains("từ 1 đến 30"));
    fails(
        &["calendar", "solar", "30", "12", "2025"],
        "invalid_lunar_date",
    );
    fails(
        &["calendar", "solar", "1", "5", "2026", "--leap"],
        "invalid_lunar_date",
    );
    fails(&["calendar", "solar", "x", "1", "2026"], "not_a_number");
    fails(&["calendar", "holidays", "3000"], "year_out_of_range");
    fails(&["calendar", "holidays", "năm"], "not_a_number");
    fails(
        &[
            "calendar",
            "--amendments",
            "/nonexistent/2026.toml",
            "holidays",
            "2026",
        ],
        "file_unreadable",
    );
    fails(
        &["calendar", "add-working-days", "2026-02-13", "5"],
        "invalid_datetime",
    );
    fails(
        &["calendar", "add-working-days", "2026-02-13T16:00", "-1"],
        "not_a_number",
    );
    fails(
        &[
            "calendar",
            "add-working-days",
            "2026-02-13T16:00",
            "5",
            "--cutoff",
            "25:00",
        ],
        "invalid_time",
    );
    fails(
        &[
            "calendar",
            "--office-hours",
            "17:00-07:00",
            "holidays",
            "2026",
        ],
        "office_hours_invalid",
    );
}
