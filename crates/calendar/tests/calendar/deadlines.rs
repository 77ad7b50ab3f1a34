//! spec/one-stop.md §3 worked examples, plus a supplement over Tết and an extension
//! granted after the dossier was already late.

use motcua_calendar::deadline::{DeadlineInput, evaluate};
use motcua_calendar::{
    ClockEvent, ClockRule, DeadlineError, DeadlineRules, PauseReason, Segment, TimeLimit,
    Timeliness, parse_time,
};

use crate::{d, dt, vn};

fn run(
    received: &str,
    limit: TimeLimit,
    segments: &[Segment],
    events: &[ClockEvent],
    rules: &DeadlineRules,
    now: &str,
) -> Result<motcua_calendar::DeadlineReport, DeadlineError> {
    evaluate(
        &vn(),
        rules,
        &DeadlineInput {
            received_at: dt(received),
            limit,
            segments,
            events,
        },
        dt(now),
    )
}

fn completed(at: &str) -> ClockEvent {
    ClockEvent::Completed { at: dt(at) }
}

#[test]
fn example_1_counter_five_working_days() {
    let rules = DeadlineRules::default();
    let limit = TimeLimit::WorkingDays(5);
    let open = run(
        "2026-10-08T10:00",
        limit,
        &[],
        &[],
        &rules,
        "2026-10-12T09:00",
    )
    .unwrap();
    assert_eq!(open.legal_due, dt("2026-10-15T17:00"));
    assert_eq!(open.appointment, open.legal_due);
    assert_eq!(open.remaining.working_days, 3);
    assert!(!open.overdue);
    for (done, verdict) in [
        ("2026-10-14T16:00", Timeliness::Early),
        ("2026-10-15T16:59", Timeliness::OnTime),
        ("2026-10-16T08:00", Timeliness::Late),
    ] {
        let r = run(
            "2026-10-08T10:00",
            limit,
            &[],
            &[completed(done)],
            &rules,
            "2026-12-01T00:00",
        )
        .unwrap();
        assert_eq!(r.timeliness, Some(verdict), "{done}");
    }
    let late = run(
        "2026-10-08T10:00",
        limit,
        &[],
        &[],
        &rules,
        "2026-10-19T08:00",
    )
    .unwrap();
    assert!(late.overdue);
    assert_eq!(late.remaining.working_days, -2);
}

#[test]
fn example_2_online_after_the_cutoff() {
    let rules = DeadlineRules {
        cutoff: Some(parse_time("15:00").unwrap()),
        ..DeadlineRules::default()
    };
    let r = run(
        "2026-10-09T16:40",
        TimeLimit::WorkingDays(5),
        &[],
        &[],
        &rules,
        "2026-10-09T16:41",
    )
    .unwrap();
    assert_eq!(r.counting_day, d("2026-10-12"));
    assert_eq!(r.legal_due, dt("2026-10-19T17:00"));
}

#[test]
fn example_3_supplement_pause_and_restart() {
    let events = [
        ClockEvent::Paused {
            at: dt("2026-03-06T10:00"),
            reason: PauseReason::Supplement,
        },
        ClockEvent::Resumed {
            at: dt("2026-03-13T10:00"),
        },
    ];
    let limit = TimeLimit::WorkingDays(10);
    let none = run(
        "2026-03-02T09:00",
        limit,
        &[],
        &[],
        &DeadlineRules::default(),
        "2026-03-02T09:00",
    )
    .unwrap();
    assert_eq!(none.legal_due, dt("2026-03-16T17:00"));
    let paused = run(
        "2026-03-02T09:00",
        limit,
        &[],
        &events,
        &DeadlineRules::default(),
        "2026-03-13T11:00",
    )
    .unwrap();
    assert_eq!(paused.legal_due, dt("2026-03-23T17:00"));
    let restart = DeadlineRules {
        supplement: ClockRule::Restart,
        ..DeadlineRules::default()
    };
    let restarted = run(
        "2026-03-02T09:00",
        limit,
        &[],
        &events,
        &restart,
        "2026-03-13T11:00",
    )
    .unwrap();
    assert_eq!(restarted.legal_due, dt("2026-03-27T17:00"));
    let counted = DeadlineRules {
        supplement: ClockRule::KeepRunning,
        ..DeadlineRules::default()
    };
    let kept = run(
        "2026-03-02T09:00",
        limit,
        &[],
        &events,
        &counted,
        "2026-03-13T11:00",
    )
    .unwrap();
    assert_eq!(kept.legal_due, dt("2026-03-16T17:00"));

    // While waiting, the remaining time is frozen at the pause and the due date moves.
    let waiting = run(
        "2026-03-02T09:00",
        limit,
        &[],
        &events[..1],
        &DeadlineRules::default(),
        "2026-03-11T10:00",
    )
    .unwrap();
    assert_eq!(
        waiting.paused_since,
        Some((dt("2026-03-06T10:00"), PauseReason::Supplement))
    );
    assert_eq!(waiting.remaining.working_days, 6);
    assert_eq!(waiting.legal_due, dt("2026-03-19T17:00"));
}

#[test]
fn supplement_pause_over_tet() {
    // Received Mon 09/02/2026, 10 working days: without a pause, due Mon 02/03 (Tết
    // 14–22/02 is skipped). Supplement requested Wed 11/02, completed Tue 24/02: the wait
    // holds 4 working days (12, 13, 23, 24/02), so the due date is Fri 06/03.
    let limit = TimeLimit::WorkingDays(10);
    let rules = DeadlineRules::default();
    let plain = run(
        "2026-02-09T09:00",
        limit,
        &[],
        &[],
        &rules,
        "2026-02-09T09:00",
    )
    .unwrap();
    assert_eq!(plain.legal_due, dt("2026-03-02T17:00"));
    let events = [
        ClockEvent::Paused {
            at: dt("2026-02-11T15:00"),
            reason: PauseReason::Supplement,
        },
        ClockEvent::Resumed {
            at: dt("2026-02-24T08:00"),
        },
        completed("2026-03-06T10:00"),
    ];
    let r = run(
        "2026-02-09T09:00",
        limit,
        &[],
        &events,
        &rules,
        "2026-03-10T09:00",
    )
    .unwrap();
    assert_eq!(r.legal_due, dt("2026-03-06T17:00"));
    assert_eq!(r.timeliness, Some(Timeliness::OnTime));
}

#[test]
fn example_4_extension_with_apology() {
    let limit = TimeLimit::WorkingDays(7);
    let rules = DeadlineRules::default();
    let extend = ClockEvent::Extended {
        at: dt("2026-06-16T09:00"),
        new_due: dt("2026-06-26T17:00"),
    };
    let r = run(
        "2026-06-08T08:00",
        limit,
        &[],
        &[extend.clone(), completed("2026-06-26T15:00")],
        &rules,
        "2026-07-01T00:00",
    )
    .unwrap();
    assert_eq!(r.legal_due, dt("2026-06-17T17:00"));
    assert_eq!(r.appointment, dt("2026-06-26T17:00"));
    assert!(r.extension.unwrap().on_notice);
    assert_eq!(r.timeliness, Some(Timeliness::Late));
    assert_eq!(r.appointment_kept, Some(true));

    // Only once.
    let again = ClockEvent::Extended {
        at: dt("2026-06-25T09:00"),
        new_due: dt("2026-07-03T17:00"),
    };
    let err = run(
        "2026-06-08T08:00",
        limit,
        &[],
        &[extend, again],
        &rules,
        "2026-07-01T00:00",
    )
    .unwrap_err();
    assert_eq!(err.code(), "extension_already_used");
    assert!(err.message_vi().contains("một lần"));

    // Not to a date that is not later.
    let earlier = ClockEvent::Extended {
        at: dt("2026-06-16T09:00"),
        new_due: dt("2026-06-17T17:00"),
    };
    let err = run(
        "2026-06-08T08:00",
        limit,
        &[],
        &[earlier],
        &rules,
        "2026-07-01T00:00",
    )
    .unwrap_err();
    assert_eq!(err.code(), "extension_not_later");
}

#[test]
fn extension_after_being_late() {
    let limit = TimeLimit::WorkingDays(7);
    let events = [
        ClockEvent::Extended {
            at: dt("2026-06-18T10:00"),
            new_due: dt("2026-06-24T17:00"),
        },
        completed("2026-06-23T10:00"),
    ];
    let r = run(
        "2026-06-08T08:00",
        limit,
        &[],
        &events,
        &DeadlineRules::default(),
        "2026-07-01T00:00",
    )
    .unwrap();
    let ext = r.extension.unwrap();
    assert!(!ext.on_notice, "apology came after the due date");
    assert_eq!(r.timeliness, Some(Timeliness::Late));
    assert_eq!(r.appointment_kept, Some(true));
    // Before completion, still open: overdue against the legal date.
    let open = run(
        "2026-06-08T08:00",
        limit,
        &[],
        &events[..1],
        &DeadlineRules::default(),
        "2026-06-19T09:00",
    )
    .unwrap();
    assert!(open.overdue);
    assert_eq!(open.appointment, dt("2026-06-24T17:00"));
}

fn plan() -> Vec<Segment> {
    vec![
        Segment {
            agency: "xa".into(),
            share: TimeLimit::WorkingDays(3),
        },
        Segment {
            agency: "so".into(),
            share: TimeLimit::WorkingDays(10),
        },
        Segment {
            agency: "tra".into(),
            share: TimeLimit::WorkingDays(2),
        },
    ]
}

#[test]
fn example_5_inter_agency_shares() {
    let events = [
        ClockEvent::HandedOver {
            at: dt("2026-10-22T16:00"),
        },
        ClockEvent::HandedOver {
            at: dt("2026-11-05T16:00"),
        },
        completed("2026-11-09T10:00"),
    ];
    let r = run(
        "2026-10-19T09:00",
        TimeLimit::WorkingDays(15),
        &plan(),
        &events,
        &DeadlineRules::default(),
        "2026-11-10T00:00",
    )
    .unwrap();
    assert_eq!(r.appointment, dt("2026-11-09T17:00"));
    let dues: Vec<_> = r.segments.iter().map(|s| s.due.date()).collect();
    assert_eq!(dues, [d("2026-10-22"), d("2026-11-05"), d("2026-11-09")]);
    assert!(
        r.segments
            .iter()
            .all(|s| s.timeliness == Some(Timeliness::OnTime))
    );
    assert_eq!(r.timeliness, Some(Timeliness::OnTime));
}

#[test]
fn a_late_commune_does_not_make_the_department_late() {
    let events = [
        ClockEvent::HandedOver {
            at: dt("2026-10-26T09:00"),
        },
        ClockEvent::HandedOver {
            at: dt("2026-11-09T09:00"),
        },
        completed("2026-11-11T09:00"),
    ];
    let r = run(
        "2026-10-19T09:00",
        TimeLimit::WorkingDays(15),
        &plan(),
        &events,
        &DeadlineRules::default(),
        "2026-11-12T00:00",
    )
    .unwrap();
    let verdicts: Vec<_> = r.segments.iter().map(|s| s.timeliness.unwrap()).collect();
    assert_eq!(
        verdicts,
        [Timeliness::Late, Timeliness::OnTime, Timeliness::OnTime]
    );
    assert_eq!(r.segments[1].due.date(), d("2026-11-09"));
    assert_eq!(r.timeliness, Some(Timeliness::Late));

    // Open dossier in the department: its own share is reported live.
    let open = run(
        "2026-10-19T09:00",
        TimeLimit::WorkingDays(15),
        &plan(),
        &events[..1],
        &DeadlineRules::default(),
        "2026-10-27T09:00",
    )
    .unwrap();
    assert_eq!(open.segments.len(), 2);
    assert_eq!(open.segments[1].agency, "so");
    assert_eq!(open.segments[1].finished_at, None);
}

#[test]
fn hour_limits_and_immediate_procedures() {
    let rules = DeadlineRules {
        cutoff: Some(parse_time("15:00").unwrap()),
        ..DeadlineRules::default()
    };
    // Chứng thực: same day before 15:00, next working day after it.
    let r = run(
        "2026-10-09T10:00",
        TimeLimit::Immediately,
        &[],
        &[],
        &rules,
        "2026-10-09T10:00",
    )
    .unwrap();
    assert_eq!(r.legal_due, dt("2026-10-09T17:00"));
    let r = run(
        "2026-10-09T15:30",
        TimeLimit::Immediately,
        &[],
        &[],
        &rules,
        "2026-10-09T15:30",
    )
    .unwrap();
    assert_eq!(r.legal_due, dt("2026-10-12T17:00"));
    // 8 working hours from Thursday 10:00: 5h that day, 3h on Friday.
    let r = run(
        "2026-10-08T10:00",
        TimeLimit::WorkingHours(8),
        &[],
        &[],
        &rules,
        "2026-10-08T10:00",
    )
    .unwrap();
    assert_eq!(r.legal_due, dt("2026-10-09T10:00"));
    let done = run(
        "2026-10-08T10:00",
        TimeLimit::WorkingHours(8),
        &[],
        &[completed("2026-10-09T10:30")],
        &rules,
        "2026-10-10T00:00",
    )
    .unwrap();
    assert_eq!(done.timeliness, Some(Timeliness::Late));
}

#[test]
fn calendar_day_and_month_limits_end_on_a_working_day() {
    let rules = DeadlineRules::default();
    // 30 days from Thu 01/10/2026 is Sat 31/10 → Mon 02/11.
    let r = run(
        "2026-10-01T09:00",
        TimeLimit::Days(30),
        &[],
        &[],
        &rules,
        "2026-10-01T09:00",
    )
    .unwrap();
    assert_eq!(r.legal_due, dt("2026-11-02T17:00"));
    // 1 month from 31/12/2025 → 31/01/2026 (Saturday) → Mon 02/02.
    let r = run(
        "2025-12-31T09:00",
        TimeLimit::Months(1),
        &[],
        &[],
        &rules,
        "2025-12-31T09:00",
    )
    .unwrap();
    assert_eq!(r.legal_due, dt("2026-02-02T17:00"));
}

#[test]
fn impossible_event_sequences_are_errors() {
    let rules = DeadlineRules::default();
    let limit = TimeLimit::WorkingDays(5);
    let pause = |at: &str| ClockEvent::Paused {
        at: dt(at),
        reason: PauseReason::Other,
    };
    let cases: Vec<(Vec<ClockEvent>, &str)> = vec![
        (
            vec![pause("2026-10-09T09:00"), pause("2026-10-09T10:00")],
            "already_paused",
        ),
        (
            vec![ClockEvent::Resumed {
                at: dt("2026-10-09T09:00"),
            }],
            "not_paused",
        ),
        (vec![pause("2026-10-07T09:00")], "clock_events_out_of_order"),
        (
            vec![completed("2026-10-09T09:00"), pause("2026-10-09T10:00")],
            "already_completed",
        ),
        (
            vec![ClockEvent::HandedOver {
                at: dt("2026-10-09T09:00"),
            }],
            "no_next_agency",
        ),
    ];
    for (events, code) in cases {
        let err = run(
            "2026-10-08T10:00",
            limit,
            &[],
            &events,
            &rules,
            "2026-10-20T00:00",
        )
        .unwrap_err();
        assert_eq!(err.code(), code);
        assert!(!err.message_vi().is_empty());
    }
    let err = run(
        "2026-10-08T10:00",
        TimeLimit::WorkingDays(14),
        &plan(),
        &[],
        &rules,
        "2026-10-20T00:00",
    )
    .unwrap_err();
    assert_eq!(err.code(), "segment_shares_mismatch");
    let err = run(
        "2026-10-08T10:00",
        TimeLimit::Days(15),
        &plan(),
        &[],
        &rules,
        "2026-10-20T00:00",
    )
    .unwrap_err();
    assert_eq!(err.code(), "segment_share_unsupported");
}
