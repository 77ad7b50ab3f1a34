//! Attachments (tệp đính kèm): streamed into object storage (the local filesystem by
//! default; S3 later) while their size is counted, their SHA-256 computed and their
//! type recognised from the content; then recorded in the database. A failed upload
//! leaves nothing behind: the object is aborted or deleted, no row is written.

use std::path::Path as FsPath;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt, TryStreamExt};
use motcua_domain::DomainError;
use motcua_domain::attachment::{ContentScanner, SNIFF_BYTES, classify};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::error::StoreError;
use crate::sql::{Row, args};
use crate::writer::AuditDraft;
use crate::{RequestMeta, Store};

#[derive(Debug, Clone)]
pub(crate) struct Blobs {
    store: Arc<dyn ObjectStore>,
}

impl Blobs {
    /// Deletes a stored file, ignoring one already gone (the row is the truth).
    pub(crate) async fn remove(&self, key: &str) {
        let _ = self.store.delete(&Path::from(key)).await;
    }
}

fn blob_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Blob {
        detail: e.to_string(),
    }
}

impl Blobs {
    pub(crate) fn local(dir: &FsPath) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(blob_err)?;
        let fs = LocalFileSystem::new_with_prefix(dir).map_err(blob_err)?;
        Ok(Blobs {
            store: Arc::new(fs),
        })
    }
}

/// What an attachment belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentOwner {
    /// A dossier, by code.
    Dossier(String),
    /// A filing draft, by id (moved to the dossier when it is filed).
    Draft(String),
}

/// An attachment to store.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    /// Dossier or draft.
    pub owner: AttachmentOwner,
    /// `submission`, `supplement` or `result`.
    pub kind: String,
    /// File name as given.
    pub name: String,
    /// Media type as declared by the client.
    pub declared_type: Option<String>,
    /// Who uploads.
    pub uploaded_by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Size limit in bytes.
    pub max_bytes: u64,
}

/// A stored attachment's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentMeta {
    /// Id.
    pub id: String,
    /// Dossier code (none while on a draft).
    pub dossier_code: Option<String>,
    /// Draft id, while on a draft.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft_id: Option<String>,
    /// Kind.
    pub kind: String,
    /// File name.
    pub name: String,
    /// Media type recognised from the content.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: DateTime<Utc>,
    #[serde(skip)]
    storage_key: String,
}

/// Why an upload did not go through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PutError {
    /// The file was refused (type, size, empty).
    #[error(transparent)]
    Rejected(#[from] DomainError),
    /// The upload stream broke before its end.
    #[error("upload interrupted: {0}")]
    Interrupted(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn meta_from_row(r: &Row) -> Result<AttachmentMeta, StoreError> {
    Ok(AttachmentMeta {
        id: r.text("id")?,
        dossier_code: r.opt_text("dossier_code")?,
        draft_id: r.opt_text("draft_id")?,
        kind: r.text("kind")?,
        name: r.text("name")?,
        content_type: r.text("content_type")?,
        size: r.int("size")?,
        sha256: r.text("sha256")?,
        uploaded_by: r.text("uploaded_by")?,
        uploaded_at: r.time("uploaded_at")?,
        storage_key: r.text("storage_key")?,
    })
}

impl Store {
    /// Streams an attachment in and records it; on any failure nothing remains.
    pub async fn put_attachment<S, E>(
        &self,
        new: NewAttachment,
        stream: S,
        meta: RequestMeta,
    ) -> Result<AttachmentMeta, PutError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send + Unpin,
        E: std::fmt::Display,
    {
        let mut stream = stream;
        // Read enough to recognise the type before anything is written.
        let mut head: Vec<u8> = Vec::with_capacity(SNIFF_BYTES);
        let mut rest: Option<Bytes> = None;
        while head.len() < SNIFF_BYTES {
            match stream.next().await {
                Some(Ok(chunk)) => {
                    let take = (SNIFF_BYTES - head.len()).min(chunk.len());
                    head.extend_from_slice(chunk.get(..take).unwrap_or_default());
                    if take < chunk.len() {
                        rest = Some(chunk.slice(take..));
                        break;
                    }
                }
                Some(Err(e)) => return Err(PutError::Interrupted(e.to_string())),
                None => break,
            }
        }
        let file_type = classify(&head, &new.name, new.declared_type.as_deref())?;
        let id = uuid::Uuid::new_v4().to_string();
        let key = Path::from(match &new.owner {
            AttachmentOwner::Dossier(code) => format!("dossiers/{code}/{id}"),
            AttachmentOwner::Draft(draft) => format!("drafts/{draft}/{id}"),
        });
        let too_large = || DomainError::AttachmentTooLarge {
            name: new.name.clone(),
            limit: new.max_bytes,
        };

        let upload = self
            .inner
            .blobs
            .store
            .put_multipart(&key)
            .await
            .map_err(blob_err)?;
        let mut writer = WriteMultipart::new(upload);
        let mut hasher = Sha256::new();
        // What the head cannot show (encryption, scripts, appended archives, bombs) is
        // looked for in every chunk on the way to storage.
        let mut scanner = ContentScanner::new(file_type);
        let mut size = head.len() as u64;
        hasher.update(&head);
        scanner.feed(&head);
        writer.write(&head);
        let mut failure: Option<PutError> = None;
        if let Some(chunk) = rest {
            size += chunk.len() as u64;
            hasher.update(&chunk);
            scanner.feed(&chunk);
            writer.write(&chunk);
        }
        if size > new.max_bytes {
            failure = Some(too_large().into());
        }
        while failure.is_none() {
            match stream.next().await {
                Some(Ok(chunk)) => {
                    size += chunk.len() as u64;
                    if size > new.max_bytes {
                        failure = Some(too_large().into());
                        break;
                    }
                    hasher.update(&chunk);
                    scanner.feed(&chunk);
                    if let Err(e) = writer.wait_for_capacity(4).await {
                        failure = Some(PutError::Store(blob_err(e)));
                        break;
                    }
                    writer.write(&chunk);
                }
                Some(Err(e)) => failure = Some(PutError::Interrupted(e.to_string())),
                None => break,
            }
        }
        if failure.is_none()
            && let Err(e) = scanner.finish(&new.name, size)
        {
            failure = Some(e.into());
        }
        if let Some(f) = failure {
            let _ = writer.abort().await;
            return Err(f);
        }
        writer.finish().await.map_err(blob_err)?;

        let (dossier_code, draft_id) = match &new.owner {
            AttachmentOwner::Dossier(c) => (Some(c.clone()), None),
            AttachmentOwner::Draft(d) => (None, Some(d.clone())),
        };
        let record = AttachmentMeta {
            id,
            dossier_code,
            draft_id,
            kind: new.kind.clone(),
            name: new.name.clone(),
            content_type: file_type.mime.to_owned(),
            size: i64::try_from(size).unwrap_or(i64::MAX),
            sha256: hex::encode(hasher.finalize()),
            uploaded_by: new.uploaded_by.clone(),
            uploaded_at: motcua_domain::time::micros(new.at),
            storage_key: key.to_string(),
        };
        let saved = record.clone();
        let result = self
            .writer()
            .run(move |batch| {
                Box::pin(async move {
                    let r = saved;
                    let (table, key) = match (&r.dossier_code, &r.draft_id) {
                        (Some(c), _) => ("dossiers WHERE code", c.as_str()),
                        (None, Some(d)) => ("drafts WHERE id", d.as_str()),
                        (None, None) => return Err(StoreError::corrupt("attachment without owner")),
                    };
                    let exists = batch
                        .conn()
                        .opt(&format!("SELECT 1 AS one FROM {table} = $1"), &args![key])
                        .await?;
                    if exists.is_none() {
                        return Err(StoreError::NotFound {
                            what: key.to_owned(),
                        });
                    }
                    batch
                        .conn()
                        .exec(
                            "INSERT INTO attachments (id, dossier_code, draft_id, kind, name, content_type, size, sha256, storage_key, uploaded_by, uploaded_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                            &args![
                                r.id.as_str(),
                                r.dossier_code.clone(),
                                r.draft_id.clone(),
                                r.kind.as_str(),
                                r.name.as_str(),
                                r.content_type.as_str(),
                                r.size,
                                r.sha256.as_str(),
                                r.storage_key.as_str(),
                                r.uploaded_by.as_str(),
                                r.uploaded_at,
                            ],
                        )
                        .await?;
                    if let Some(code) = &r.dossier_code {
                        crate::stats::refresh_files(&mut batch.conn(), code).await?;
                    }
                    let chain = match &r.dossier_code {
                        Some(code) => crate::audit::chain_of(&mut batch.conn(), code).await?,
                        None => String::new(),
                    };
                    batch.audit(AuditDraft {
                        chain,
                        at: r.uploaded_at,
                        actor: r.uploaded_by.clone(),
                        action: "attachment.add".to_owned(),
                        target: r.dossier_code.clone().or_else(|| r.draft_id.clone()).unwrap_or_default(),
                        ip: meta.ip.clone(),
                        details: json!({"id": r.id, "name": r.name, "size": r.size, "sha256": r.sha256, "type": r.content_type}),
                    });
                    Ok(())
                })
            })
            .await;
        if let Err(e) = result {
            // The row was not written: remove the object so nothing is half-attached.
            let _ = self.inner.blobs.store.delete(&key).await;
            return Err(e.into());
        }
        Ok(record)
    }

    /// An attachment's record.
    pub async fn attachment(
        &self,
        dossier_code: &str,
        id: &str,
    ) -> Result<Option<AttachmentMeta>, StoreError> {
        let mut rc = self.read().await?;
        let row = rc
            .conn()
            .opt(
                "SELECT * FROM attachments WHERE dossier_code = $1 AND id = $2",
                &args![dossier_code, id],
            )
            .await?;
        row.map(|r| meta_from_row(&r)).transpose()
    }

    /// A draft's attachments, oldest first.
    pub async fn draft_attachments(
        &self,
        draft_id: &str,
    ) -> Result<Vec<AttachmentMeta>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT * FROM attachments WHERE draft_id = $1 ORDER BY uploaded_at, id",
                &args![draft_id],
            )
            .await?;
        rows.iter().map(meta_from_row).collect()
    }

    /// Removes a draft attachment (row and file).
    pub async fn delete_draft_attachment(
        &self,
        draft_id: &str,
        id: &str,
    ) -> Result<bool, StoreError> {
        let (draft, att) = (draft_id.to_owned(), id.to_owned());
        let key: Option<String> = self
            .writer()
            .run(move |batch| {
                Box::pin(async move {
                    let mut conn = batch.conn();
                    let row = conn
                        .opt(
                            "SELECT storage_key FROM attachments WHERE id = $1 AND draft_id = $2",
                            &args![att.as_str(), draft.as_str()],
                        )
                        .await?;
                    let Some(row) = row else { return Ok(None) };
                    conn.exec(
                        "DELETE FROM attachments WHERE id = $1",
                        &args![att.as_str()],
                    )
                    .await?;
                    Ok(Some(row.text("storage_key")?))
                })
            })
            .await?;
        if let Some(k) = &key {
            self.inner.blobs.remove(k).await;
        }
        Ok(key.is_some())
    }

    /// A dossier's attachments, oldest first.
    pub async fn attachments(&self, dossier_code: &str) -> Result<Vec<AttachmentMeta>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT * FROM attachments WHERE dossier_code = $1 ORDER BY uploaded_at, id",
                &args![dossier_code],
            )
            .await?;
        rows.iter().map(meta_from_row).collect()
    }

    /// The content of an attachment, streamed.
    pub async fn attachment_stream(
        &self,
        meta: &AttachmentMeta,
    ) -> Result<impl Stream<Item = Result<Bytes, StoreError>> + Send + 'static, StoreError> {
        let got = self
            .inner
            .blobs
            .store
            .get(&Path::from(meta.storage_key.as_str()))
            .await
            .map_err(blob_err)?;
        Ok(got.into_stream().map_err(blob_err))
    }
}
