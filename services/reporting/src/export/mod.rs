//! Files made from reports: [`docx`] (the report as a Party report in
//! WordprocessingML) and [`xlsx`] (its figures as a spreadsheet).

pub mod docx;
pub mod xlsx;
