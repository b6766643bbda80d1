//! The default catalogues: budget lines of the state budget index (Mục lục
//! NSNN, Thông tư 324/2016/TT-BTC) that Party offices use most, and the
//! chart of accounts every office's books start with (after the
//! administrative accounting regime of Thông tư 107/2017/TT-BTC).
//!
//! The service inserts the lines once; root office admins may then edit,
//! add or deactivate lines. Codes not confirmed in the sources (edit them
//! per deployment if they differ): tiểu mục 6003, 6113, 6504, 6612, 6617,
//! 7006; chương 509 and khoản 342 (the usual chapter and clause of
//! provincial Party bodies); the sub-accounts 3388, 7111 and 7118 are this
//! deployment's own, for dues.

use super::budget::OverspendPolicy;
use super::ledger::AccountKind;

/// A line of the default catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultLine {
    pub code: &'static str,
    pub item_code: &'static str,
    pub name: &'static str,
    pub overspend: OverspendPolicy,
}

/// Chương, loại and khoản every default line is budgeted under.
pub const DEFAULT_CHAPTER: &str = "509";
pub const DEFAULT_TYPE: &str = "340";
pub const DEFAULT_CLAUSE: &str = "342";

const fn line(code: &'static str, item_code: &'static str, name: &'static str) -> DefaultLine {
    DefaultLine {
        code,
        item_code,
        name,
        overspend: OverspendPolicy::Refuse,
    }
}

/// Bills that must be paid even beyond the estimate are accepted with a
/// warning.
const fn bill(code: &'static str, item_code: &'static str, name: &'static str) -> DefaultLine {
    DefaultLine {
        code,
        item_code,
        name,
        overspend: OverspendPolicy::Warn,
    }
}

/// The default budget lines, in the order of the index.
pub const DEFAULT_LINES: &[DefaultLine] = &[
    line("6001", "6000", "Lương theo ngạch, bậc"),
    line("6003", "6000", "Lương hợp đồng theo chế độ"),
    line("6101", "6100", "Phụ cấp chức vụ"),
    line("6113", "6100", "Phụ cấp trách nhiệm theo nghề, theo công việc"),
    line("6301", "6300", "Bảo hiểm xã hội"),
    line("6302", "6300", "Bảo hiểm y tế"),
    line("6303", "6300", "Kinh phí công đoàn"),
    line("6304", "6300", "Bảo hiểm thất nghiệp"),
    bill("6501", "6500", "Thanh toán tiền điện"),
    bill("6502", "6500", "Thanh toán tiền nước"),
    line("6503", "6500", "Thanh toán tiền nhiên liệu"),
    line("6504", "6500", "Thanh toán tiền vệ sinh, môi trường"),
    line("6551", "6550", "Văn phòng phẩm"),
    line("6552", "6550", "Mua sắm công cụ, dụng cụ văn phòng"),
    line("6599", "6550", "Vật tư văn phòng khác"),
    bill("6601", "6600", "Cước phí điện thoại, fax"),
    line("6603", "6600", "Cước phí bưu chính"),
    line("6612", "6600", "Sách, báo, tạp chí thư viện"),
    line("6617", "6600", "Cước phí Internet, thư viện điện tử"),
    line("6651", "6650", "Hội nghị: in, mua tài liệu"),
    line("6699", "6650", "Hội nghị: chi phí khác"),
    line("6701", "6700", "Công tác phí: tiền vé máy bay, tàu, xe"),
    line("6702", "6700", "Phụ cấp công tác phí"),
    line("6703", "6700", "Công tác phí: tiền thuê phòng ngủ"),
    line("6704", "6700", "Khoán công tác phí"),
    line("6749", "6700", "Công tác phí: khác"),
    line("7001", "7000", "Chi mua hàng hóa, vật tư dùng cho chuyên môn"),
    line("7006", "7000", "Sách, tài liệu, chế độ dùng cho công tác chuyên môn"),
    line("7049", "7000", "Chi phí nghiệp vụ chuyên môn khác"),
    line("7761", "7750", "Chi tiếp khách"),
    line("7799", "7750", "Chi các khoản khác"),
];

/// An account of the default chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultAccount {
    pub code: &'static str,
    pub name: &'static str,
    pub kind: AccountKind,
}

/// Tiền mặt.
pub const CASH: &str = "111";
/// Tiền gửi kho bạc, ngân hàng: where vouchers are paid from by default.
pub const BANK: &str = "112";
/// Chi phí hoạt động: what vouchers charge.
pub const EXPENSE: &str = "611";
/// Dues owed to the parent office.
pub const DUES_PAYABLE: &str = "3388";
/// Dues received from the offices below.
pub const DUES_FROM_BELOW: &str = "7111";
/// The office's kept share of the dues it collected.
pub const DUES_KEPT: &str = "7118";

const fn account(code: &'static str, name: &'static str, kind: AccountKind) -> DefaultAccount {
    DefaultAccount { code, name, kind }
}

/// The chart every office starts with.
pub const DEFAULT_ACCOUNTS: &[DefaultAccount] = &[
    account(CASH, "Tiền mặt", AccountKind::Asset),
    account(BANK, "Tiền gửi ngân hàng, kho bạc", AccountKind::Asset),
    account("141", "Tạm ứng", AccountKind::Asset),
    account("331", "Phải trả cho người bán", AccountKind::Liability),
    account("334", "Phải trả người lao động", AccountKind::Liability),
    account("336", "Phải trả nội bộ", AccountKind::Liability),
    account(DUES_PAYABLE, "Đảng phí phải nộp cấp trên", AccountKind::Liability),
    account("511", "Thu hoạt động do ngân sách cấp", AccountKind::Revenue),
    account(DUES_FROM_BELOW, "Đảng phí cấp dưới nộp lên", AccountKind::Revenue),
    account(DUES_KEPT, "Đảng phí được trích giữ lại", AccountKind::Revenue),
    account(EXPENSE, "Chi phí hoạt động", AccountKind::Expense),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_codes_are_unique_and_well_formed() {
        let mut codes: Vec<&str> = DEFAULT_LINES.iter().map(|l| l.code).collect();
        codes.sort();
        let before = codes.len();
        codes.dedup();
        assert_eq!(before, codes.len());
        for l in DEFAULT_LINES {
            assert!(l.code.len() == 4 && l.code.chars().all(|c| c.is_ascii_digit()));
            assert_eq!(&l.code[..2], &l.item_code[..2], "{} under {}", l.code, l.item_code);
        }
        let mut accounts: Vec<&str> = DEFAULT_ACCOUNTS.iter().map(|a| a.code).collect();
        accounts.sort();
        accounts.dedup();
        assert_eq!(accounts.len(), DEFAULT_ACCOUNTS.len());
    }
}
