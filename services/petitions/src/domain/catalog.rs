//! The default catalogue of subject areas (lĩnh vực, docs/domain.md §3). The
//! service inserts these once; a deployment may then edit, add or
//! deactivate areas.

/// An area of the default catalogue: code and Vietnamese name.
pub const DEFAULT_AREAS: &[(&str, &str)] = &[
    ("DD", "Đất đai"),
    ("TN", "Tham nhũng"),
    ("DV", "Đảng viên vi phạm"),
    ("CS", "Chế độ, chính sách"),
    ("NO", "Nhà ở, xây dựng"),
    ("MT", "Tài nguyên, môi trường"),
    ("TP", "Tư pháp"),
    ("HC", "Hành chính"),
    ("KT", "Kinh tế, tài chính"),
    ("KH", "Lĩnh vực khác"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<&str> = DEFAULT_AREAS.iter().map(|(c, _)| *c).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), DEFAULT_AREAS.len());
    }
}
