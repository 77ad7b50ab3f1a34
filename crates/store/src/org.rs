//! The organisation (administrative units, agencies, units, accounts), login sessions
//! and the procedure catalog.

use chrono::{DateTime, Utc};
use motcua_domain::org::{AccountKind, AdminUnit};
use motcua_domain::{Account, Agency, Directory, OrgUnit, Procedure};
use serde_json::json;

use crate::error::StoreError;
use crate::sql::{Conn, Row, args};
use crate::writer::AuditDraft;
use crate::{RequestMeta, Store};

/// What an organisation import brings: entities and accounts with password hashes.
#[derive(Debug, Clone, Default)]
pub struct OrgImport {
    /// Administrative units.
    pub admin_units: Vec<AdminUnit>,
    /// Agencies.
    pub agencies: Vec<Agency>,
    /// Units.
    pub units: Vec<OrgUnit>,
    /// Accounts with their password hash (argon2 PHC string), if any.
    pub accounts: Vec<(Account, Option<String>)>,
}

fn kind_str(k: AccountKind) -> &'static str {
    match k {
        AccountKind::Officer => "officer",
        AccountKind::Citizen => "citizen",
    }
}

fn level_str(l: motcua_domain::org::AdminLevel) -> &'static str {
    match l {
        motcua_domain::org::AdminLevel::Province => "province",
        motcua_domain::org::AdminLevel::District => "district",
        motcua_domain::org::AdminLevel::Commune => "commune",
    }
}

fn level_of(s: &str) -> Result<motcua_domain::org::AdminLevel, StoreError> {
    use motcua_domain::org::AdminLevel;
    match s {
        "province" => Ok(AdminLevel::Province),
        "district" => Ok(AdminLevel::District),
        "commune" => Ok(AdminLevel::Commune),
        other => Err(StoreError::corrupt(format!("admin level {other}"))),
    }
}

fn account_from_row(r: &Row) -> Result<Account, StoreError> {
    Ok(serde_json::from_str(&r.text("data")?)?)
}

impl Store {
    /// Inserts or updates organisation entities and accounts (one transaction).
    pub async fn save_org(
        &self,
        org: OrgImport,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let actor = actor.to_owned();
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    let mut conn = batch.conn();
                    for u in &org.admin_units {
                        conn.exec(
                            "INSERT INTO admin_units (code, name, level, parent) VALUES ($1, $2, $3, $4) \
                             ON CONFLICT (code) DO UPDATE SET name = $2, level = $3, parent = $4",
                            &args![u.code.as_str(), u.name.as_str(), level_str(u.level), u.parent.clone()],
                        )
                        .await?;
                    }
                    for a in &org.agencies {
                        conn.exec(
                            "INSERT INTO agencies (code, name, admin_unit, parent) VALUES ($1, $2, $3, $4) \
                             ON CONFLICT (code) DO UPDATE SET name = $2, admin_unit = $3, parent = $4",
                            &args![a.code.as_str(), a.name.as_str(), a.admin_unit.as_str(), a.parent.clone()],
                        )
                        .await?;
                    }
                    for u in &org.units {
                        conn.exec(
                            "INSERT INTO units (code, agency, name) VALUES ($1, $2, $3) \
                             ON CONFLICT (code) DO UPDATE SET agency = $2, name = $3",
                            &args![u.code.as_str(), u.agency.as_str(), u.name.as_str()],
                        )
                        .await?;
                    }
                    for (a, hash) in &org.accounts {
                        conn.exec(
                            "INSERT INTO accounts (username, kind, password_hash, active, data) VALUES ($1, $2, $3, $4, $5) \
                             ON CONFLICT (username) DO UPDATE SET kind = $2, password_hash = COALESCE($3, accounts.password_hash), \
                             active = $4, data = $5",
                            &args![a.username.as_str(), kind_str(a.kind), hash.clone(), true, serde_json::to_string(a)?],
                        )
                        .await?;
                    }
                    batch.audit(AuditDraft {
                        chain: String::new(),
                        at: now,
                        actor,
                        action: "org.import".to_owned(),
                        target: "organisation".to_owned(),
                        ip: None,
                        details: json!({
                            "admin_units": org.admin_units.len(),
                            "agencies": org.agencies.len(),
                            "units": org.units.len(),
                            "accounts": org.accounts.iter().map(|(a, _)| a.username.as_str()).collect::<Vec<_>>(),
                        }),
                    });
                    Ok(())
                })
            })
            .await
    }

    /// The whole organisation, for the in-memory directory.
    pub async fn load_directory(&self) -> Result<Directory, StoreError> {
        let mut rc = self.read().await?;
        let mut conn = rc.conn();
        let mut d = Directory::default();
        for r in conn
            .all("SELECT code, name, level, parent FROM admin_units", &[])
            .await?
        {
            let u = AdminUnit {
                code: r.text("code")?,
                name: r.text("name")?,
                level: level_of(&r.text("level")?)?,
                parent: r.opt_text("parent")?,
            };
            d.admin_units.insert(u.code.clone(), u);
        }
        for r in conn
            .all("SELECT code, name, admin_unit, parent FROM agencies", &[])
            .await?
        {
            let a = Agency {
                code: r.text("code")?,
                name: r.text("name")?,
                admin_unit: r.text("admin_unit")?,
                parent: r.opt_text("parent")?,
            };
            d.agencies.insert(a.code.clone(), a);
        }
        for r in conn
            .all("SELECT code, agency, name FROM units", &[])
            .await?
        {
            let u = OrgUnit {
                code: r.text("code")?,
                agency: r.text("agency")?,
                name: r.text("name")?,
            };
            d.units.insert(u.code.clone(), u);
        }
        for r in conn
            .all(
                "SELECT data FROM accounts WHERE kind = 'officer' AND active = $1",
                &args![true],
            )
            .await?
        {
            let a = account_from_row(&r)?;
            d.officers.insert(a.username.clone(), a);
        }
        Ok(d)
    }

    /// An account and its password hash, for login.
    pub async fn account_for_login(
        &self,
        username: &str,
    ) -> Result<Option<(Account, Option<String>)>, StoreError> {
        let mut rc = self.read().await?;
        let row = rc
            .conn()
            .opt(
                "SELECT data, password_hash FROM accounts WHERE username = $1 AND active = $2",
                &args![username, true],
            )
            .await?;
        row.map(|r| Ok((account_from_row(&r)?, r.opt_text("password_hash")?)))
            .transpose()
    }

    /// Opens a session for `username`; audited as a login.
    pub async fn create_session(
        &self,
        token_hash: String,
        username: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        meta: RequestMeta,
    ) -> Result<(), StoreError> {
        let username = username.to_owned();
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    let mut conn = batch.conn();
                    conn.exec("DELETE FROM sessions WHERE expires_at < $1", &args![now]).await?;
                    conn.exec(
                        "INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                        &args![token_hash, username.as_str(), now, expires_at],
                    )
                    .await?;
                    batch.audit(AuditDraft {
                        chain: String::new(),
                        at: now,
                        actor: username.clone(),
                        action: "auth.login".to_owned(),
                        target: username,
                        ip: meta.ip,
                        details: json!({ "expires_at": expires_at }),
                    });
                    Ok(())
                })
            })
            .await
    }

    /// The account behind a live session token.
    pub async fn session_account(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Account>, StoreError> {
        let mut rc = self.read().await?;
        let row = rc
            .conn()
            .opt(
                "SELECT a.data FROM sessions s JOIN accounts a ON a.username = s.username \
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.active = $3",
                &args![token_hash, now, true],
            )
            .await?;
        row.map(|r| account_from_row(&r)).transpose()
    }

    /// Ends every session of `username` (logout everywhere: a shared counter PC, a lost
    /// phone); audited. Returns how many were open.
    pub async fn delete_sessions_of(
        &self,
        username: &str,
        now: DateTime<Utc>,
        meta: RequestMeta,
    ) -> Result<u64, StoreError> {
        let username = username.to_owned();
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    let n = batch
                        .conn()
                        .exec(
                            "DELETE FROM sessions WHERE username = $1",
                            &args![username.as_str()],
                        )
                        .await?;
                    batch.audit(AuditDraft {
                        chain: String::new(),
                        at: now,
                        actor: username.clone(),
                        action: "auth.logout_all".to_owned(),
                        target: username,
                        ip: meta.ip,
                        details: json!({ "sessions": n }),
                    });
                    Ok(n)
                })
            })
            .await
    }

    /// Ends a session (logout).
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let token_hash = token_hash.to_owned();
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    batch
                        .conn()
                        .exec(
                            "DELETE FROM sessions WHERE token_hash = $1",
                            &args![token_hash.as_str()],
                        )
                        .await?;
                    Ok(())
                })
            })
            .await
    }

    /// Saves procedures (insert or replace by code) in one transaction.
    pub async fn save_procedures(
        &self,
        procedures: Vec<Procedure>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let actor = actor.to_owned();
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    let mut conn = batch.conn();
                    for p in &procedures {
                        save_procedure(&mut conn, p, now).await?;
                    }
                    batch.audit(AuditDraft {
                        chain: String::new(),
                        at: now,
                        actor,
                        action: "catalog.import".to_owned(),
                        target: "catalog".to_owned(),
                        ip: None,
                        details: json!({ "procedures": procedures.iter().map(|p| p.code.as_str()).collect::<Vec<_>>() }),
                    });
                    Ok(procedures.len())
                })
            })
            .await
    }

    /// Every procedure.
    pub async fn load_procedures(&self) -> Result<Vec<Procedure>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all("SELECT data FROM procedures ORDER BY code", &[])
            .await?;
        rows.iter()
            .map(|r| Ok(serde_json::from_str(&r.text("data")?)?))
            .collect()
    }
}

async fn save_procedure(
    conn: &mut Conn<'_>,
    p: &Procedure,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let level = serde_json::to_value(p.level)?;
    conn.exec(
        "INSERT INTO procedures (code, name, sector, level, search_key, data, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (code) DO UPDATE SET name = $2, sector = $3, level = $4, search_key = $5, data = $6, updated_at = $7",
        &args![
            p.code.as_str(),
            p.name.as_str(),
            p.sector.as_str(),
            level.as_str().unwrap_or("commune"),
            p.search_key(),
            serde_json::to_string(p)?,
            now,
        ],
    )
    .await?;
    Ok(())
}
