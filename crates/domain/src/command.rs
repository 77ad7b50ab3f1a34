//! The body of each action, parsed and checked before the rules see it.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::DomainError;
use crate::status::ActionKind;
use crate::text::clean;

/// A paper received at the counter (for the receipt, form 01).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceivedDocument {
    /// Name.
    pub name: String,
    /// Copies.
    #[serde(default = "one")]
    pub quantity: u32,
    /// Original (true) or copy.
    #[serde(default)]
    pub original: bool,
}

fn one() -> u32 {
    1
}

/// Why the clock is paused (tạm dừng).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PauseKind {
    /// Waiting for a fee or tax payment (portal status 6).
    FeePayment,
    /// Another lawful reason.
    #[default]
    Other,
}

/// How the result is handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ReturnMethod {
    /// At the counter.
    #[default]
    Counter,
    /// By public post.
    Post,
    /// Electronically (citizen's data store, portal).
    Online,
}

/// Satisfaction level (đánh giá mức độ hài lòng).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    /// Rất hài lòng.
    VerySatisfied,
    /// Hài lòng.
    Satisfied,
    /// Không hài lòng.
    Dissatisfied,
}

/// An action with its checked data.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Accept the dossier.
    Receive {
        /// Papers received (counter).
        documents: Vec<ReceivedDocument>,
        /// Note.
        note: Option<String>,
        /// What the fees are counted on (pages, copies) and any exemption granted.
        fees: FeeInput,
    },
    /// Ask the applicant to complete the dossier (all missing items at once).
    RequestSupplement {
        /// What to add.
        items: Vec<String>,
        /// Why.
        reason: String,
    },
    /// The applicant completes the dossier.
    Supplement {
        /// Note.
        note: Option<String>,
        /// Corrected form fields (merged into the form, then validated).
        form_data: Option<Value>,
    },
    /// Refuse.
    Refuse {
        /// Reasons.
        reason: String,
    },
    /// Assign to a unit and/or a specialist.
    Assign {
        /// Unit code.
        unit: Option<String>,
        /// Officer username.
        assignee: Option<String>,
        /// Note.
        note: Option<String>,
    },
    /// Start or continue processing.
    Process {
        /// Note.
        note: Option<String>,
    },
    /// Ask another unit or agency for an opinion.
    Consult {
        /// Unit or agency code asked.
        target: String,
        /// The question.
        question: String,
        /// By when an answer is expected.
        answer_by: Option<NaiveDate>,
    },
    /// Record the opinion received.
    ConsultReply {
        /// The answer.
        answer: String,
        /// Which consultation it answers (unit or agency asked), when several are open.
        target: Option<String>,
    },
    /// Move to another agency (liên thông).
    Transfer {
        /// Target agency code.
        agency: String,
        /// Why.
        reason: Option<String>,
    },
    /// Submit the draft for signature.
    SubmitForApproval {
        /// Note.
        note: Option<String>,
    },
    /// Approve and sign.
    Approve {
        /// Note.
        note: Option<String>,
    },
    /// Return to the specialist.
    SendBack {
        /// Why.
        reason: String,
    },
    /// Number and issue the result.
    IssueResult {
        /// Number of the result document.
        result_number: Option<String>,
        /// Note.
        note: Option<String>,
    },
    /// Hand the result over.
    ReturnResult {
        /// How.
        method: ReturnMethod,
        /// Note.
        note: Option<String>,
    },
    /// Withdraw at the applicant's request.
    Withdraw {
        /// Why.
        reason: String,
    },
    /// Pause the clock.
    Pause {
        /// Why.
        reason: String,
        /// Fee payment or other.
        kind: PauseKind,
    },
    /// Resume after a pause.
    Resume {
        /// Note.
        note: Option<String>,
    },
    /// Apologise and set a new appointment (once).
    Extend {
        /// New appointment date.
        new_due: NaiveDate,
        /// Why the dossier is late.
        reason: String,
        /// Text of the apology.
        apology: Option<String>,
    },
    /// Stop processing (form 05).
    Stop {
        /// Why.
        reason: String,
    },
    /// Rate the service.
    Rate {
        /// Level.
        level: Satisfaction,
        /// Comment.
        comment: Option<String>,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReasonBody {
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiveBody {
    #[serde(default)]
    documents: Vec<ReceivedDocument>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    fees: FeeInput,
}

/// What an officer states at receipt for the fees: counted quantities (`trang` → 5)
/// and the exemption the applicant qualifies for, by its id in the fee schedule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeInput {
    /// Counted quantities by unit.
    #[serde(default)]
    pub quantities: std::collections::BTreeMap<String, u32>,
    /// Exemption id.
    #[serde(default)]
    pub exemption: Option<String>,
}

impl FeeInput {
    /// Whether nothing was stated.
    pub fn is_empty(&self) -> bool {
        self.quantities.is_empty() && self.exemption.is_none()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SupplementRequestBody {
    #[serde(default)]
    items: Vec<String>,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SupplementBody {
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    form_data: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignBody {
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    assignee: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsultBody {
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    question: Option<String>,
    #[serde(default)]
    answer_by: Option<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerBody {
    #[serde(default)]
    answer: Option<String>,
    #[serde(default)]
    target: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TransferBody {
    #[serde(default)]
    agency: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IssueBody {
    #[serde(default)]
    result_number: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReturnBody {
    #[serde(default)]
    method: ReturnMethod,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PauseBody {
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    kind: PauseKind,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtendBody {
    #[serde(default)]
    new_due: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    apology: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RateBody {
    level: Satisfaction,
    #[serde(default)]
    comment: Option<String>,
}

fn body<T: DeserializeOwned>(value: &Value) -> Result<T, DomainError> {
    let v = if value.is_null() {
        Value::Object(serde_json::Map::new())
    } else {
        value.clone()
    };
    serde_json::from_value(v).map_err(|e| {
        DomainError::invalid(
            "body",
            format!("Nội dung yêu cầu không hợp lệ: {e}"),
            format!("invalid request body: {e}"),
        )
    })
}

fn opt(text: Option<String>) -> Option<String> {
    text.as_deref().and_then(clean)
}

fn need(text: Option<String>, field: &str, label: &str) -> Result<String, DomainError> {
    opt(text).ok_or_else(|| DomainError::required(field, label))
}

impl Command {
    /// Parses the JSON body of `action`.
    pub fn parse(action: ActionKind, value: &Value) -> Result<Command, DomainError> {
        Ok(match action {
            ActionKind::Submit => {
                return Err(DomainError::UnknownAction {
                    action: action.as_str().to_owned(),
                });
            }
            ActionKind::Receive => {
                let b: ReceiveBody = body(value)?;
                Command::Receive {
                    documents: b.documents,
                    note: opt(b.note),
                    fees: FeeInput {
                        quantities: b.fees.quantities,
                        exemption: opt(b.fees.exemption),
                    },
                }
            }
            ActionKind::RequestSupplement => {
                let b: SupplementRequestBody = body(value)?;
                let items: Vec<String> = b.items.iter().filter_map(|i| clean(i)).collect();
                if items.is_empty() {
                    return Err(DomainError::required(
                        "items",
                        "các giấy tờ, nội dung cần bổ sung",
                    ));
                }
                Command::RequestSupplement {
                    items,
                    reason: need(b.reason, "reason", "lý do yêu cầu bổ sung")?,
                }
            }
            ActionKind::Supplement => {
                let b: SupplementBody = body(value)?;
                Command::Supplement {
                    note: opt(b.note),
                    form_data: b.form_data,
                }
            }
            ActionKind::Refuse => {
                let b: ReasonBody = body(value)?;
                Command::Refuse {
                    reason: need(b.reason, "reason", "lý do từ chối")?,
                }
            }
            ActionKind::Assign => {
                let b: AssignBody = body(value)?;
                let (unit, assignee) = (opt(b.unit), opt(b.assignee));
                if unit.is_none() && assignee.is_none() {
                    return Err(DomainError::required(
                        "assignee",
                        "đơn vị hoặc cán bộ được phân công",
                    ));
                }
                Command::Assign {
                    unit,
                    assignee,
                    note: opt(b.note),
                }
            }
            ActionKind::Process => {
                let b: NoteBody = body(value)?;
                Command::Process { note: opt(b.note) }
            }
            ActionKind::Consult => {
                let b: ConsultBody = body(value)?;
                Command::Consult {
                    target: need(b.target, "target", "đơn vị được xin ý kiến")?,
                    question: need(b.question, "question", "nội dung xin ý kiến")?,
                    answer_by: b.answer_by,
                }
            }
            ActionKind::ConsultReply => {
                let b: AnswerBody = body(value)?;
                Command::ConsultReply {
                    answer: need(b.answer, "answer", "nội dung trả lời")?,
                    target: opt(b.target),
                }
            }
            ActionKind::Transfer => {
                let b: TransferBody = body(value)?;
                Command::Transfer {
                    agency: need(b.agency, "agency", "cơ quan tiếp nhận liên thông")?,
                    reason: opt(b.reason),
                }
            }
            ActionKind::SubmitForApproval => {
                let b: NoteBody = body(value)?;
                Command::SubmitForApproval { note: opt(b.note) }
            }
            ActionKind::Approve => {
                let b: NoteBody = body(value)?;
                Command::Approve { note: opt(b.note) }
            }
            ActionKind::SendBack => {
                let b: ReasonBody = body(value)?;
                Command::SendBack {
                    reason: need(b.reason, "reason", "lý do trả lại")?,
                }
            }
            ActionKind::IssueResult => {
                let b: IssueBody = body(value)?;
                Command::IssueResult {
                    result_number: opt(b.result_number),
                    note: opt(b.note),
                }
            }
            ActionKind::ReturnResult => {
                let b: ReturnBody = body(value)?;
                Command::ReturnResult {
                    method: b.method,
                    note: opt(b.note),
                }
            }
            ActionKind::Withdraw => {
                let b: ReasonBody = body(value)?;
                Command::Withdraw {
                    reason: need(b.reason, "reason", "lý do rút hồ sơ")?,
                }
            }
            ActionKind::Pause => {
                let b: PauseBody = body(value)?;
                Command::Pause {
                    reason: need(b.reason, "reason", "lý do tạm dừng")?,
                    kind: b.kind,
                }
            }
            ActionKind::Resume => {
                let b: NoteBody = body(value)?;
                Command::Resume { note: opt(b.note) }
            }
            ActionKind::Extend => {
                let b: ExtendBody = body(value)?;
                let text = need(b.new_due, "new_due", "ngày hẹn trả mới")?;
                let new_due = motcua_calendar::parse_date(&text).map_err(|_| {
                    DomainError::invalid(
                        "new_due",
                        format!("Ngày hẹn trả mới “{text}” không hợp lệ (NNNN-TT-NN)"),
                        "new_due must be a date YYYY-MM-DD",
                    )
                })?;
                Command::Extend {
                    new_due,
                    reason: need(b.reason, "reason", "lý do chậm trễ")?,
                    apology: opt(b.apology),
                }
            }
            ActionKind::Stop => {
                let b: ReasonBody = body(value)?;
                Command::Stop {
                    reason: need(b.reason, "reason", "lý do dừng xử lý")?,
                }
            }
            ActionKind::Rate => {
                let b: RateBody = body(value)?;
                Command::Rate {
                    level: b.level,
                    comment: opt(b.comment),
                }
            }
        })
    }

    /// Which action this is.
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::Receive { .. } => ActionKind::Receive,
            Self::RequestSupplement { .. } => ActionKind::RequestSupplement,
            Self::Supplement { .. } => ActionKind::Supplement,
            Self::Refuse { .. } => ActionKind::Refuse,
            Self::Assign { .. } => ActionKind::Assign,
            Self::Process { .. } => ActionKind::Process,
            Self::Consult { .. } => ActionKind::Consult,
            Self::ConsultReply { .. } => ActionKind::ConsultReply,
            Self::Transfer { .. } => ActionKind::Transfer,
            Self::SubmitForApproval { .. } => ActionKind::SubmitForApproval,
            Self::Approve { .. } => ActionKind::Approve,
            Self::SendBack { .. } => ActionKind::SendBack,
            Self::IssueResult { .. } => ActionKind::IssueResult,
            Self::ReturnResult { .. } => ActionKind::ReturnResult,
            Self::Withdraw { .. } => ActionKind::Withdraw,
            Self::Pause { .. } => ActionKind::Pause,
            Self::Resume { .. } => ActionKind::Resume,
            Self::Extend { .. } => ActionKind::Extend,
            Self::Stop { .. } => ActionKind::Stop,
            Self::Rate { .. } => ActionKind::Rate,
        }
    }
}
