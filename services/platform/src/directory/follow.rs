//! Following the directory from another process.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use vanphong_proto::directory::v1::WatchDirectoryRequest;
use vanphong_proto::directory::v1::sync_service_client::SyncServiceClient;

use super::{DirectorySnapshot, DirectoryView, channel, snapshot_from_wire};
use crate::Error;
use crate::grpc_client::ServiceChannel;
use crate::identity::ServiceCredential;

/// Subscribes to the directory's `WatchDirectory` stream (presenting the
/// suite's `credential`) and keeps a view current, reconnecting with backoff
/// whenever the stream breaks. Returns once the first snapshot has arrived,
/// or fails with `UNAVAILABLE` after `first_wait`.
pub async fn follow(
    directory: ServiceChannel,
    credential: ServiceCredential,
    first_wait: Duration,
    shutdown: CancellationToken,
) -> Result<DirectoryView, Error> {
    let (publisher, view) = channel(DirectorySnapshot::default());
    let mut first = view.clone();
    tokio::spawn(async move {
        let mut backoff = Duration::from_millis(200);
        loop {
            let known = publisher.view().current().version;
            let mut client = SyncServiceClient::new(directory.clone());
            let mut request = tonic::Request::new(WatchDirectoryRequest { known_version: known });
            credential.attach(&mut request);
            let stream = client.watch_directory(request).await;
            match stream {
                Ok(response) => {
                    let mut stream = response.into_inner();
                    loop {
                        tokio::select! {
                            _ = shutdown.cancelled() => return,
                            message = stream.message() => match message {
                                Ok(Some(snapshot)) => match snapshot_from_wire(snapshot) {
                                    Ok(s) => {
                                        backoff = Duration::from_millis(200);
                                        publisher.publish(s);
                                    }
                                    Err(e) => tracing::error!(error = %e, "unreadable directory snapshot"),
                                },
                                Ok(None) => break,
                                Err(status) => {
                                    tracing::warn!(code = ?status.code(), message = status.message(), "directory stream broke");
                                    break;
                                }
                            }
                        }
                    }
                }
                Err(status) => {
                    tracing::warn!(code = ?status.code(), message = status.message(), "cannot reach the directory");
                }
            }
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(backoff) => {}
            }
            backoff = (backoff * 2).min(Duration::from_secs(5));
        }
    });
    match tokio::time::timeout(first_wait, first.changed()).await {
        Ok(true) => Ok(view),
        _ => Err(Error::Unavailable(
            "Không kết nối được tới danh bạ đơn vị (directory)".into(),
        )),
    }
}
