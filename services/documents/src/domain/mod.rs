//! The rules of documents, free of I/O: kinds and states, the incoming flow,
//! the catalogue and its defaults, committee terms, numbers and symbols, who may see what, and
//! what the digital signatures of a file came to.

pub mod access;
pub mod catalog;
pub mod document;
pub mod edxml;
pub mod flow;
pub mod handover;
pub mod incoming;
pub mod kinds;
pub mod numbering;
pub mod outgoing;
pub mod register;
pub mod signature;
pub mod term;
