//! Asking the directory about people, on behalf of the caller.
//!
//! A service checks that a user it is told about (a handler, a signer)
//! exists and works in the right office by calling the directory's
//! `GetUser` with the caller's own token and what remains of the caller's
//! deadline, so the directory applies its own access rules.

use std::time::Duration;

use tonic::metadata::{Ascii, MetadataValue};
use uuid::Uuid;

use vanphong_proto::directory::v1::user_service_client::UserServiceClient;
use vanphong_proto::directory::v1::{GetUserRequest, User};

use crate::Error;
use crate::grpc_client::{ServiceChannel, TracedChannel, traced, with_deadline};
use crate::identity::Caller;
use crate::server::Deadline;

/// The caller's credentials and deadline, to pass on.
#[derive(Debug, Clone, Default)]
pub struct OnBehalf {
    authorization: Option<MetadataValue<Ascii>>,
    deadline: Option<Deadline>,
}

impl OnBehalf {
    pub fn of<T>(request: &tonic::Request<T>) -> Self {
        Self {
            authorization: request.metadata().get("authorization").cloned(),
            deadline: Deadline::of(request),
        }
    }

    /// The caller, their credentials to pass on and the message of a gRPC
    /// request: how a handler that asks other services starts.
    pub fn split<T>(request: tonic::Request<T>) -> Result<(Caller, OnBehalf, T), Error> {
        let caller = Caller::of(&request)?;
        let on_behalf = OnBehalf::of(&request);
        Ok((caller, on_behalf, request.into_inner()))
    }

    /// A bearer token, with no deadline of its own (for tools and tests).
    pub fn bearer(token: &str) -> Self {
        Self {
            authorization: format!("Bearer {token}").parse().ok(),
            deadline: None,
        }
    }

    /// A request to another service carrying the caller's token and what
    /// remains of their deadline (5 s when they sent none).
    pub fn request<M>(&self, message: M) -> tonic::Request<M> {
        self.request_within(message, DEFAULT_TIMEOUT)
    }

    /// The same with a longer or shorter wait than 5 s at most, for calls
    /// that take their time (gathering a report's figures).
    pub fn request_within<M>(&self, message: M, limit: Duration) -> tonic::Request<M> {
        let mut request = with_deadline(tonic::Request::new(message), self.deadline, limit);
        if let Some(auth) = &self.authorization {
            request.metadata_mut().insert("authorization", auth.clone());
        }
        request
    }
}

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// A client of the directory's users.
#[derive(Clone)]
pub struct People {
    client: UserServiceClient<TracedChannel>,
}

impl People {
    pub fn new(directory: ServiceChannel) -> Self {
        Self {
            client: UserServiceClient::new(traced(directory)),
        }
    }

    /// The user, or `None` when the directory does not know them or will
    /// not tell this caller about them.
    pub async fn get(&self, on_behalf: &OnBehalf, user: Uuid) -> Result<Option<User>, Error> {
        let request = on_behalf.request(GetUserRequest {
            user_id: user.to_string(),
        });
        match self.client.clone().get_user(request).await {
            Ok(response) => Ok(Some(response.into_inner())),
            Err(status)
                if matches!(
                    status.code(),
                    tonic::Code::NotFound | tonic::Code::PermissionDenied | tonic::Code::InvalidArgument
                ) =>
            {
                Ok(None)
            }
            Err(status) if status.code() == tonic::Code::Unauthenticated => {
                Err(Error::Unauthenticated(status.message().to_string()))
            }
            Err(status) if status.code() == tonic::Code::DeadlineExceeded => Err(Error::DeadlineExceeded(
                "Danh bạ đơn vị (directory) trả lời quá chậm".into(),
            )),
            Err(status) => {
                tracing::warn!(code = ?status.code(), message = status.message(), "directory call failed");
                Err(Error::Unavailable(
                    "Danh bạ đơn vị (directory) tạm thời không trả lời".into(),
                ))
            }
        }
    }

    /// The users, each checked to work in `office` and not be disabled; the
    /// error names `field` (with the index of the bad entry for lists).
    pub async fn members(
        &self,
        on_behalf: &OnBehalf,
        office: Uuid,
        field: &str,
        users: &[Uuid],
    ) -> Result<Vec<User>, Error> {
        let mut found = Vec::with_capacity(users.len());
        for (i, user) in users.iter().enumerate() {
            let name = if field.ends_with("_ids") || field.ends_with("distribution") {
                format!("{field}[{i}]")
            } else {
                field.to_string()
            };
            match self.get(on_behalf, *user).await? {
                Some(u) if u.office_id == office.to_string() && !u.disabled => found.push(u),
                Some(u) if u.disabled => {
                    return Err(Error::invalid(name, "DISABLED", "Người dùng này đã bị khóa"));
                }
                _ => {
                    return Err(Error::invalid(
                        name,
                        "NOT_IN_OFFICE",
                        "Không phải người dùng của đơn vị",
                    ));
                }
            }
        }
        Ok(found)
    }
}
