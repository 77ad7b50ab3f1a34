//! Dossier statuses and action names.

use serde::{Deserialize, Serialize};

/// Where a dossier stands (trạng thái hồ sơ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Mới đăng ký: filed online, waiting for the receiving officer's check.
    Submitted,
    /// Đã tiếp nhận: accepted; the time limit runs.
    Received,
    /// Yêu cầu bổ sung: waiting for the applicant (form 02); the clock waits.
    SupplementRequested,
    /// Đã bổ sung: the applicant completed the dossier; an officer continues.
    Supplemented,
    /// Từ chối (form 03).
    Refused,
    /// Đã phân công: forwarded to a unit or a specialist.
    Assigned,
    /// Đang xử lý.
    InProcess,
    /// Đang xin ý kiến: waiting for another unit's or agency's opinion.
    Consulting,
    /// Đã chuyển liên thông: in another agency's queue.
    Transferred,
    /// Chờ phê duyệt: submitted to the leader for signature.
    AwaitingApproval,
    /// Đã phê duyệt: decided and signed (đã xử lý xong).
    Approved,
    /// Có kết quả: the result is issued and waits for the applicant.
    ResultReady,
    /// Đã trả kết quả.
    Returned,
    /// Đã rút: withdrawn at the applicant's request.
    Withdrawn,
    /// Tạm dừng: waiting for a fee payment or another lawful reason; the clock waits.
    Paused,
    /// Dừng xử lý (form 05).
    Stopped,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 16] = [
        Status::Submitted,
        Status::Received,
        Status::SupplementRequested,
        Status::Supplemented,
        Status::Refused,
        Status::Assigned,
        Status::InProcess,
        Status::Consulting,
        Status::Transferred,
        Status::AwaitingApproval,
        Status::Approved,
        Status::ResultReady,
        Status::Returned,
        Status::Withdrawn,
        Status::Paused,
        Status::Stopped,
    ];

    /// Snake-case name, as in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Received => "received",
            Self::SupplementRequested => "supplement_requested",
            Self::Supplemented => "supplemented",
            Self::Refused => "refused",
            Self::Assigned => "assigned",
            Self::InProcess => "in_process",
            Self::Consulting => "consulting",
            Self::Transferred => "transferred",
            Self::AwaitingApproval => "awaiting_approval",
            Self::Approved => "approved",
            Self::ResultReady => "result_ready",
            Self::Returned => "returned",
            Self::Withdrawn => "withdrawn",
            Self::Paused => "paused",
            Self::Stopped => "stopped",
        }
    }

    /// Parses the snake-case name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Submitted => "Mới đăng ký",
            Self::Received => "Đã tiếp nhận",
            Self::SupplementRequested => "Yêu cầu bổ sung",
            Self::Supplemented => "Đã bổ sung",
            Self::Refused => "Từ chối",
            Self::Assigned => "Đã phân công",
            Self::InProcess => "Đang xử lý",
            Self::Consulting => "Đang xin ý kiến",
            Self::Transferred => "Đã chuyển liên thông",
            Self::AwaitingApproval => "Chờ phê duyệt",
            Self::Approved => "Đã phê duyệt",
            Self::ResultReady => "Có kết quả",
            Self::Returned => "Đã trả kết quả",
            Self::Withdrawn => "Đã rút hồ sơ",
            Self::Paused => "Tạm dừng",
            Self::Stopped => "Dừng xử lý",
        }
    }

    /// Label of a status given by name (for messages).
    pub fn label_vi_of(name: &str) -> &'static str {
        Self::parse(name).map_or("không xác định", Self::label_vi)
    }

    /// Whether nothing more happens to the dossier (except a rating after return).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Refused | Self::Returned | Self::Withdrawn | Self::Stopped
        )
    }

    /// Whether processing has ended (the 766 "end" of a dossier: decided, returned,
    /// refused, stopped or withdrawn).
    pub fn ends_processing(self) -> bool {
        matches!(
            self,
            Self::Approved
                | Self::ResultReady
                | Self::Returned
                | Self::Refused
                | Self::Withdrawn
                | Self::Stopped
        )
    }
}

/// An action on a dossier (the `{action}` of `POST /api/v1/dossiers/{code}/actions/{action}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    /// Filed online (creation event).
    Submit,
    /// Tiếp nhận.
    Receive,
    /// Yêu cầu bổ sung, hoàn thiện hồ sơ.
    RequestSupplement,
    /// Bổ sung hồ sơ.
    Supplement,
    /// Từ chối.
    Refuse,
    /// Phân công, chuyển xử lý.
    Assign,
    /// Bắt đầu/tiếp tục xử lý.
    Process,
    /// Xin ý kiến.
    Consult,
    /// Trả lời xin ý kiến.
    ConsultReply,
    /// Chuyển liên thông sang cơ quan khác.
    Transfer,
    /// Trình ký.
    SubmitForApproval,
    /// Phê duyệt.
    Approve,
    /// Trả lại chuyên viên.
    SendBack,
    /// Phát hành kết quả.
    IssueResult,
    /// Trả kết quả.
    ReturnResult,
    /// Rút hồ sơ.
    Withdraw,
    /// Tạm dừng.
    Pause,
    /// Tiếp tục sau tạm dừng.
    Resume,
    /// Gia hạn, xin lỗi và hẹn lại.
    Extend,
    /// Dừng xử lý.
    Stop,
    /// Đánh giá mức độ hài lòng.
    Rate,
}

impl ActionKind {
    /// Every action, in the usual order of a dossier's life.
    pub const ALL: [ActionKind; 21] = [
        ActionKind::Submit,
        ActionKind::Receive,
        ActionKind::RequestSupplement,
        ActionKind::Supplement,
        ActionKind::Refuse,
        ActionKind::Assign,
        ActionKind::Process,
        ActionKind::Consult,
        ActionKind::ConsultReply,
        ActionKind::Transfer,
        ActionKind::SubmitForApproval,
        ActionKind::Approve,
        ActionKind::SendBack,
        ActionKind::IssueResult,
        ActionKind::ReturnResult,
        ActionKind::Withdraw,
        ActionKind::Pause,
        ActionKind::Resume,
        ActionKind::Extend,
        ActionKind::Stop,
        ActionKind::Rate,
    ];

    /// Kebab-case name, as in the API path.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Receive => "receive",
            Self::RequestSupplement => "request-supplement",
            Self::Supplement => "supplement",
            Self::Refuse => "refuse",
            Self::Assign => "assign",
            Self::Process => "process",
            Self::Consult => "consult",
            Self::ConsultReply => "consult-reply",
            Self::Transfer => "transfer",
            Self::SubmitForApproval => "submit-for-approval",
            Self::Approve => "approve",
            Self::SendBack => "send-back",
            Self::IssueResult => "issue-result",
            Self::ReturnResult => "return-result",
            Self::Withdraw => "withdraw",
            Self::Pause => "pause",
            Self::Resume => "resume",
            Self::Extend => "extend",
            Self::Stop => "stop",
            Self::Rate => "rate",
        }
    }

    /// Parses the kebab-case name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Vietnamese verb phrase.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Submit => "nộp hồ sơ",
            Self::Receive => "tiếp nhận",
            Self::RequestSupplement => "yêu cầu bổ sung",
            Self::Supplement => "bổ sung hồ sơ",
            Self::Refuse => "từ chối",
            Self::Assign => "phân công",
            Self::Process => "xử lý",
            Self::Consult => "xin ý kiến",
            Self::ConsultReply => "trả lời xin ý kiến",
            Self::Transfer => "chuyển liên thông",
            Self::SubmitForApproval => "trình ký",
            Self::Approve => "phê duyệt",
            Self::SendBack => "trả lại chuyên viên",
            Self::IssueResult => "phát hành kết quả",
            Self::ReturnResult => "trả kết quả",
            Self::Withdraw => "rút hồ sơ",
            Self::Pause => "tạm dừng",
            Self::Resume => "tiếp tục xử lý",
            Self::Extend => "gia hạn và xin lỗi",
            Self::Stop => "dừng xử lý",
            Self::Rate => "đánh giá",
        }
    }

    /// Label of an action given by name (for messages).
    pub fn label_vi_of(name: &str) -> &'static str {
        Self::parse(name).map_or("thực hiện thao tác này", Self::label_vi)
    }
}
