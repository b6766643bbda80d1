//! Who is calling: roles and clearance, signed access tokens, the key ring,
//! the verified [`Caller`], and the tower layer that produces it on every
//! server.

mod caller;
mod keys;
mod layer;
mod role;
mod token;

pub use caller::Caller;
pub use keys::{KeyError, key_id, load_or_create_signing_key, load_verifying_key, write_public_key};
pub use layer::{AuthLayer, AuthState};
pub use role::{Clearance, Role, RoleSet};
pub use token::{Claims, TokenError, TokenIssuer, TokenVerifier};
