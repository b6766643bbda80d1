//! The default catalogue of document types (docs/domain.md §2.1): the state
//! types of Nghị định 30/2020 (Phụ lục III) and the Party types of
//! Quy định 399-QĐ/TW with the codes of Hướng dẫn 36-HD/VPTW. The service
//! inserts these once; a deployment may then edit, add or deactivate types.

/// A type of the catalogue as a deployment keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentType {
    pub code: String,
    pub name: String,
    /// Used by offices numbering as the state does (Nghị định 30/2020).
    pub state: bool,
    /// Used by Party offices (Quy định 399-QĐ/TW).
    pub party: bool,
    /// Offered for new documents.
    pub active: bool,
}

/// A type of the default catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultType {
    pub code: &'static str,
    pub name: &'static str,
    pub state: bool,
    pub party: bool,
}

const fn both(code: &'static str, name: &'static str) -> DefaultType {
    DefaultType {
        code,
        name,
        state: true,
        party: true,
    }
}

const fn state(code: &'static str, name: &'static str) -> DefaultType {
    DefaultType {
        code,
        name,
        state: true,
        party: false,
    }
}

const fn party(code: &'static str, name: &'static str) -> DefaultType {
    DefaultType {
        code,
        name,
        state: false,
        party: true,
    }
}

/// The defaults, in the order the decrees list them. `CV` (công văn) is a
/// type without a code in state symbols (NĐ 30: issuer code plus the
/// drafting unit's code) and with the code `CV` in Party symbols.
/// Codes not confirmed in the sources: Party CL (cương lĩnh), ĐL (điều
/// lệ); edit them per deployment if they differ.
pub const DEFAULT_TYPES: &[DefaultType] = &[
    both("NQ", "Nghị quyết"),
    both("QĐ", "Quyết định"),
    both("CT", "Chỉ thị"),
    party("KL", "Kết luận"),
    both("QC", "Quy chế"),
    state("QyĐ", "Quy định"),
    party("QĐi", "Quy định"),
    party("TT", "Thông tri"),
    state("TC", "Thông cáo"),
    both("TB", "Thông báo"),
    both("HD", "Hướng dẫn"),
    both("CTr", "Chương trình"),
    both("KH", "Kế hoạch"),
    both("PA", "Phương án"),
    both("ĐA", "Đề án"),
    state("DA", "Dự án"),
    both("BC", "Báo cáo"),
    both("BB", "Biên bản"),
    both("TTr", "Tờ trình"),
    state("HĐ", "Hợp đồng"),
    both("CV", "Công văn"),
    state("CĐ", "Công điện"),
    state("BGN", "Bản ghi nhớ"),
    state("BTT", "Bản thỏa thuận"),
    state("GUQ", "Giấy ủy quyền"),
    both("GM", "Giấy mời"),
    both("GGT", "Giấy giới thiệu"),
    state("GNP", "Giấy nghỉ phép"),
    state("PG", "Phiếu gửi"),
    both("PC", "Phiếu chuyển"),
    state("PB", "Phiếu báo"),
    // NĐ 30 gives thư công no abbreviation; "ThC" is only its key here,
    // and like công văn it puts no type code in a state symbol.
    state("ThC", "Thư công"),
    party("CL", "Cương lĩnh"),
    party("ĐL", "Điều lệ"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_every_type_has_a_use() {
        let mut codes: Vec<&str> = DEFAULT_TYPES.iter().map(|t| t.code).collect();
        codes.sort();
        let before = codes.len();
        codes.dedup();
        assert_eq!(before, codes.len());
        assert!(DEFAULT_TYPES.iter().all(|t| t.state || t.party));
        assert!(DEFAULT_TYPES.iter().filter(|t| t.state).count() >= 29);
    }
}
