//! The directory's rules, free of I/O: how the office tree may change, what
//! makes a valid user, password policy and hashing, and how sign-in attempts
//! are throttled.

pub mod office;
pub mod password;
pub mod throttle;
pub mod user;
