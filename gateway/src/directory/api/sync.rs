//! `SyncService`: the stream other servers follow.

use std::pin::Pin;
use std::sync::Arc;

use futures_util::Stream;
use tonic::{Request, Response, Status};

use vanphong_proto::directory::v1::sync_service_server::SyncService;
use vanphong_proto::directory::v1::{DirectorySnapshot, WatchDirectoryRequest};

use vanphong_platform::Error;
use vanphong_platform::identity::Caller;

use crate::directory::Directory;

pub struct SyncApi {
    dir: Arc<Directory>,
}

impl SyncApi {
    pub fn new(dir: Arc<Directory>) -> Self {
        Self { dir }
    }
}

type SnapshotStream = Pin<Box<dyn Stream<Item = Result<DirectorySnapshot, Status>> + Send>>;

#[tonic::async_trait]
impl SyncService for SyncApi {
    type WatchDirectoryStream = SnapshotStream;

    /// Only for the suite's own servers, which present the deployment's
    /// service credential: the stream carries the whole office tree and
    /// every revoked session id, which no person or outside system may
    /// follow. Ends when the server shuts down.
    async fn watch_directory(
        &self,
        request: Request<WatchDirectoryRequest>,
    ) -> Result<Response<Self::WatchDirectoryStream>, Status> {
        if !self.dir.config.service_credential.presented_in(request.metadata()) {
            let refusal = match Caller::of(&request) {
                Ok(_) => {
                    Error::PermissionDenied("Chỉ các máy chủ của hệ thống mới được theo dõi danh bạ đơn vị".into())
                }
                Err(_) => Error::Unauthenticated("Thiếu hoặc sai thông tin xác thực máy chủ của hệ thống".into()),
            };
            return Err(refusal.into());
        }
        let known = request.into_inner().known_version;
        let mut updates = self.dir.watch_wire();
        let shutdown = self.dir.shutdown.clone();
        let stream = async_stream::stream! {
            let first = updates.borrow_and_update().clone();
            if first.version != known {
                yield Ok(first.as_ref().clone());
            }
            loop {
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    changed = updates.changed() => {
                        if changed.is_err() {
                            break;
                        }
                        let snapshot = updates.borrow_and_update().clone();
                        yield Ok(snapshot.as_ref().clone());
                    }
                }
            }
        };
        Ok(Response::new(Box::pin(stream)))
    }
}
