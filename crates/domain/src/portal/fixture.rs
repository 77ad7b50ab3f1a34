//! A hand-built dossier for the portal module's unit tests.

use chrono::{DateTime, NaiveDate, Utc};
use motcua_calendar::TimeLimit;
use serde_json::json;

use crate::applicant::{Applicant, ApplicantKind};
use crate::catalog::Channel;
use crate::code::DossierCode;
use crate::command::PauseKind;
use crate::dossier::{Dossier, DossierEvent};
use crate::status::{ActionKind, Status};

/// A UTC instant from Vietnam local `YYYY-MM-DD HH:MM`.
pub fn at(local: &str) -> DateTime<Utc> {
    crate::time::from_local(chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap())
}

fn event(
    seq: i32,
    local: &str,
    actor: &str,
    action: ActionKind,
    from: Option<Status>,
    to: Status,
    data: serde_json::Value,
) -> DossierEvent {
    DossierEvent {
        seq,
        at: at(local),
        actor: actor.into(),
        action,
        from,
        to,
        data,
    }
}

/// A birth registration filed online on Thu 8 Oct 2026, received, sent back for a
/// supplement, completed, processed, approved and returned.
pub fn returned_dossier() -> Dossier {
    use ActionKind as A;
    use Status as S;
    let events = vec![
        event(
            1,
            "2026-10-08 08:00",
            "citizen",
            A::Submit,
            None,
            S::Submitted,
            json!({"channel": "online"}),
        ),
        event(
            2,
            "2026-10-08 09:00",
            "officer",
            A::Receive,
            Some(S::Submitted),
            S::Received,
            json!({}),
        ),
        event(
            3,
            "2026-10-08 10:00",
            "officer",
            A::RequestSupplement,
            Some(S::Received),
            S::SupplementRequested,
            json!({"items": ["Bản sao giấy chứng sinh"], "reason": "Thiếu giấy chứng sinh"}),
        ),
        event(
            4,
            "2026-10-09 08:30",
            "citizen",
            A::Supplement,
            Some(S::SupplementRequested),
            S::Supplemented,
            json!({}),
        ),
        event(
            5,
            "2026-10-09 09:00",
            "officer",
            A::Assign,
            Some(S::Supplemented),
            S::Assigned,
            json!({"assignee": "specialist"}),
        ),
        event(
            6,
            "2026-10-09 09:30",
            "specialist",
            A::Process,
            Some(S::Assigned),
            S::InProcess,
            json!({}),
        ),
        event(
            7,
            "2026-10-12 10:00",
            "specialist",
            A::SubmitForApproval,
            Some(S::InProcess),
            S::AwaitingApproval,
            json!({}),
        ),
        event(
            8,
            "2026-10-12 14:00",
            "leader",
            A::Approve,
            Some(S::AwaitingApproval),
            S::Approved,
            json!({}),
        ),
        event(
            9,
            "2026-10-12 15:00",
            "officer",
            A::IssueResult,
            Some(S::Approved),
            S::ResultReady,
            json!({"result_number": "123/GKS"}),
        ),
        event(
            10,
            "2026-10-13 09:00",
            "officer",
            A::ReturnResult,
            Some(S::ResultReady),
            S::Returned,
            json!({"method": "post"}),
        ),
    ];
    Dossier {
        code: DossierCode::new(
            "H79.50.01",
            NaiveDate::from_ymd_opt(2026, 10, 8).unwrap(),
            975,
        ),
        procedure_code: "1.001193".into(),
        procedure_name: "Thủ tục đăng ký khai sinh".into(),
        procedure_version: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
        time_limit: TimeLimit::WorkingDays(3),
        cutoff: None,
        receiving_agency: "H79.50.01".into(),
        handling_agency: "H79.50.01".into(),
        handling_unit: Some("H79.50.01.TP".into()),
        assignee: Some("specialist".into()),
        applicant: Applicant {
            kind: ApplicantKind::Citizen,
            name: "Nguyễn Văn An".into(),
            id_number: Some("001099012345".into()),
            address: Some("Xã A, Thành phố Hồ Chí Minh".into()),
            phone: Some("0912345678".into()),
            email: Some("an@example.vn".into()),
        },
        owner: Some("citizen".into()),
        created_by: "citizen".into(),
        helper: None,
        consent: None,
        channel: Channel::Online,
        status: Status::Returned,
        resume_status: None,
        pause_kind: None,
        form_data: json!({"tre_ho_ten": "Nguyễn Thị Bình"}),
        submitted_at: at("2026-10-08 08:00"),
        received_at: Some(at("2026-10-08 09:00")),
        completed_at: Some(at("2026-10-12 14:00")),
        returned_at: Some(at("2026-10-13 09:00")),
        due_at: Some(at("2026-10-14 17:00")),
        extended: false,
        timeliness: None,
        rating: None,
        process_id: None,
        version: 11,
        events,
    }
}

/// A dossier in `status`, received or not, paused for `pause_kind` (history empty:
/// only the fields the status mapping reads matter).
pub fn in_state(status: Status, received: bool, pause_kind: Option<PauseKind>) -> Dossier {
    let mut d = returned_dossier();
    d.status = status;
    d.received_at = received.then(|| at("2026-10-08 09:00"));
    d.pause_kind = pause_kind;
    d.events.clear();
    d
}
