//! The portal's dossier status (TrangThaiHoSo, 1–10) and THE mapping between it and
//! our state machine. The mapping is one table, [`STATUS_MAP`]: every state a dossier
//! can be in has exactly one row, so at every moment a dossier has exactly one portal
//! status, and the reverse direction is read from the same rows.
//!
//! Our 16 statuses are finer than the portal's 10, and two of them need one more fact
//! to be mapped (the same facts [`crate::Dossier::portal_status`] uses, which this
//! table must agree with — a test checks it):
//! - `Supplemented` before receipt is back in the receiving officer's check (1), after
//!   receipt it is being processed again (4);
//! - `Paused` for a fee payment is "financial obligation requested" (6); any other
//!   lawful pause stays "processing" (4) because the portal has no paused code.

use serde::{Deserialize, Serialize};

use crate::command::PauseKind;
use crate::dossier::Dossier;
use crate::status::Status;

/// A portal dossier status (trạng thái hồ sơ trên Cổng DVCQG, `TrangThaiHoSo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum PortalStatus {
    /// 1 — Mới đăng ký: filed online, not yet checked.
    NewlySubmitted,
    /// 2 — Được tiếp nhận: accepted by the receiving officer.
    Accepted,
    /// 3 — Không được tiếp nhận: refused.
    NotAccepted,
    /// 4 — Đang xử lý: being processed.
    Processing,
    /// 5 — Yêu cầu bổ sung giấy tờ: more papers requested.
    SupplementRequested,
    /// 6 — Yêu cầu thực hiện nghĩa vụ tài chính: fees or taxes due.
    PaymentRequested,
    /// 7 — Công dân yêu cầu rút hồ sơ: the citizen asked to withdraw.
    WithdrawalRequested,
    /// 8 — Dừng xử lý: stopped (form 05).
    Stopped,
    /// 9 — Đã xử lý xong: decided, result ready.
    Done,
    /// 10 — Đã trả kết quả: result handed over.
    Returned,
}

impl PortalStatus {
    /// Every portal status, in code order.
    pub const ALL: [PortalStatus; 10] = [
        PortalStatus::NewlySubmitted,
        PortalStatus::Accepted,
        PortalStatus::NotAccepted,
        PortalStatus::Processing,
        PortalStatus::SupplementRequested,
        PortalStatus::PaymentRequested,
        PortalStatus::WithdrawalRequested,
        PortalStatus::Stopped,
        PortalStatus::Done,
        PortalStatus::Returned,
    ];

    /// The wire code, 1–10.
    pub fn code(self) -> u8 {
        match self {
            Self::NewlySubmitted => 1,
            Self::Accepted => 2,
            Self::NotAccepted => 3,
            Self::Processing => 4,
            Self::SupplementRequested => 5,
            Self::PaymentRequested => 6,
            Self::WithdrawalRequested => 7,
            Self::Stopped => 8,
            Self::Done => 9,
            Self::Returned => 10,
        }
    }

    /// The status of a wire code; `None` outside 1–10.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The portal's Vietnamese label (spec/one-stop.md §2).
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::NewlySubmitted => "Mới đăng ký",
            Self::Accepted => "Được tiếp nhận",
            Self::NotAccepted => "Không được tiếp nhận",
            Self::Processing => "Đang xử lý",
            Self::SupplementRequested => "Yêu cầu bổ sung giấy tờ",
            Self::PaymentRequested => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Self::WithdrawalRequested => "Công dân yêu cầu rút hồ sơ",
            Self::Stopped => "Dừng xử lý",
            Self::Done => "Đã xử lý xong",
            Self::Returned => "Đã trả kết quả",
        }
    }

    /// Whether nothing may follow on the portal (3, 8, 10).
    pub fn is_final(self) -> bool {
        allowed_next(self).is_empty()
    }
}

impl From<PortalStatus> for u8 {
    fn from(s: PortalStatus) -> u8 {
        s.code()
    }
}

impl TryFrom<u8> for PortalStatus {
    type Error = String;

    fn try_from(code: u8) -> Result<Self, String> {
        Self::from_code(code).ok_or_else(|| format!("TrangThaiHoSo {code} is not in 1..=10"))
    }
}

/// The fact besides the status that decides the portal code, when one is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The status alone decides.
    Any,
    /// Not yet received (chưa tiếp nhận).
    BeforeReceipt,
    /// Received (đã tiếp nhận).
    AfterReceipt,
    /// Paused for a fee or tax payment.
    FeePayment,
    /// Paused for another lawful reason.
    OtherPause,
}

/// One state of our machine as the portal mapping sees it: a status and, for the two
/// statuses that need it, a [`Phase`]. Built only by [`InternalState::new`], which
/// always yields a key of [`STATUS_MAP`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct InternalState {
    status: Status,
    phase: Phase,
}

impl InternalState {
    /// The state of a dossier with `status`, received or not, paused for `pause_kind`.
    pub fn new(status: Status, received: bool, pause_kind: Option<PauseKind>) -> Self {
        let phase = match status {
            Status::Supplemented if received => Phase::AfterReceipt,
            Status::Supplemented => Phase::BeforeReceipt,
            Status::Paused if pause_kind == Some(PauseKind::FeePayment) => Phase::FeePayment,
            Status::Paused => Phase::OtherPause,
            _ => Phase::Any,
        };
        InternalState { status, phase }
    }

    /// The state a dossier is in now.
    pub fn of(dossier: &Dossier) -> Self {
        Self::new(
            dossier.status,
            dossier.received_at.is_some(),
            dossier.pause_kind,
        )
    }

    /// Our status.
    pub fn status(self) -> Status {
        self.status
    }

    /// The extra fact, if the status needs one.
    pub fn phase(self) -> Phase {
        self.phase
    }

    /// Its portal status (one row of [`STATUS_MAP`]).
    pub fn portal(self) -> PortalStatus {
        // `new` only builds keys of the table (tested over every status, receipt and
        // pause kind); the fallback is never taken but keeps this free of panics.
        STATUS_MAP
            .iter()
            .find(|(key, _)| *key == self)
            .map_or(PortalStatus::Processing, |(_, p)| *p)
    }
}

const fn row(status: Status, phase: Phase, portal: PortalStatus) -> (InternalState, PortalStatus) {
    (InternalState { status, phase }, portal)
}

/// THE mapping: each of our states → its portal status. One row per state.
pub const STATUS_MAP: [(InternalState, PortalStatus); 18] = [
    row(Status::Submitted, Phase::Any, PortalStatus::NewlySubmitted),
    row(
        Status::Supplemented,
        Phase::BeforeReceipt,
        PortalStatus::NewlySubmitted,
    ),
    row(Status::Received, Phase::Any, PortalStatus::Accepted),
    row(Status::Refused, Phase::Any, PortalStatus::NotAccepted),
    row(
        Status::Supplemented,
        Phase::AfterReceipt,
        PortalStatus::Processing,
    ),
    row(Status::Assigned, Phase::Any, PortalStatus::Processing),
    row(Status::InProcess, Phase::Any, PortalStatus::Processing),
    row(Status::Consulting, Phase::Any, PortalStatus::Processing),
    row(Status::Transferred, Phase::Any, PortalStatus::Processing),
    row(
        Status::AwaitingApproval,
        Phase::Any,
        PortalStatus::Processing,
    ),
    row(Status::Paused, Phase::OtherPause, PortalStatus::Processing),
    row(
        Status::SupplementRequested,
        Phase::Any,
        PortalStatus::SupplementRequested,
    ),
    row(
        Status::Paused,
        Phase::FeePayment,
        PortalStatus::PaymentRequested,
    ),
    row(
        Status::Withdrawn,
        Phase::Any,
        PortalStatus::WithdrawalRequested,
    ),
    row(Status::Stopped, Phase::Any, PortalStatus::Stopped),
    row(Status::Approved, Phase::Any, PortalStatus::Done),
    row(Status::ResultReady, Phase::Any, PortalStatus::Done),
    row(Status::Returned, Phase::Any, PortalStatus::Returned),
];

/// The portal status of a dossier right now.
pub fn portal_status_of(dossier: &Dossier) -> PortalStatus {
    InternalState::of(dossier).portal()
}

/// Every one of our states that maps to `portal` (read from [`STATUS_MAP`]).
pub fn internal_states(portal: PortalStatus) -> impl Iterator<Item = InternalState> {
    STATUS_MAP
        .into_iter()
        .filter(move |(_, p)| *p == portal)
        .map(|(s, _)| s)
}

/// Our statuses that can show as `portal`, without duplicates, in table order.
pub fn statuses_for(portal: PortalStatus) -> Vec<Status> {
    let mut out: Vec<Status> = Vec::new();
    for s in internal_states(portal) {
        if !out.contains(&s.status) {
            out.push(s.status);
        }
    }
    out
}

/// What a status set by the portal itself (an inbound message) means for us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InboundMeaning {
    /// 1: a new dossier filed on the portal; we create it as `Submitted`.
    NewDossier,
    /// 7: the citizen asked the portal to withdraw; an officer decides (our
    /// `withdraw`, or `stop` with form 05 — NĐ 118 Art. 21).
    WithdrawalRequest,
    /// 8: the portal stopped the dossier itself (form 05 sent by the portal when the
    /// request came through it); we record `Stopped`.
    Stop,
    /// 2–6, 9, 10: only the province sets these; an inbound message carrying one is
    /// refused (or, from a lookup, only compared in reconciliation).
    NotInbound,
}

impl InboundMeaning {
    /// Our status once the meaning is carried out (for 7, after the officer agrees).
    pub fn target_status(self) -> Option<Status> {
        match self {
            Self::NewDossier => Some(Status::Submitted),
            Self::WithdrawalRequest => Some(Status::Withdrawn),
            Self::Stop => Some(Status::Stopped),
            Self::NotInbound => None,
        }
    }
}

/// What a portal status in an inbound message means for us.
pub fn inbound_meaning(portal: PortalStatus) -> InboundMeaning {
    match portal {
        PortalStatus::NewlySubmitted => InboundMeaning::NewDossier,
        PortalStatus::WithdrawalRequested => InboundMeaning::WithdrawalRequest,
        PortalStatus::Stopped => InboundMeaning::Stop,
        _ => InboundMeaning::NotInbound,
    }
}

/// The portal transitions we allow (spec/one-stop.md §2), as one table: from → the
/// statuses that may follow. Our design, since the portal's own rules are not public:
/// every step our state machine can take maps here (a test walks the machine), and
/// nothing follows 3, 8 or 10; after 9 only 10 (no stop after a decision).
/// Two rows look backwards and are deliberate: 4 → 2 and 6 → 2 are a pause taken
/// right after receipt and lifted (our `resume` returns to `Received`); 5 → 1 is a
/// supplement given before receipt (back to the receiving officer's check).
/// 7 → 8 is the unit answering a withdrawal request with form 05.
pub const TRANSITIONS: [(PortalStatus, &[PortalStatus]); 10] = {
    use PortalStatus::*;
    [
        (
            NewlySubmitted,
            &[
                Accepted,
                NotAccepted,
                SupplementRequested,
                WithdrawalRequested,
                Stopped,
            ],
        ),
        (
            Accepted,
            &[
                NotAccepted,
                Processing,
                SupplementRequested,
                PaymentRequested,
                WithdrawalRequested,
                Stopped,
            ],
        ),
        (NotAccepted, &[]),
        (
            Processing,
            &[
                Accepted,
                NotAccepted,
                SupplementRequested,
                PaymentRequested,
                WithdrawalRequested,
                Stopped,
                Done,
            ],
        ),
        (
            SupplementRequested,
            &[NewlySubmitted, Processing, WithdrawalRequested, Stopped],
        ),
        (
            PaymentRequested,
            &[Accepted, Processing, WithdrawalRequested, Stopped],
        ),
        (WithdrawalRequested, &[Stopped]),
        (Stopped, &[]),
        (Done, &[Returned]),
        (Returned, &[]),
    ]
};

/// The statuses that may follow `from`.
pub fn allowed_next(from: PortalStatus) -> &'static [PortalStatus] {
    TRANSITIONS
        .iter()
        .find(|(f, _)| *f == from)
        .map_or(&[], |(_, next)| *next)
}

/// Whether the portal copy may move from `from` to a different status `to` in one
/// update. The same status again is not a transition (see [`check_transition`]).
pub fn transition_allowed(from: PortalStatus, to: PortalStatus) -> bool {
    from != to && allowed_next(from).contains(&to)
}

/// How an update's status relates to the portal copy's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransitionCheck {
    /// Same status (dates, steps or results changed): always accepted.
    Unchanged,
    /// An allowed transition.
    Allowed,
    /// Not allowed.
    Forbidden,
}

/// Judges an update from `from` to `to`.
pub fn check_transition(from: PortalStatus, to: PortalStatus) -> TransitionCheck {
    if from == to {
        TransitionCheck::Unchanged
    } else if transition_allowed(from, to) {
        TransitionCheck::Allowed
    } else {
        TransitionCheck::Forbidden
    }
}

/// The shortest chain of allowed transitions from `from` to `to`, excluding `from`
/// and ending with `to`: the intermediate records a resync must send when the portal
/// copy is several steps behind. Empty when equal; `None` when `to` cannot be reached.
pub fn path(from: PortalStatus, to: PortalStatus) -> Option<Vec<PortalStatus>> {
    if from == to {
        return Some(Vec::new());
    }
    // Breadth-first over ten nodes: `previous[i]` is how status i+1 was reached.
    let mut previous: [Option<PortalStatus>; 10] = [None; 10];
    let mut queue = std::collections::VecDeque::from([from]);
    let slot = |s: PortalStatus| usize::from(s.code()).saturating_sub(1);
    while let Some(at) = queue.pop_front() {
        for &next in allowed_next(at) {
            let seen = next == from || previous.get(slot(next)).is_some_and(Option::is_some);
            if seen {
                continue;
            }
            if let Some(p) = previous.get_mut(slot(next)) {
                *p = Some(at);
            }
            if next == to {
                let mut out = vec![to];
                let mut cur = to;
                while let Some(Some(prev)) = previous.get(slot(cur)).copied() {
                    if prev == from {
                        break;
                    }
                    out.push(prev);
                    cur = prev;
                }
                out.reverse();
                return Some(out);
            }
            queue.push_back(next);
        }
    }
    None
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
