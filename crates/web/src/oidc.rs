//! Login through an OpenID Connect provider, as VNeID and the national portal do it:
//! authorisation code flow with PKCE (S256), `state` bound to the browser and used
//! once, `nonce` checked, the ID token's signature verified against the provider's
//! published keys, then issuer, audience, expiry and nonce checked by the pure rules
//! in `motcua_domain::oidc`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use motcua_domain::Account;
use motcua_domain::oidc::{ClaimNames, Expected, IdClaims, Identity, check_claims};
use motcua_store::{PENDING_TTL_MINUTES, PendingLogin};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use crate::api::Meta;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// One identity provider (settings: `[[oidc]]` in motcua.toml).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcProvider {
    /// Short ID used in addresses and usernames, e.g. `vneid`.
    pub id: String,
    /// Button text, e.g. "Tài khoản định danh điện tử VNeID".
    pub label: String,
    /// Issuer identifier; discovery is read from `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    /// Our client ID at the provider.
    pub client_id: String,
    /// Client secret, when the provider issued one (sent with HTTP Basic).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Scopes asked for.
    #[serde(default = "default_scopes")]
    pub scopes: String,
    /// Which claims carry the personal data.
    #[serde(default)]
    pub claims: ClaimNames,
    /// Whether officers may log in through it (their account's identity number must
    /// match the token's).
    #[serde(default)]
    pub officers: bool,
}

fn default_scopes() -> String {
    "openid profile".to_owned()
}

/// The provider's published endpoints and keys.
#[derive(Debug)]
struct ProviderMeta {
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    jwks: JwkSet,
}

#[derive(Debug, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

/// HTTP client and per-provider metadata cache.
#[derive(Debug)]
pub struct OidcClients {
    http: reqwest::Client,
    meta: Mutex<HashMap<String, Arc<ProviderMeta>>>,
}

impl OidcClients {
    /// A client with short timeouts (a login waits on it).
    pub fn new() -> Self {
        crate::install_tls_provider();
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        OidcClients {
            http,
            meta: Mutex::new(HashMap::new()),
        }
    }
}

impl Default for OidcClients {
    fn default() -> Self {
        Self::new()
    }
}

fn err(status: StatusCode, code: &'static str, vi: &str, en: impl Into<String>) -> ApiError {
    ApiError::new(status, code, vi.to_owned(), en.into())
}

fn unreachable_provider(detail: impl std::fmt::Display) -> ApiError {
    tracing::warn!(%detail, "identity provider unreachable");
    err(
        StatusCode::BAD_GATEWAY,
        "oidc_provider_unavailable",
        "Không kết nối được với hệ thống định danh. Vui lòng thử lại sau.",
        format!("identity provider unavailable: {detail}"),
    )
}

fn random_token() -> String {
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    URL_SAFE_NO_PAD.encode(raw)
}

fn digest(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The provider configured under `id`.
pub fn provider<'a>(state: &'a AppState, id: &str) -> ApiResult<&'a OidcProvider> {
    state
        .config()
        .oidc
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| {
            err(
                StatusCode::NOT_FOUND,
                "oidc_unknown_provider",
                "Không có hình thức đăng nhập này",
                format!("no identity provider {id}"),
            )
        })
}

/// Where the provider sends the browser back.
pub fn redirect_uri(state: &AppState) -> String {
    format!(
        "{}/dang-nhap/oidc/callback",
        state.config().public_url.trim_end_matches('/')
    )
}

async fn metadata(state: &AppState, p: &OidcProvider, fresh: bool) -> ApiResult<Arc<ProviderMeta>> {
    let clients = state.oidc();
    if !fresh && let Some(m) = clients.meta.lock().await.get(&p.id) {
        return Ok(Arc::clone(m));
    }
    let url = format!(
        "{}/.well-known/openid-configuration",
        p.issuer.trim_end_matches('/')
    );
    let d: Discovery = get_json(&clients.http, &url).await?;
    if d.issuer != p.issuer {
        return Err(unreachable_provider(format!(
            "discovery names issuer {} instead of {}",
            d.issuer, p.issuer
        )));
    }
    let jwks: JwkSet = get_json(&clients.http, &d.jwks_uri).await?;
    let m = Arc::new(ProviderMeta {
        authorization_endpoint: d.authorization_endpoint,
        token_endpoint: d.token_endpoint,
        jwks_uri: d.jwks_uri,
        jwks,
    });
    clients
        .meta
        .lock()
        .await
        .insert(p.id.clone(), Arc::clone(&m));
    Ok(m)
}

async fn get_json<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
) -> ApiResult<T> {
    let resp = http
        .get(url)
        .send()
        .await
        .map_err(|e| unreachable_provider(format!("{url}: {e}")))?;
    if !resp.status().is_success() {
        return Err(unreachable_provider(format!(
            "{url}: HTTP {}",
            resp.status()
        )));
    }
    resp.json()
        .await
        .map_err(|e| unreachable_provider(format!("{url}: {e}")))
}

/// Starts a login: remembers state, nonce and PKCE verifier, and returns the
/// provider's authorisation URL and the state (which the caller binds to the browser).
pub async fn begin(
    state: &AppState,
    provider_id: &str,
    return_to: &str,
) -> ApiResult<(String, String)> {
    let p = provider(state, provider_id)?;
    let meta = metadata(state, p, false).await?;
    let (st, nonce, verifier) = (random_token(), random_token(), random_token());
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let mut url = reqwest::Url::parse(&meta.authorization_endpoint)
        .map_err(|e| unreachable_provider(format!("authorization_endpoint: {e}")))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &p.client_id)
        .append_pair("redirect_uri", &redirect_uri(state))
        .append_pair("scope", &p.scopes)
        .append_pair("state", &st)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    state
        .store()
        .oidc_begin(PendingLogin {
            state_hash: digest(&st),
            provider: p.id.clone(),
            nonce,
            verifier,
            return_to: return_to.to_owned(),
            created_at: state.now(),
        })
        .await?;
    Ok((url.to_string(), st))
}

/// What the provider sends back.
#[derive(Debug, Default, Deserialize)]
pub struct Callback {
    /// The authorisation code.
    #[serde(default)]
    pub code: Option<String>,
    /// Our state, echoed.
    #[serde(default)]
    pub state: Option<String>,
    /// The provider's refusal, if any.
    #[serde(default)]
    pub error: Option<String>,
    /// Its explanation.
    #[serde(default)]
    pub error_description: Option<String>,
}

#[derive(Debug, Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
}

fn state_error(code: &'static str, vi: &str, en: &str) -> ApiError {
    err(StatusCode::BAD_REQUEST, code, vi, en)
}

/// Finishes a login: checks the state (bound to this browser by `bound_state`, the
/// cookie set at the start), exchanges the code, verifies the ID token, finds or
/// creates the account. Returns the account and where to go next.
pub async fn finish(
    state: &AppState,
    cb: &Callback,
    bound_state: Option<&str>,
    meta: &Meta,
) -> ApiResult<(Account, String)> {
    if let Some(e) = &cb.error {
        let detail: String = cb
            .error_description
            .as_deref()
            .unwrap_or(e)
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        return Err(err(
            StatusCode::UNAUTHORIZED,
            "oidc_denied",
            "Hệ thống định danh đã từ chối đăng nhập",
            format!("identity provider refused: {detail}"),
        ));
    }
    let st = cb
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            state_error(
                "oidc_state_invalid",
                "Thiếu tham số phiên đăng nhập. Vui lòng đăng nhập lại.",
                "state is missing",
            )
        })?;
    // The answer must come back to the browser that started the login: otherwise an
    // attacker could log a victim into the attacker's account (login CSRF).
    if bound_state != Some(st) {
        return Err(state_error(
            "oidc_state_mismatch",
            "Phiên đăng nhập không khớp với trình duyệt này. Vui lòng đăng nhập lại.",
            "state does not match this browser's login",
        ));
    }
    let pending = state.store().oidc_take(&digest(st)).await?.ok_or_else(|| {
        state_error(
            "oidc_state_invalid",
            "Phiên đăng nhập không hợp lệ hoặc đã được sử dụng. Vui lòng đăng nhập lại.",
            "unknown or already used state",
        )
    })?;
    if state.now() - pending.created_at > chrono::Duration::minutes(PENDING_TTL_MINUTES) {
        return Err(state_error(
            "oidc_state_expired",
            "Phiên đăng nhập đã quá hạn. Vui lòng đăng nhập lại.",
            "login took too long",
        ));
    }
    let code = cb
        .code
        .as_deref()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            state_error(
                "oidc_code_missing",
                "Hệ thống định danh không trả về mã xác thực",
                "code is missing",
            )
        })?;
    let p = provider(state, &pending.provider)?;
    let meta_p = metadata(state, p, false).await?;
    let id_token = exchange(state, p, &meta_p, code, &pending.verifier).await?;
    let claims = verify(state, p, meta_p, &id_token).await?;
    #[allow(clippy::disallowed_methods)]
    // the token carries the provider's real time, not our (perhaps simulated) clock
    let now = chrono::Utc::now().timestamp();
    check_claims(
        &claims,
        &Expected {
            issuer: &p.issuer,
            client_id: &p.client_id,
            nonce: &pending.nonce,
            now,
            leeway: 60,
            max_age: 600,
        },
    )
    .map_err(|e| {
        err(
            StatusCode::UNAUTHORIZED,
            e.code(),
            e.message_vi(),
            e.to_string(),
        )
    })?;
    let identity = Identity::from_claims(&claims, &p.claims);
    let officer = if p.officers {
        identity.id_number.as_deref().and_then(|n| {
            state
                .directory()
                .officers
                .values()
                .find(|a| a.id_number.as_deref() == Some(n))
                .map(|a| a.username.clone())
        })
    } else {
        None
    };
    let account = state
        .store()
        .oidc_login(&p.id, identity, officer, state.now(), meta.request())
        .await?
        .ok_or_else(|| {
            err(
                StatusCode::FORBIDDEN,
                "account_disabled",
                "Tài khoản đã bị khóa. Vui lòng liên hệ cơ quan quản lý.",
                "the account is disabled",
            )
        })?;
    Ok((account, pending.return_to))
}

async fn exchange(
    state: &AppState,
    p: &OidcProvider,
    meta: &ProviderMeta,
    code: &str,
    verifier: &str,
) -> ApiResult<String> {
    let redirect = redirect_uri(state);
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect.as_str()),
        ("code_verifier", verifier),
    ];
    let mut req = state.oidc().http.post(&meta.token_endpoint);
    match &p.client_secret {
        Some(secret) => req = req.basic_auth(&p.client_id, Some(secret)),
        None => form.push(("client_id", p.client_id.as_str())),
    }
    let resp = req
        .form(&form)
        .send()
        .await
        .map_err(|e| unreachable_provider(format!("token endpoint: {e}")))?;
    let status = resp.status();
    if status.is_client_error() {
        let body: String = resp
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect();
        return Err(err(
            StatusCode::UNAUTHORIZED,
            "oidc_code_rejected",
            "Hệ thống định danh không chấp nhận mã xác thực. Vui lòng đăng nhập lại.",
            format!("token endpoint answered {status}: {body}"),
        ));
    }
    if !status.is_success() {
        return Err(unreachable_provider(format!(
            "token endpoint: HTTP {status}"
        )));
    }
    let t: TokenResponse = resp
        .json()
        .await
        .map_err(|e| unreachable_provider(format!("token response: {e}")))?;
    t.id_token
        .ok_or_else(|| invalid_token("the token response has no id_token"))
}

fn invalid_token(en: impl Into<String>) -> ApiError {
    err(
        StatusCode::UNAUTHORIZED,
        "oidc_token_invalid",
        "Mã xác thực không hợp lệ",
        en,
    )
}

fn bad_signature(en: impl Into<String>) -> ApiError {
    err(
        StatusCode::UNAUTHORIZED,
        "oidc_bad_signature",
        "Chữ ký của mã xác thực không hợp lệ",
        en,
    )
}

/// Asymmetric algorithms only: a shared-secret or unsigned token proves nothing
/// about who issued it.
const ALLOWED: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

fn find_key<'a>(jwks: &'a JwkSet, kid: Option<&str>) -> Option<&'a Jwk> {
    match kid {
        Some(kid) => jwks.find(kid),
        None if jwks.keys.len() == 1 => jwks.keys.first(),
        None => None,
    }
}

async fn verify(
    state: &AppState,
    p: &OidcProvider,
    mut meta: Arc<ProviderMeta>,
    token: &str,
) -> ApiResult<IdClaims> {
    let header = jsonwebtoken::decode_header(token)
        .map_err(|e| invalid_token(format!("ID token header: {e}")))?;
    if !ALLOWED.contains(&header.alg) {
        return Err(bad_signature(format!(
            "algorithm {:?} is not accepted",
            header.alg
        )));
    }
    let kid = header.kid.as_deref();
    if find_key(&meta.jwks, kid).is_none() {
        // The provider may have rotated its keys since we read them.
        tracing::info!(jwks = %meta.jwks_uri, "unknown signing key; re-reading the provider's keys");
        meta = metadata(state, p, true).await?;
    }
    let jwk = find_key(&meta.jwks, kid)
        .ok_or_else(|| bad_signature(format!("no published key {}", kid.unwrap_or("(none)"))))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| bad_signature(format!("key: {e}")))?;
    let mut v = Validation::new(header.alg);
    // Claims are checked by the domain's rules, with our own error codes.
    v.validate_exp = false;
    v.validate_nbf = false;
    v.validate_aud = false;
    v.required_spec_claims.clear();
    jsonwebtoken::decode::<IdClaims>(token, &key, &v)
        .map(|d| d.claims)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature
            | jsonwebtoken::errors::ErrorKind::InvalidAlgorithm
            | jsonwebtoken::errors::ErrorKind::InvalidRsaKey(_)
            | jsonwebtoken::errors::ErrorKind::InvalidEcdsaKey
            | jsonwebtoken::errors::ErrorKind::InvalidEddsaKey => bad_signature(e.to_string()),
            _ => invalid_token(format!("ID token: {e}")),
        })
}
