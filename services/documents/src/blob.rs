//! The blob store that holds attachments' content: a folder of the data
//! directory by default, or S3-compatible object storage, both through the
//! `object_store` crate.
//!
//! The setting `documents-blob-store` (`VANPHONG_DOCUMENTS_BLOB_STORE`)
//! chooses it once at start-up:
//! - `local` (the default): files under `<data-dir>/blobs/documents/`;
//! - `s3`: a bucket configured by the usual AWS variables (`AWS_BUCKET` or
//!   `AWS_BUCKET_NAME`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//!   `AWS_DEFAULT_REGION` or `AWS_REGION`, `AWS_ENDPOINT` for MinIO, Ceph
//!   and other S3-compatible servers, `AWS_ALLOW_HTTP=true` for a
//!   plain-HTTP endpoint, `AWS_SESSION_TOKEN`,
//!   `AWS_VIRTUAL_HOSTED_STYLE_REQUEST`), objects under the key prefix
//!   `documents/`. An S3 configuration the client cannot use stops the
//!   start-up with a message.

use std::path::Path as FsPath;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::config::{BlobStoreKind, Settings};

/// Largest attachment accepted, in bytes, for stores made without settings;
/// servers take `attachment-max-bytes` (default the same 50 MiB).
pub const DEFAULT_MAX_ATTACHMENT_BYTES: i64 = 50 * 1024 * 1024;

/// Parts of a streamed upload are sent to the store in pieces of this size
/// (S3's smallest multipart part).
const PART_SIZE: usize = 5 * 1024 * 1024;

/// Parts in flight at once during an upload.
const PARTS_IN_FLIGHT: usize = 2;

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of content as attachments record it: 64 lower-case hexadecimal
/// digits.
pub fn sha256_hex(content: &[u8]) -> String {
    hex(&Sha256::digest(content))
}

/// Where attachments' bytes live.
#[derive(Debug, Clone)]
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
    /// Bytes an attachment may have.
    pub max_bytes: i64,
}

fn unavailable(e: object_store::Error) -> Error {
    tracing::warn!(error = %e, "blob store failed");
    Error::Unavailable("Kho lưu tệp đính kèm tạm thời không sẵn sàng, vui lòng thử lại".into())
}

fn path(key: &str) -> Result<Path, Error> {
    Path::parse(key).map_err(Error::internal)
}

impl BlobStore {
    /// The store the settings choose (see the module's documentation).
    pub fn open(settings: &Settings) -> Result<BlobStore, Error> {
        let store = match settings.documents_blob_store {
            BlobStoreKind::Local => BlobStore::local(&settings.data_dir.join("blobs").join("documents")),
            BlobStoreKind::S3 => BlobStore::s3_from_env(),
        }?;
        Ok(BlobStore {
            max_bytes: i64::try_from(settings.attachment_max_bytes).unwrap_or(i64::MAX),
            ..store
        })
    }

    /// Files in `dir` (created if missing).
    pub fn local(dir: &FsPath) -> Result<BlobStore, Error> {
        std::fs::create_dir_all(dir).map_err(Error::internal)?;
        let store = LocalFileSystem::new_with_prefix(dir).map_err(Error::internal)?;
        tracing::info!(dir = %dir.display(), "attachments kept in a local folder");
        Ok(BlobStore {
            store: Arc::new(store),
            max_bytes: DEFAULT_MAX_ATTACHMENT_BYTES,
        })
    }

    /// A bucket configured by the `AWS_*` environment variables.
    pub fn s3_from_env() -> Result<BlobStore, Error> {
        let s3 = AmazonS3Builder::from_env().build().map_err(Error::internal)?;
        tracing::info!(store = %s3, "attachments kept in S3-compatible object storage");
        Ok(BlobStore {
            store: Arc::new(PrefixStore::new(s3, "documents")),
            max_bytes: DEFAULT_MAX_ATTACHMENT_BYTES,
        })
    }

    /// A fresh key for new content.
    pub fn new_key() -> String {
        format!("attachments/{}", Uuid::now_v7().simple())
    }

    /// Stores content held in memory.
    pub async fn put(&self, key: &str, content: Bytes) -> Result<(), Error> {
        self.store
            .put(&path(key)?, PutPayload::from_bytes(content))
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    /// Starts storing content that arrives in pieces; nothing is visible
    /// under `key` until [`BlobWriter::finish`].
    pub async fn writer(&self, key: &str) -> Result<BlobWriter, Error> {
        let upload = self.store.put_multipart(&path(key)?).await.map_err(unavailable)?;
        Ok(BlobWriter {
            inner: WriteMultipart::new_with_chunk_size(upload, PART_SIZE),
        })
    }

    /// The whole content.
    pub async fn read(&self, key: &str) -> Result<Bytes, Error> {
        let found = self.store.get(&path(key)?).await.map_err(missing)?;
        found.bytes().await.map_err(unavailable)
    }

    /// The content as a stream of pieces.
    pub async fn stream(&self, key: &str) -> Result<BoxStream<'static, Result<Bytes, Error>>, Error> {
        let found = self.store.get(&path(key)?).await.map_err(missing)?;
        Ok(found.into_stream().map(|piece| piece.map_err(unavailable)).boxed())
    }

    /// Removes content no row refers to (after a failed or replayed
    /// upload). A failure is only logged: the content is unreachable anyway.
    pub async fn forget(&self, key: &str) {
        let Ok(location) = path(key) else { return };
        if let Err(e) = self.store.delete(&location).await {
            tracing::warn!(key, error = %e, "could not remove an unused blob");
        }
    }
}

/// Content recorded in the database but absent from the store is lost
/// data: a fault of ours, not of the caller.
fn missing(e: object_store::Error) -> Error {
    match e {
        object_store::Error::NotFound { .. } => Error::internal(e),
        other => unavailable(other),
    }
}

/// Content being stored piece by piece.
pub struct BlobWriter {
    inner: WriteMultipart,
}

impl BlobWriter {
    /// Adds a piece, waiting while too many parts are in flight.
    pub async fn write(&mut self, piece: &[u8]) -> Result<(), Error> {
        self.inner
            .wait_for_capacity(PARTS_IN_FLIGHT)
            .await
            .map_err(unavailable)?;
        self.inner.write(piece);
        Ok(())
    }

    /// Makes the content visible under its key.
    pub async fn finish(self) -> Result<(), Error> {
        self.inner.finish().await.map_err(unavailable)?;
        Ok(())
    }

    /// Drops what was written; nothing stays in the store.
    pub async fn abort(self) {
        if let Err(e) = self.inner.abort().await {
            tracing::warn!(error = %e, "could not abort a blob upload");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pieces_become_visible_only_when_finished() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blobs = BlobStore::local(dir.path()).expect("store");
        let key = BlobStore::new_key();
        let mut writer = blobs.writer(&key).await.expect("writer");
        writer.write(b"Nghi quyet ").await.expect("write");
        writer.write("về công tác".as_bytes()).await.expect("write");
        assert!(blobs.read(&key).await.is_err(), "not visible before finish");
        writer.finish().await.expect("finish");
        assert_eq!(
            blobs.read(&key).await.expect("read"),
            "Nghi quyet về công tác".as_bytes()
        );

        let dropped = BlobStore::new_key();
        let mut writer = blobs.writer(&dropped).await.expect("writer");
        writer.write(b"abc").await.expect("write");
        writer.abort().await;
        assert!(blobs.read(&dropped).await.is_err(), "aborted content is gone");

        blobs
            .put("attachments/x", Bytes::from_static(b"xyz"))
            .await
            .expect("put");
        let pieces: Vec<Bytes> = blobs
            .stream("attachments/x")
            .await
            .expect("stream")
            .map(|p| p.expect("piece"))
            .collect()
            .await;
        assert_eq!(pieces.concat(), b"xyz");
        blobs.forget("attachments/x").await;
        assert!(blobs.read("attachments/x").await.is_err());
    }
}
