//! Official documents presented in their legal format as PDF, for the
//! documents and reporting services (docs/domain.md §2.7).
//!
//! - [`font`]: the typeface shipped with the project (Liberation Serif,
//!   metrically Times New Roman, every Vietnamese letter);
//! - [`letterhead`]: what the head of a document prints about its issuer
//!   and the place name, read from the directory's office names;
//! - [`layout`]: setting lines of text on A4 pages, wrapping, justifying,
//!   flowing onto new pages;
//! - [`official`]: an outgoing document laid out in the state (NĐ 30) or
//!   Party (HD 36) format, with its signature fields;
//! - [`table`]: ruled tables in a document's body (a report's figures);
//! - [`writer`]: laid-out pages to PDF bytes, fonts subset and embedded;
//! - [`parse`]: what signing and verifying read back from a PDF;
//! - [`sign`]: signers, the CMS signature, the signed revision, the demo CA;
//! - [`verify`]: checking the signatures of a PDF that arrives.

pub mod font;
pub mod layout;
pub mod letterhead;
pub mod official;
pub mod parse;
pub mod sign;
pub mod table;
pub mod verify;
pub mod writer;

pub use official::{Block, Convention, OfficialDocument, render};
pub use verify::verify as verify_signatures;

/// What can go wrong making a PDF.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The shipped typeface could not be read or subset.
    #[error("font: {0}")]
    Font(String),
    /// The text has a character the typeface cannot print.
    #[error("the character {0:?} cannot be printed in the document's typeface")]
    MissingGlyph(char),
    /// The document cannot be laid out as given.
    #[error("layout: {0}")]
    Layout(String),
    #[error("writing the PDF: {0}")]
    Write(String),
    /// A PDF that is not as this crate expects.
    #[error("malformed PDF: {0}")]
    Malformed(String),
    /// A PDF construct this crate does not handle.
    #[error("unsupported PDF: {0}")]
    Unsupported(String),
    /// A signing key or certificate that cannot be used.
    #[error("signing key: {0}")]
    Key(String),
    /// The field was signed already.
    #[error("the signature field {0:?} is already signed")]
    AlreadySigned(String),
    #[error("no signature field {0:?}")]
    NoField(String),
    /// A signature or seal picture that cannot be used.
    #[error("the picture: {0}")]
    Image(String),
    /// ASN.1 encoding or decoding (certificates, CMS).
    #[error("ASN.1: {0}")]
    Der(#[from] der::Error),
}
