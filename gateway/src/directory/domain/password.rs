//! Password policy and hashing (Argon2id).
//!
//! Hashing is deliberately slow, so it runs on the blocking pool, never on
//! the threads serving requests, and deliberately large (19 MiB a hash by
//! default), so one runs at a time: memory stays bounded by one hash's
//! buffer however many people sign in at once, instead of one buffer per
//! blocking thread kept by the allocator afterwards.

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use std::sync::Arc;

use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use vanphong_platform::Error;
use vanphong_platform::validate::Checker;

/// Password length limits, in characters.
pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

/// Checks a new password against the policy.
pub fn check_new_password(checker: &mut Checker, field: &str, password: &str, username: &str) {
    let len = password.chars().count();
    if len < MIN_LEN {
        checker.violation(field, "TOO_SHORT", format!("Mật khẩu phải có ít nhất {MIN_LEN} ký tự"));
    } else if len > MAX_LEN {
        checker.violation(field, "TOO_LONG", format!("Mật khẩu dài quá {MAX_LEN} ký tự"));
    } else if password.eq_ignore_ascii_case(username) {
        checker.violation(field, "WEAK", "Mật khẩu không được trùng tên đăng nhập");
    }
}

/// Hashes and verifies passwords and secrets.
#[derive(Debug, Clone)]
pub struct Passwords {
    params: Params,
    /// One hash at a time (see the module's header).
    turn: Arc<Semaphore>,
    /// A password many accounts are created with, hashed once.
    shared: Option<Arc<SharedPassword>>,
}

/// The demo's password: every demo account is created with it, and hashing
/// it once instead of once per account is most of the demo's start-up
/// time. Its accounts share one salt, which only the demo may afford.
#[derive(Debug)]
struct SharedPassword {
    secret: String,
    hash: tokio::sync::OnceCell<String>,
}

impl Passwords {
    /// Argon2id with `memory_kib` of memory, 2 passes, 1 lane.
    pub fn new(memory_kib: u32) -> Result<Self, Error> {
        let params = Params::new(memory_kib, 2, 1, None).map_err(Error::internal)?;
        Ok(Self {
            params,
            turn: Arc::new(Semaphore::new(1)),
            shared: None,
        })
    }

    /// Hashes `secret`, when given, once for every account created with it
    /// (see [`SharedPassword`]).
    pub fn sharing(mut self, secret: Option<String>) -> Self {
        self.shared = secret.map(|secret| {
            Arc::new(SharedPassword {
                secret,
                hash: tokio::sync::OnceCell::new(),
            })
        });
        self
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// A PHC-format hash with a fresh salt (the shared password's one hash
    /// for it).
    pub async fn hash(&self, secret: String) -> Result<String, Error> {
        match &self.shared {
            Some(shared) if shared.secret == secret => {
                shared.hash.get_or_try_init(|| self.fresh_hash(secret)).await.cloned()
            }
            _ => self.fresh_hash(secret).await,
        }
    }

    async fn fresh_hash(&self, secret: String) -> Result<String, Error> {
        let argon2 = self.argon2();
        let turn = self.turn.clone().acquire_owned().await.map_err(Error::internal)?;
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            argon2
                .hash_password(secret.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| Error::internal(e.to_string()))
        })
        .await
        .map_err(Error::internal)?
    }

    /// Whether `secret` matches `hash`. With no hash (unknown user), a dummy
    /// hash is still computed, so the answer takes as long either way.
    pub async fn verify(&self, secret: String, hash: Option<String>) -> bool {
        let argon2 = self.argon2();
        let Ok(turn) = self.turn.clone().acquire_owned().await else {
            return false;
        };
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            match hash {
                Some(hash) => argon2.verify_password(secret.as_bytes(), hash.as_str()).is_ok(),
                None => {
                    let _ = argon2.hash_password(secret.as_bytes());
                    false
                }
            }
        })
        .await
        .unwrap_or(false)
    }
}

/// A random secret of `bytes` bytes, URL-safe base64.
pub fn random_secret(bytes: usize) -> Result<String, Error> {
    use base64::Engine;
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| Error::internal(e.to_string()))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let p = Passwords::new(64).expect("params");
        let a = p.hash("mat-khau-2026".into()).await.expect("hash");
        let b = p.hash("mat-khau-2026".into()).await.expect("hash");
        assert_ne!(a, b, "salted");
        assert!(p.verify("mat-khau-2026".into(), Some(a.clone())).await);
        assert!(!p.verify("sai".into(), Some(a)).await);
        assert!(!p.verify("x".into(), None).await);
    }

    #[tokio::test]
    async fn a_shared_password_is_hashed_once() {
        let p = Passwords::new(64)
            .expect("params")
            .sharing(Some("VanPhong@2026".into()));
        let a = p.hash("VanPhong@2026".into()).await.expect("hash");
        let b = p.hash("VanPhong@2026".into()).await.expect("hash");
        assert_eq!(a, b, "hashed once");
        assert!(p.verify("VanPhong@2026".into(), Some(a.clone())).await);
        let other = p.hash("Bac-Giang-2026".into()).await.expect("hash");
        assert_ne!(
            other,
            p.hash("Bac-Giang-2026".into()).await.expect("hash"),
            "others salted"
        );
    }

    #[test]
    fn policy() {
        let mut c = Checker::new();
        check_new_password(&mut c, "password", "short", "an");
        check_new_password(&mut c, "password", "vanthu.hh", "vanthu.hh");
        assert!(!c.is_clean());
        let mut ok = Checker::new();
        check_new_password(&mut ok, "password", "Bac-Giang-2026", "an");
        assert!(ok.is_clean());
    }
}
