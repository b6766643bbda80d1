//! `AuthService`: signing in, refreshing, signing out, client credentials.

use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use tonic::Request;
use uuid::Uuid;

use vanphong_platform::audit::{self, Change};
use vanphong_platform::clock::to_timestamp;
use vanphong_platform::db::Tx;
use vanphong_platform::identity::{Caller, Claims, Clearance, RoleSet};
use vanphong_platform::ip_range::IpRange;
use vanphong_platform::validate::Checker;
use vanphong_platform::{Error, ids};
use vanphong_proto::directory::v1::auth_service_server::AuthService;
use vanphong_proto::directory::v1::{
    IssueTokenRequest, Principal, RefreshRequest, SignInRequest, SignOutRequest, SignOutResponse, TokenResponse,
    WhoAmIRequest,
};

use crate::directory::Directory;
use crate::directory::domain::office as rules;
use crate::directory::domain::password::random_secret;
use crate::directory::domain::throttle::{addr_key, client_key, user_key};

use super::throttling;
use crate::directory::store;
use crate::directory::store::sessions::NewSession;

const WRONG_CREDENTIALS: &str = "Tên đăng nhập hoặc mật khẩu không đúng";

pub struct AuthApi {
    dir: Arc<Directory>,
}

impl AuthApi {
    pub fn new(dir: Arc<Directory>) -> Self {
        Self { dir }
    }
}

/// Who a session speaks for.
struct Subject {
    id: Uuid,
    name: String,
    full_name: String,
    service_account: bool,
    office_id: Uuid,
    roles: RoleSet,
    clearance: Clearance,
}

impl Subject {
    fn as_caller(&self, session_id: Uuid, expires_at: DateTime<Utc>) -> Caller {
        Caller {
            subject_id: self.id,
            name: self.name.clone(),
            service_account: self.service_account,
            office_id: self.office_id,
            roles: self.roles.clone(),
            clearance: self.clearance,
            session_id,
            expires_at,
        }
    }
}

/// The client's address: the peer, or, behind a trusted proxy, the nearest
/// untrusted address of `x-forwarded-for`.
fn client_addr<T>(request: &Request<T>, trusted: &[IpRange]) -> String {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|range| range.contains(*ip));
    let forwarded = || -> Option<IpAddr> {
        let header = request.metadata().get("x-forwarded-for")?.to_str().ok()?;
        let hops: Vec<IpAddr> = header.split(',').filter_map(|h| h.trim().parse().ok()).collect();
        hops.iter().rev().find(|ip| !is_trusted(ip)).or(hops.first()).copied()
    };
    match request.remote_addr().map(|a| a.ip()) {
        Some(peer) if is_trusted(&peer) => forwarded().unwrap_or(peer).to_string(),
        Some(peer) => peer.to_string(),
        None => forwarded().map(|ip| ip.to_string()).unwrap_or_else(|| "unknown".into()),
    }
}

fn refresh_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn seconds_until(at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (at - now).num_seconds().max(0)
}

impl AuthApi {
    fn office_name(&self, office: Uuid) -> String {
        self.dir
            .view()
            .current()
            .tree
            .get(office)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    }

    fn principal(&self, subject: &Subject, session_id: Uuid, expires_at: DateTime<Utc>) -> Principal {
        Principal {
            subject_id: subject.id.to_string(),
            name: subject.name.clone(),
            full_name: subject.full_name.clone(),
            service_account: subject.service_account,
            office_id: subject.office_id.to_string(),
            office_name: self.office_name(subject.office_id),
            roles: subject.roles.to_wire(),
            clearance: subject.clearance.to_wire(),
            session_id: session_id.to_string(),
            expires_at: Some(to_timestamp(expires_at)),
        }
    }

    /// A signed access token for the subject's session.
    fn token_response(
        &self,
        subject: &Subject,
        session_id: Uuid,
        now: DateTime<Utc>,
        refresh: Option<(String, DateTime<Utc>)>,
    ) -> TokenResponse {
        let access_expires = now + self.dir.config.access_token_ttl;
        let token = self.dir.issuer.issue(Claims {
            iss: String::new(),
            sub: subject.id,
            name: subject.name.clone(),
            svc: subject.service_account,
            office: subject.office_id,
            roles: subject.roles.iter().collect(),
            clr: subject.clearance,
            sid: session_id,
            iat: now.timestamp(),
            exp: access_expires.timestamp(),
        });
        let (refresh_token, refresh_expires_in) = match refresh {
            Some((token, expires)) => (token, seconds_until(expires, now)),
            None => (String::new(), 0),
        };
        TokenResponse {
            access_token: token,
            token_type: "Bearer".into(),
            expires_in: seconds_until(access_expires, now),
            refresh_token,
            refresh_expires_in,
            principal: Some(self.principal(subject, session_id, access_expires)),
        }
    }

    async fn user_subject(&self, tx: &mut Tx, id: Uuid) -> Result<Option<(Subject, bool)>, Error> {
        Ok(store::users::get(tx, id).await?.map(|(u, _)| {
            (
                Subject {
                    id: u.id,
                    name: u.username,
                    full_name: u.full_name,
                    service_account: false,
                    office_id: u.office_id,
                    roles: u.roles,
                    clearance: u.clearance,
                },
                u.disabled,
            )
        }))
    }

    async fn record_session(
        tx: &mut Tx,
        actor: &Caller,
        now: DateTime<Utc>,
        action: &'static str,
        details: serde_json::Value,
    ) -> Result<(), Error> {
        audit::record(
            tx,
            actor,
            now,
            Change {
                office_id: actor.office_id,
                entity: "session",
                entity_id: actor.session_id.to_string(),
                action,
                before: None,
                after: Some(details),
            },
        )
        .await?;
        Ok(())
    }

    /// Stores a new session (with its refresh token's hash, if any) and its
    /// audit record; returns its id.
    async fn open_session(
        &self,
        subject: &Subject,
        refresh_hash: Option<&str>,
        addr: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        action: &'static str,
    ) -> Result<Uuid, Error> {
        let session_id = ids::new_id();
        let mut tx = self.dir.db.begin_write().await?;
        store::sessions::insert(
            &mut tx,
            NewSession {
                id: session_id,
                subject_id: subject.id,
                service_account: subject.service_account,
                refresh_hash,
                client_addr: addr,
                now,
                expires_at,
                access_expires_at: (now + self.dir.config.access_token_ttl).min(expires_at),
            },
        )
        .await?;
        let actor = subject.as_caller(session_id, expires_at);
        Self::record_session(&mut tx, &actor, now, action, serde_json::json!({ "client_addr": addr })).await?;
        tx.commit().await?;
        Ok(session_id)
    }

    async fn sign_in_impl(&self, request: Request<SignInRequest>) -> Result<TokenResponse, Error> {
        let addr = client_addr(&request, &self.dir.config.trusted_proxies);
        let req = request.into_inner();
        let mut c = Checker::new();
        let username = c.text("username", &req.username, 128).to_lowercase();
        if req.password.is_empty() {
            c.violation("password", "REQUIRED", "Không được để trống");
        } else if req.password.len() > 1024 {
            c.violation("password", "TOO_LONG", "Mật khẩu quá dài");
        }
        c.finish()?;

        let (account, address) = (user_key(&username), addr_key(&addr));
        throttling::admit(&self.dir, &account, &address).await?;

        let mut tx = self.dir.db.begin_read().await?;
        let found = store::users::by_username(&mut tx, &username).await?;
        tx.commit().await?;
        let hash = found.as_ref().map(|(_, h)| h.clone());
        let password_ok = self.dir.passwords.verify(req.password, hash).await;
        let Some((user, _)) = found.filter(|_| password_ok) else {
            throttling::record_failure(&self.dir, &account, &address).await?;
            tracing::warn!(username = %username, client = %addr, "sign-in refused");
            return Err(Error::Unauthenticated(WRONG_CREDENTIALS.into()));
        };
        // The right password of someone whose office has ended: tell them
        // where its work went rather than only that they cannot sign in.
        if let Some(notice) = rules::ended_notice(&self.dir.view().current().tree, user.office_id, self.dir.today()) {
            throttling::clear(&self.dir, &account).await?;
            return Err(Error::FailedPrecondition(notice));
        }
        if user.disabled {
            throttling::record_failure(&self.dir, &account, &address).await?;
            return Err(Error::Unauthenticated(
                "Tài khoản đã bị khóa; liên hệ quản trị của đơn vị".into(),
            ));
        }
        throttling::clear(&self.dir, &account).await?;

        let now = self.dir.clock.now();
        let subject = Subject {
            id: user.id,
            name: user.username,
            full_name: user.full_name,
            service_account: false,
            office_id: user.office_id,
            roles: user.roles,
            clearance: user.clearance,
        };
        let refresh_token = random_secret(32)?;
        let expires_at = now + self.dir.config.refresh_token_ttl;
        let session_id = self
            .open_session(
                &subject,
                Some(&refresh_hash(&refresh_token)),
                &addr,
                now,
                expires_at,
                "sign_in",
            )
            .await?;
        Ok(self.token_response(&subject, session_id, now, Some((refresh_token, expires_at))))
    }

    async fn refresh_impl(&self, request: Request<RefreshRequest>) -> Result<TokenResponse, Error> {
        let req = request.into_inner();
        let mut c = Checker::new();
        let token = c.text("refresh_token", &req.refresh_token, 512);
        c.finish()?;
        let hash = refresh_hash(&token);
        let now = self.dir.clock.now();
        let mut tx = self.dir.db.begin_write().await?;
        let Some(session) = store::sessions::by_refresh_hash(&mut tx, &hash).await? else {
            if let Some(stolen) = store::sessions::by_previous_refresh_hash(&mut tx, &hash).await?
                && !stolen.revoked
            {
                store::sessions::revoke(&mut tx, stolen.id, now).await?;
                store::bump_version(&mut tx).await?;
                if let Some((subject, _)) = self.user_subject(&mut tx, stolen.subject_id).await? {
                    let actor = subject.as_caller(stolen.id, stolen.expires_at);
                    Self::record_session(&mut tx, &actor, now, "revoke_reused_refresh", serde_json::json!({})).await?;
                }
                tx.commit().await?;
                self.dir.reload().await?;
                tracing::warn!(session = %stolen.id, "rotated refresh token reused; session revoked");
                return Err(Error::Unauthenticated(
                    "Mã làm mới đã được dùng trước đó; phiên đã bị thu hồi để bảo vệ tài khoản".into(),
                ));
            }
            return Err(Error::Unauthenticated("Mã làm mới không hợp lệ".into()));
        };
        if session.revoked {
            return Err(Error::Unauthenticated(
                "Phiên làm việc đã kết thúc, vui lòng đăng nhập lại".into(),
            ));
        }
        if session.expires_at <= now {
            return Err(Error::Unauthenticated(
                "Phiên làm việc đã hết hạn, vui lòng đăng nhập lại".into(),
            ));
        }
        let subject = match self.user_subject(&mut tx, session.subject_id).await? {
            Some((subject, false)) => subject,
            _ => {
                store::sessions::revoke(&mut tx, session.id, now).await?;
                store::bump_version(&mut tx).await?;
                tx.commit().await?;
                self.dir.reload().await?;
                return Err(Error::Unauthenticated(
                    "Tài khoản đã bị khóa; liên hệ quản trị của đơn vị".into(),
                ));
            }
        };
        let new_token = random_secret(32)?;
        store::sessions::rotate(
            &mut tx,
            session.id,
            &hash,
            &refresh_hash(&new_token),
            now,
            now + self.dir.config.access_token_ttl,
        )
        .await?;
        let actor = subject.as_caller(session.id, session.expires_at);
        Self::record_session(&mut tx, &actor, now, "refresh", serde_json::json!({})).await?;
        tx.commit().await?;
        Ok(self.token_response(&subject, session.id, now, Some((new_token, session.expires_at))))
    }

    async fn sign_out_impl(&self, request: Request<SignOutRequest>) -> Result<SignOutResponse, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let now = self.dir.clock.now();
        let mut tx = self.dir.db.begin_write().await?;
        let revoked = if req.everywhere {
            store::sessions::revoke_all_of(&mut tx, caller.subject_id, now).await?
        } else {
            u64::from(store::sessions::revoke(&mut tx, caller.session_id, now).await?)
        };
        store::bump_version(&mut tx).await?;
        Self::record_session(
            &mut tx,
            &caller,
            now,
            "sign_out",
            serde_json::json!({ "everywhere": req.everywhere, "revoked": revoked }),
        )
        .await?;
        tx.commit().await?;
        self.dir.reload().await?;
        Ok(SignOutResponse {
            revoked_sessions: i32::try_from(revoked).unwrap_or(i32::MAX),
        })
    }

    async fn issue_token_impl(&self, request: Request<IssueTokenRequest>) -> Result<TokenResponse, Error> {
        let addr = client_addr(&request, &self.dir.config.trusted_proxies);
        let req = request.into_inner();
        let mut c = Checker::new();
        let client_id = c.text("client_id", &req.client_id, 128);
        let secret = c.text("client_secret", &req.client_secret, 512);
        c.finish()?;
        let (account, address) = (client_key(&client_id), addr_key(&addr));
        throttling::admit(&self.dir, &account, &address).await?;

        let mut tx = self.dir.db.begin_read().await?;
        let found = store::service_accounts::by_client_id(&mut tx, &client_id).await?;
        tx.commit().await?;
        let hash = found.as_ref().and_then(|(_, h)| h.clone());
        let ok = self.dir.passwords.verify(secret, hash).await;
        let Some((found_account, _)) = found.filter(|(a, _)| ok && !a.disabled) else {
            throttling::record_failure(&self.dir, &account, &address).await?;
            tracing::warn!(client_id = %client_id, client = %addr, "client credentials refused");
            return Err(Error::Unauthenticated(
                "Mã hoặc khóa bí mật của hệ thống không đúng".into(),
            ));
        };
        throttling::clear(&self.dir, &account).await?;
        let now = self.dir.clock.now();
        let subject = Subject {
            id: found_account.id,
            name: found_account.client_id,
            full_name: found_account.name,
            service_account: true,
            office_id: found_account.office_id,
            roles: found_account.roles,
            clearance: found_account.clearance,
        };
        let expires_at = now + self.dir.config.access_token_ttl;
        let session_id = self
            .open_session(&subject, None, &addr, now, expires_at, "issue_token")
            .await?;
        Ok(self.token_response(&subject, session_id, now, None))
    }

    async fn who_am_i_impl(&self, request: Request<WhoAmIRequest>) -> Result<Principal, Error> {
        let caller = Caller::of(&request)?;
        let full_name = if caller.service_account {
            let mut tx = self.dir.db.begin_read().await?;
            let account = store::service_accounts::get(&mut tx, caller.subject_id).await?;
            tx.commit().await?;
            account.map(|(a, _)| a.name).unwrap_or_default()
        } else {
            let mut tx = self.dir.db.begin_read().await?;
            let user = store::users::get(&mut tx, caller.subject_id).await?;
            tx.commit().await?;
            user.map(|(u, _)| u.full_name).unwrap_or_default()
        };
        let subject = Subject {
            id: caller.subject_id,
            name: caller.name.clone(),
            full_name,
            service_account: caller.service_account,
            office_id: caller.office_id,
            roles: caller.roles.clone(),
            clearance: caller.clearance,
        };
        Ok(self.principal(&subject, caller.session_id, caller.expires_at))
    }
}

vanphong_platform::grpc_delegate! {
    impl AuthService for AuthApi {
        sign_in(SignInRequest) -> TokenResponse = Self::sign_in_impl;
        refresh(RefreshRequest) -> TokenResponse = Self::refresh_impl;
        sign_out(SignOutRequest) -> SignOutResponse = Self::sign_out_impl;
        issue_token(IssueTokenRequest) -> TokenResponse = Self::issue_token_impl;
        who_am_i(WhoAmIRequest) -> Principal = Self::who_am_i_impl;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(peer: &str, forwarded: Option<&str>) -> Request<()> {
        let mut request = Request::new(());
        request
            .extensions_mut()
            .insert(tonic::transport::server::TcpConnectInfo {
                local_addr: None,
                remote_addr: Some(peer.parse().expect("peer")),
            });
        if let Some(chain) = forwarded {
            request
                .metadata_mut()
                .insert("x-forwarded-for", chain.parse().expect("header"));
        }
        request
    }

    #[test]
    fn a_trusted_network_of_proxies_passes_the_client_address_on() {
        let trusted: Vec<IpRange> = vec!["10.0.0.0/8".parse().expect("range")];
        // An ingress pod anywhere in the cluster network, behind another
        // proxy of ours: the client is the nearest address outside it.
        let request = from("10.42.3.7:51000", Some("203.113.9.8, 10.42.0.5"));
        assert_eq!(client_addr(&request, &trusted), "203.113.9.8");
        // A client outside cannot claim an address of its choosing.
        let request = from("198.51.100.4:51000", Some("203.113.9.8"));
        assert_eq!(client_addr(&request, &trusted), "198.51.100.4");
    }

    #[test]
    fn without_trusted_proxies_nobodys_forwarded_for_is_believed() {
        // The default: a client on the same host claiming another address
        // is counted as itself.
        let request = from("127.0.0.1:51000", Some("203.113.9.8"));
        assert_eq!(client_addr(&request, &[]), "127.0.0.1");
    }
}
