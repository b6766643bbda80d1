//! Who is calling: roles and clearance, signed access tokens, the key ring,
//! the verified [`Caller`], the tower layer that produces it on every
//! server, and the suite's own [`ServiceCredential`] for calls between its
//! servers.

mod caller;
mod keys;
mod layer;
mod role;
mod service_credential;
mod token;

pub use caller::Caller;
pub use keys::{
    KeyError, key_id, load_or_create_signing_key, load_signing_key, load_verifying_key, public_key_path,
    write_public_key,
};
pub use layer::AuthState;
pub use role::{Clearance, Role, RoleSet};
pub use service_credential::{CredentialError, HEADER as SERVICE_CREDENTIAL_HEADER, ServiceCredential};
pub use token::{Claims, TokenError, TokenIssuer, TokenVerifier};
