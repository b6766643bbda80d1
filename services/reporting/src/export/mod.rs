//! Files made from reports: [`docx`] (the report as a Party report in
//! WordprocessingML), [`pdf`] (the same report as a PDF, set like issued
//! documents) and [`xlsx`] (its figures as a spreadsheet).

pub mod docx;
pub mod pdf;
pub mod xlsx;
