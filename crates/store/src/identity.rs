//! Logins through an identity provider (OpenID Connect) and API tokens for
//! integrations. Secrets are stored only as SHA-256 digests.

use chrono::{DateTime, Duration, Utc};
use motcua_domain::oidc::Identity;
use motcua_domain::{Account, AccountKind};
use serde_json::json;

use crate::error::StoreError;
use crate::sql::{Row, args};
use crate::writer::AuditDraft;
use crate::{RequestMeta, Store};

/// A login sent to the provider and not yet answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLogin {
    /// SHA-256 of the `state` parameter.
    pub state_hash: String,
    /// The provider's ID (settings).
    pub provider: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub verifier: String,
    /// Local path to go to afterwards.
    pub return_to: String,
    /// When the login started.
    pub created_at: DateTime<Utc>,
}

/// Pending logins older than this are dropped.
pub const PENDING_TTL_MINUTES: i64 = 10;

/// An API token as listed (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiToken {
    /// Public ID (part of the token text).
    pub id: String,
    /// What the owner called it.
    pub name: String,
    /// Whose rights it carries.
    pub username: String,
    /// What it may be used for.
    pub scopes: Vec<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Stops working at.
    pub expires_at: DateTime<Utc>,
    /// Revoked at.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Last used (to within an hour).
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A token to create.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    /// Public ID.
    pub id: String,
    /// SHA-256 of the whole token text.
    pub token_hash: String,
    /// Name.
    pub name: String,
    /// Owner.
    pub username: String,
    /// Scopes.
    pub scopes: Vec<String>,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
}

fn token_from_row(r: &Row) -> Result<ApiToken, StoreError> {
    Ok(ApiToken {
        id: r.text("id")?,
        name: r.text("name")?,
        username: r.text("username")?,
        scopes: r
            .text("scopes")?
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        created_at: r.time("created_at")?,
        expires_at: r.time("expires_at")?,
        revoked_at: r.opt_time("revoked_at")?,
        last_used_at: r.opt_time("last_used_at")?,
    })
}

fn account_from_row(r: &Row) -> Result<Account, StoreError> {
    Ok(serde_json::from_str(&r.text("data")?)?)
}

impl Store {
    /// Remembers a login sent to the provider (and forgets abandoned ones).
    pub async fn oidc_begin(&self, p: PendingLogin) -> Result<(), StoreError> {
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    let mut conn = batch.conn();
                    conn.exec(
                        "DELETE FROM oidc_pending WHERE created_at < $1",
                        &args![p.created_at - Duration::minutes(PENDING_TTL_MINUTES)],
                    )
                    .await?;
                    conn.exec(
                        "INSERT INTO oidc_pending (state_hash, provider, nonce, verifier, return_to, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                        &args![p.state_hash, p.provider, p.nonce, p.verifier, p.return_to, p.created_at],
                    )
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    /// Takes the pending login with this state: it is deleted in the same
    /// transaction, so a second answer with the same state finds nothing.
    pub async fn oidc_take(&self, state_hash: &str) -> Result<Option<PendingLogin>, StoreError> {
        let state_hash = state_hash.to_owned();
        self.writer()
            .run_keyed(format!("oidc/{state_hash}"), move |batch| {
                Box::pin(async move {
                    let mut conn = batch.conn();
                    let row = conn
                        .opt(
                            "SELECT state_hash, provider, nonce, verifier, return_to, created_at \
                             FROM oidc_pending WHERE state_hash = $1",
                            &args![state_hash.as_str()],
                        )
                        .await?;
                    let Some(r) = row else {
                        return Ok(None);
                    };
                    let deleted = conn
                        .exec(
                            "DELETE FROM oidc_pending WHERE state_hash = $1",
                            &args![state_hash.as_str()],
                        )
                        .await?;
                    if deleted == 0 {
                        // Another writer took it between the two statements.
                        return Ok(None);
                    }
                    Ok(Some(PendingLogin {
                        state_hash: r.text("state_hash")?,
                        provider: r.text("provider")?,
                        nonce: r.text("nonce")?,
                        verifier: r.text("verifier")?,
                        return_to: r.text("return_to")?,
                        created_at: r.time("created_at")?,
                    }))
                })
            })
            .await
    }

    /// The account a verified identity logs into. A known subject logs into its
    /// linked account (a citizen's details refreshed from the provider, which is the
    /// authority on them). An unknown one is linked to `officer` when given (an
    /// officer whose identity number matched, on a provider trusted for officers),
    /// else gets a new citizen account. `None` when the linked account is disabled.
    pub async fn oidc_login(
        &self,
        provider: &str,
        identity: Identity,
        officer: Option<String>,
        now: DateTime<Utc>,
        meta: RequestMeta,
    ) -> Result<Option<Account>, StoreError> {
        let provider = provider.to_owned();
        self.writer()
            .run_keyed(format!("oidc-subject/{provider}"), move |batch| {
                Box::pin(async move {
                    let mut conn = batch.conn();
                    let linked = conn
                        .opt(
                            "SELECT a.data, a.active FROM oidc_links l JOIN accounts a ON a.username = l.username \
                             WHERE l.provider = $1 AND l.subject = $2",
                            &args![provider.as_str(), identity.subject.as_str()],
                        )
                        .await?;
                    let (account, action) = match (linked, officer) {
                        (Some(r), _) => {
                            if !r.boolean("active")? {
                                return Ok(None);
                            }
                            let mut a = account_from_row(&r)?;
                            if a.kind == AccountKind::Citizen {
                                refresh(&mut a, &identity);
                                conn.exec(
                                    "UPDATE accounts SET data = $1 WHERE username = $2",
                                    &args![serde_json::to_string(&a)?, a.username.as_str()],
                                )
                                .await?;
                            }
                            (a, "auth.oidc_login")
                        }
                        (None, Some(username)) => {
                            let r = conn
                                .opt(
                                    "SELECT data FROM accounts WHERE username = $1 AND active = $2",
                                    &args![username.as_str(), true],
                                )
                                .await?;
                            let Some(r) = r else { return Ok(None) };
                            (account_from_row(&r)?, "auth.oidc_link")
                        }
                        (None, None) => {
                            let username = identity.username(&provider);
                            let existing = conn
                                .opt(
                                    "SELECT data, active, kind FROM accounts WHERE username = $1",
                                    &args![username.as_str()],
                                )
                                .await?;
                            let mut a = match existing {
                                // The same identity number through the same provider:
                                // the same person under a new subject.
                                Some(r) if r.text("kind")? == "citizen" => {
                                    if !r.boolean("active")? {
                                        return Ok(None);
                                    }
                                    account_from_row(&r)?
                                }
                                Some(_) => return Ok(None),
                                None => Account {
                                    username: username.clone(),
                                    full_name: String::new(),
                                    kind: AccountKind::Citizen,
                                    roles: Vec::new(),
                                    id_number: None,
                                    phone: None,
                                    email: None,
                                },
                            };
                            refresh(&mut a, &identity);
                            conn.exec(
                                "INSERT INTO accounts (username, kind, password_hash, active, data) \
                                 VALUES ($1, 'citizen', NULL, $2, $3) \
                                 ON CONFLICT (username) DO UPDATE SET data = $3",
                                &args![a.username.as_str(), true, serde_json::to_string(&a)?],
                            )
                            .await?;
                            (a, "auth.oidc_register")
                        }
                    };
                    if action != "auth.oidc_login" {
                        conn.exec(
                            "INSERT INTO oidc_links (provider, subject, username, created_at) VALUES ($1, $2, $3, $4)",
                            &args![provider.as_str(), identity.subject.as_str(), account.username.as_str(), now],
                        )
                        .await?;
                    }
                    batch.audit(AuditDraft {
                        chain: String::new(),
                        at: now,
                        actor: account.username.clone(),
                        action: action.to_owned(),
                        target: account.username.clone(),
                        ip: meta.ip,
                        details: json!({ "provider": provider, "subject": identity.subject }),
                    });
                    Ok(Some(account))
                })
            })
            .await
    }

    /// Stores a new API token; audited.
    pub async fn create_api_token(
        &self,
        t: NewApiToken,
        actor: &str,
        now: DateTime<Utc>,
        meta: RequestMeta,
    ) -> Result<ApiToken, StoreError> {
        let actor = actor.to_owned();
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    batch
                        .conn()
                        .exec(
                            "INSERT INTO api_tokens (id, token_hash, name, username, scopes, created_at, expires_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7)",
                            &args![
                                t.id.as_str(),
                                t.token_hash.as_str(),
                                t.name.as_str(),
                                t.username.as_str(),
                                t.scopes.join(" "),
                                now,
                                t.expires_at
                            ],
                        )
                        .await?;
                    batch.audit(AuditDraft {
                        chain: String::new(),
                        at: now,
                        actor,
                        action: "token.create".to_owned(),
                        target: t.username.clone(),
                        ip: meta.ip,
                        details: json!({
                            "id": t.id, "name": t.name, "scopes": t.scopes, "expires_at": t.expires_at,
                        }),
                    });
                    Ok(ApiToken {
                        id: t.id,
                        name: t.name,
                        username: t.username,
                        scopes: t.scopes,
                        created_at: now,
                        expires_at: t.expires_at,
                        revoked_at: None,
                        last_used_at: None,
                    })
                })
            })
            .await
    }

    /// The account and token behind a live (unexpired, unrevoked) token; notes the
    /// use at most once an hour, so tokens cost no write per request.
    pub async fn api_token_account(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Account, ApiToken)>, StoreError> {
        let row = {
            let mut rc = self.read().await?;
            rc.conn()
                .opt(
                    "SELECT t.*, a.data FROM api_tokens t JOIN accounts a ON a.username = t.username \
                     WHERE t.token_hash = $1 AND t.expires_at > $2 AND t.revoked_at IS NULL AND a.active = $3",
                    &args![token_hash, now, true],
                )
                .await?
        };
        let Some(r) = row else { return Ok(None) };
        let token = token_from_row(&r)?;
        if token
            .last_used_at
            .is_none_or(|t| now - t > Duration::hours(1))
        {
            let id = token.id.clone();
            self.writer()
                .run(move |batch| {
                    Box::pin(async move {
                        batch
                            .conn()
                            .exec(
                                "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
                                &args![now, id.as_str()],
                            )
                            .await?;
                        Ok(())
                    })
                })
                .await?;
        }
        Ok(Some((account_from_row(&r)?, token)))
    }

    /// Tokens of `username`, newest first.
    pub async fn api_tokens_of(&self, username: &str) -> Result<Vec<ApiToken>, StoreError> {
        let mut rc = self.read().await?;
        rc.conn()
            .all(
                "SELECT * FROM api_tokens WHERE username = $1 ORDER BY created_at DESC, id",
                &args![username],
            )
            .await?
            .iter()
            .map(token_from_row)
            .collect()
    }

    /// Revokes token `id` of `username`; audited. False when there is no such live
    /// token of theirs.
    pub async fn revoke_api_token(
        &self,
        id: &str,
        username: &str,
        now: DateTime<Utc>,
        meta: RequestMeta,
    ) -> Result<bool, StoreError> {
        let n = self
            .exec_audited(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND username = $3 AND revoked_at IS NULL",
                args![now, id, username].to_vec(),
                AuditDraft {
                    chain: String::new(),
                    at: now,
                    actor: username.to_owned(),
                    action: "token.revoke".to_owned(),
                    target: username.to_owned(),
                    ip: meta.ip,
                    details: json!({ "id": id }),
                },
            )
            .await?;
        Ok(n > 0)
    }
}

/// Takes the provider's current details into a citizen account.
fn refresh(a: &mut Account, id: &Identity) {
    if let Some(n) = &id.full_name {
        a.full_name.clone_from(n);
    }
    if id.id_number.is_some() {
        a.id_number.clone_from(&id.id_number);
    }
    if id.phone.is_some() {
        a.phone.clone_from(&id.phone);
    }
    if id.email.is_some() {
        a.email.clone_from(&id.email);
    }
    if a.full_name.is_empty() {
        a.full_name = "Công dân".to_owned();
    }
}

/// An account's second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpState {
    /// The secret, base32.
    pub secret: String,
    /// Whether the officer confirmed it with a first code (only then is it asked).
    pub confirmed: bool,
    /// The last step a code was accepted for.
    pub last_step: Option<i64>,
}

impl Store {
    /// The account's second factor, if one was started.
    pub async fn totp(&self, username: &str) -> Result<Option<TotpState>, StoreError> {
        let mut rc = self.read().await?;
        let row = rc
            .conn()
            .opt(
                "SELECT secret, confirmed_at, last_step FROM totp_secrets WHERE username = $1",
                &args![username],
            )
            .await?;
        row.map(|r| {
            Ok(TotpState {
                secret: r.text("secret")?,
                confirmed: r.opt_time("confirmed_at")?.is_some(),
                last_step: r.opt_int("last_step")?,
            })
        })
        .transpose()
    }

    /// Starts (or restarts) enrolment with a new secret; false when a confirmed one
    /// is in place (it must be turned off first).
    pub async fn totp_begin(
        &self,
        username: &str,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let (username, secret) = (username.to_owned(), secret.to_owned());
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    let mut conn = batch.conn();
                    conn.exec(
                        "DELETE FROM totp_secrets WHERE username = $1 AND confirmed_at IS NULL",
                        &args![username.as_str()],
                    )
                    .await?;
                    let n = conn
                        .exec(
                            "INSERT INTO totp_secrets (username, secret, created_at) VALUES ($1, $2, $3) \
                             ON CONFLICT (username) DO NOTHING",
                            &args![username.as_str(), secret.as_str(), now],
                        )
                        .await?;
                    Ok(n == 1)
                })
            })
            .await
    }

    /// Records a code accepted for `step`: confirms enrolment the first time (audited)
    /// and refuses a step not later than the last one used (false), so that two
    /// requests with the same code cannot both pass.
    pub async fn totp_use(
        &self,
        username: &str,
        step: i64,
        now: DateTime<Utc>,
        meta: RequestMeta,
    ) -> Result<bool, StoreError> {
        let username = username.to_owned();
        self.writer()
            .run_keyed(format!("totp/{username}"), move |batch| {
                Box::pin(async move {
                    let mut conn = batch.conn();
                    let first = conn
                        .opt(
                            "SELECT confirmed_at FROM totp_secrets WHERE username = $1",
                            &args![username.as_str()],
                        )
                        .await?
                        .map(|r| r.opt_time("confirmed_at"))
                        .transpose()?
                        .is_some_and(|c| c.is_none());
                    let n = conn
                        .exec(
                            "UPDATE totp_secrets SET last_step = $2, confirmed_at = COALESCE(confirmed_at, $3) \
                             WHERE username = $1 AND (last_step IS NULL OR last_step < $2)",
                            &args![username.as_str(), step, now],
                        )
                        .await?;
                    if n == 1 && first {
                        batch.audit(AuditDraft {
                            chain: String::new(),
                            at: now,
                            actor: username.clone(),
                            action: "auth.totp_enable".to_owned(),
                            target: username,
                            ip: meta.ip,
                            details: json!({}),
                        });
                    }
                    Ok(n == 1)
                })
            })
            .await
    }

    /// Turns the second factor off (by its owner with a code, or an operator); audited.
    pub async fn totp_disable(
        &self,
        username: &str,
        actor: &str,
        now: DateTime<Utc>,
        meta: RequestMeta,
    ) -> Result<bool, StoreError> {
        let n = self
            .exec_audited(
                "DELETE FROM totp_secrets WHERE username = $1",
                args![username].to_vec(),
                AuditDraft {
                    chain: String::new(),
                    at: now,
                    actor: actor.to_owned(),
                    action: "auth.totp_disable".to_owned(),
                    target: username.to_owned(),
                    ip: meta.ip,
                    details: json!({}),
                },
            )
            .await?;
        Ok(n > 0)
    }
}
