//! What can go wrong talking to the portal. Each error has a stable code, a
//! Vietnamese message, and says whether sending the same message again may succeed
//! ([`PortalError::is_retryable`]): the outbox retries those with backoff and parks
//! the rest for an officer, with the portal's own words.

/// An error from the national portal adapter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PortalError {
    /// The request did not reach the portal or the answer did not come back
    /// (connection refused or reset, DNS, TLS).
    #[error("portal unreachable: {detail}")]
    Transport {
        /// What the HTTP client said.
        detail: String,
    },
    /// No answer within the configured time. The portal may or may not have applied
    /// the message: a retry must be idempotent (see `sync_dossier_upsert`).
    #[error("the portal did not answer in time")]
    Timeout,
    /// An HTTP status other than success (502 from the gateway, 500, 429…).
    #[error("the portal answered HTTP {status}")]
    HttpStatus {
        /// The status code.
        status: u16,
        /// The start of the body, for the log.
        body: String,
    },
    /// The portal read the message and refused it (`error_code` ≠ 0).
    #[error("the portal refused the message: {error_code} {message}")]
    Rejected {
        /// The portal's code, as sent.
        error_code: String,
        /// The portal's message.
        message: String,
    },
    /// An insert of a dossier the portal already has ("đã tồn tại"): send it again as
    /// an update.
    #[error("the dossier already exists on the portal: {message}")]
    AlreadyExists {
        /// The portal's message.
        message: String,
    },
    /// The credentials were refused, or a fresh token was refused again.
    #[error("the portal refused our credentials: {detail}")]
    Auth {
        /// What the token endpoint or the service said.
        detail: String,
    },
    /// More process steps than one call may carry; nothing was sent.
    #[error("{count} steps in one call, {max} at most")]
    TooManySteps {
        /// Steps given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// An answer we cannot read (not the protocol's JSON).
    #[error("unreadable answer from the portal: {detail}")]
    Malformed {
        /// What was wrong.
        detail: String,
    },
    /// Our configuration is unusable (bad URL, HTTP client not built).
    #[error("portal adapter misconfigured: {detail}")]
    Config {
        /// What is wrong.
        detail: String,
    },
}

impl PortalError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Transport { .. } => "portal_transport",
            Self::Timeout => "portal_timeout",
            Self::HttpStatus { .. } => "portal_http_status",
            Self::Rejected { .. } => "portal_rejected",
            Self::AlreadyExists { .. } => "portal_dossier_exists",
            Self::Auth { .. } => "portal_auth",
            Self::TooManySteps { .. } => "portal_too_many_steps",
            Self::Malformed { .. } => "portal_reply_malformed",
            Self::Config { .. } => "portal_config",
        }
    }

    /// Whether the same message may succeed later: transport failures, timeouts,
    /// server-side statuses (5xx), throttling (429) and unreadable answers (often a
    /// proxy's error page). A refusal, a conflict, bad credentials or bad input will
    /// fail the same way again.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport { .. } | Self::Timeout | Self::Malformed { .. } => true,
            Self::HttpStatus { status, .. } => *status >= 500 || *status == 429 || *status == 408,
            Self::Rejected { .. }
            | Self::AlreadyExists { .. }
            | Self::Auth { .. }
            | Self::TooManySteps { .. }
            | Self::Config { .. } => false,
        }
    }

    /// Message for officers, in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            Self::Transport { .. } => {
                "Không kết nối được Cổng DVCQG; hệ thống sẽ tự gửi lại".to_owned()
            }
            Self::Timeout => "Cổng DVCQG không trả lời kịp; hệ thống sẽ tự gửi lại".to_owned(),
            Self::HttpStatus { status, .. } => {
                format!("Cổng DVCQG báo lỗi HTTP {status}")
            }
            Self::Rejected {
                error_code,
                message,
            } => format!("Cổng DVCQG từ chối (mã {error_code}): {message}"),
            Self::AlreadyExists { .. } => "Hồ sơ đã tồn tại trên Cổng DVCQG".to_owned(),
            Self::Auth { .. } => {
                "Cổng DVCQG không chấp nhận thông tin xác thực của hệ thống".to_owned()
            }
            Self::TooManySteps { count, max } => {
                format!("Mỗi lần chỉ gửi tối đa {max} bước xử lý (đang gửi {count})")
            }
            Self::Malformed { .. } => "Không đọc được trả lời của Cổng DVCQG".to_owned(),
            Self::Config { detail } => format!("Cấu hình kết nối Cổng DVCQG sai: {detail}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_or_not() {
        let http = |status| PortalError::HttpStatus {
            status,
            body: String::new(),
        };
        assert!(http(502).is_retryable());
        assert!(http(503).is_retryable());
        assert!(http(429).is_retryable());
        assert!(!http(400).is_retryable());
        assert!(!http(404).is_retryable());
        assert!(PortalError::Timeout.is_retryable());
        assert!(
            PortalError::Transport {
                detail: "reset".into()
            }
            .is_retryable()
        );
        let rejected = PortalError::Rejected {
            error_code: "-1".into(),
            message: "MaTTHC".into(),
        };
        assert!(!rejected.is_retryable());
        assert_eq!(rejected.code(), "portal_rejected");
        assert!(rejected.message_vi().contains("mã -1"));
        assert!(
            !PortalError::Auth {
                detail: "invalid_client".into()
            }
            .is_retryable()
        );
        assert!(!PortalError::TooManySteps { count: 11, max: 10 }.is_retryable());
    }
}
